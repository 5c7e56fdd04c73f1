package edge

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/oomlab/oomlab/runner/results"
)

// Criteria defaults.
const (
	// DefaultMaxSlopeMiBPerSec is the report's own growth threshold: 0.5
	// MiB/s is 1.8 GiB an hour.
	DefaultMaxSlopeMiBPerSec = 0.5
	// DefaultMinTimeToLimit: a target that would reach its limit within
	// five minutes at this rate does not hold it. Measured on the Go
	// upload proxies: after its warm-up a healthy process still creeps
	// (the heap's high-water mark), 0.4-0.5 MiB/s over a 15 s probe,
	// which a ten-minute horizon would call a leak.
	DefaultMinTimeToLimit = 5 * time.Minute
	// DefaultMinSuccessRatio: 95 % answered 2xx.
	DefaultMinSuccessRatio = 0.95
	// DefaultMinGoodputRatio: or the downstream kept 80 % busy (the target
	// sheds only what the downstream could not take).
	DefaultMinGoodputRatio = 0.8
	// DefaultMaxP95 bounds the p95 latency.
	DefaultMaxP95 = 10 * time.Second
	// slopeMinR2: a slope counts as a climb only when a line explains the
	// curve this well (a collector's saw-tooth does not climb).
	slopeMinR2 = 0.5
)

// DefaultCriteria returns the criteria with every default.
func DefaultCriteria() results.EdgeCriteria {
	return results.EdgeCriteria{
		MaxSlopeMiBPerSec: DefaultMaxSlopeMiBPerSec, MinTimeToLimitSeconds: DefaultMinTimeToLimit.Seconds(),
		MinSuccessRatio: DefaultMinSuccessRatio, MinGoodputRatio: DefaultMinGoodputRatio, MaxP95Ms: float64(DefaultMaxP95.Milliseconds()),
	}
}

// Observed is what one probe measured.
type Observed struct {
	Outcome string
	// T and RSSBytes are the RSS samples after the warm-up, T in seconds.
	T        []float64
	RSSBytes []float64
	// RSSPeakBytes is the peak over the whole probe.
	RSSPeakBytes int64
	LimitBytes   int64
	Stage        results.Stage
	GoodputRatio *float64
}

// Judge decides whether a target held a probe's rate:
//
//   - it survived the probe;
//   - its RSS after the warm-up does not climb: the least-squares slope β
//     is at most MaxSlopeMiBPerSec, and the time to the limit at that
//     slope, (limit − last RSS) ÷ β, is at least MinTimeToLimitSeconds —
//     unless a line does not explain the curve (R² < 0.5: a saw-tooth);
//   - the success ratio is at least MinSuccessRatio, or the downstream's
//     goodput ratio at least MinGoodputRatio (shedding what the
//     downstream cannot serve is holding);
//   - the p95 latency is at most MaxP95Ms.
//
// A probe where the load generator fell behind is inconclusive — load-
// generator bound: the rate was not offered in full, so the probe is no
// evidence that the target held it or failed it. Its first reason says
// by how much the generator fell short; the target's own shortcomings
// follow, for the record only.
func Judge(c results.EdgeCriteria, o Observed) results.EdgeProbe {
	p := results.EdgeProbe{Outcome: o.Outcome, RSSPeakBytes: o.RSSPeakBytes, SuccessRatio: o.Stage.SuccessRatio,
		GoodputRatio: o.GoodputRatio, P95Ms: o.Stage.LatencyP95Ms, Behind: o.Stage.Behind, TimeToLimitSeconds: -1,
		AchievedRatePerSecond: o.Stage.AchievedRatePerSecond, MaxLagSeconds: o.Stage.MaxLagSeconds}
	if o.Stage.DurationSeconds > 0 {
		p.SuccessesPerSecond = float64(o.Stage.Successes) / o.Stage.DurationSeconds
	}
	if o.Outcome != results.OutcomeSurvived {
		p.Reasons = append(p.Reasons, "did not survive: "+o.Outcome)
	}
	if len(o.T) >= 5 && o.T[len(o.T)-1]-o.T[0] >= 1 {
		ys := make([]float64, len(o.RSSBytes))
		for i, b := range o.RSSBytes {
			ys[i] = b / (1 << 20)
		}
		alpha, beta := stat.LinearRegression(o.T, ys, nil, false)
		r2 := stat.RSquared(o.T, ys, nil, alpha, beta)
		if math.IsNaN(r2) || math.IsInf(r2, 0) {
			r2 = 0
		}
		p.SlopeMiBPerSec, p.SlopeR2 = round3(beta), round3(r2)
		if beta > 0 {
			headroom := float64(o.LimitBytes)/(1<<20) - ys[len(ys)-1]
			p.TimeToLimitSeconds = round3(math.Max(headroom, 0) / beta)
		}
		climbing := r2 >= slopeMinR2
		if climbing && beta > c.MaxSlopeMiBPerSec {
			p.Reasons = append(p.Reasons, fmt.Sprintf("RSS climbs %+.2f MiB/s (R² %.2f), over the %.2f MiB/s allowed", beta, r2, c.MaxSlopeMiBPerSec))
		} else if climbing && p.TimeToLimitSeconds >= 0 && p.TimeToLimitSeconds < c.MinTimeToLimitSeconds {
			p.Reasons = append(p.Reasons, fmt.Sprintf("at %+.2f MiB/s RSS reaches the limit in %.0f s, under the %.0f s required", beta, p.TimeToLimitSeconds, c.MinTimeToLimitSeconds))
		}
	} else if o.Outcome == results.OutcomeSurvived {
		p.Reasons = append(p.Reasons, "too few RSS samples after the warm-up to judge memory")
	}
	goodput := -1.0
	if o.GoodputRatio != nil {
		goodput = *o.GoodputRatio
	}
	if o.Stage.Requests == 0 {
		p.Reasons = append(p.Reasons, "no request was sent")
	} else if o.Stage.SuccessRatio < c.MinSuccessRatio && goodput < c.MinGoodputRatio {
		s := fmt.Sprintf("success %.0f %% under the %.0f %% floor", 100*o.Stage.SuccessRatio, 100*c.MinSuccessRatio)
		if goodput >= 0 {
			s += fmt.Sprintf(", and the downstream's goodput %.2f under %.2f", goodput, c.MinGoodputRatio)
		}
		p.Reasons = append(p.Reasons, s)
	}
	if o.Stage.Requests > 0 && o.Stage.LatencyP95Ms > c.MaxP95Ms {
		p.Reasons = append(p.Reasons, fmt.Sprintf("p95 %.0f ms over the %.0f ms ceiling", o.Stage.LatencyP95Ms, c.MaxP95Ms))
	}
	if o.Stage.Behind {
		p.Inconclusive = true
		p.Reasons = append([]string{behindText(o.Stage)}, p.Reasons...)
		return p
	}
	p.Holds = len(p.Reasons) == 0
	return p
}

// behindText words the load generator's shortfall on a stage: "the load
// generator fell behind (load-generator bound): 588.1 of 640 requests/s
// sent, up to 1.9 s late".
func behindText(st results.Stage) string {
	return fmt.Sprintf("the load generator fell behind (load-generator bound): %.1f of %s requests/s sent, up to %.1f s late",
		st.AchievedRatePerSecond, rateText(st.OfferedRatePerSecond), st.MaxLagSeconds)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
