package edge

import (
	"fmt"
	"math"
	"time"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// Criteria defaults.
const (
	// DefaultMaxSlopeMiBPerSec is the verdict's own growth threshold,
	// curve.GrowthSlopeMiBPerSec: 0.5 MiB/s is 1.8 GiB an hour.
	DefaultMaxSlopeMiBPerSec = curve.GrowthSlopeMiBPerSec
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
//   - its RSS after the warm-up does not grow, by the verdict's own rule
//     (curve.Rule.Decide, with MaxSlopeMiBPerSec as its growth threshold)
//     over the whole probe after the warm-up taken as one settled window
//     (curve.Curve.Whole): a probe the rule calls growing fails, one it
//     calls bounded or cannot class does not fail on growth; a window too
//     short for a settled window (curve.MinSettledSamples over
//     curve.MinSettledSeconds: a --probe of a few seconds) is judged by
//     the rule's slope test alone (curve.Rule.SurelyRising), and one too
//     short for any fit (curve.MinFitSamples over curve.MinFitSeconds)
//     fails as too few samples;
//   - RSS does not reach the limit soon: the time to the limit at the
//     fitted slope β, (limit − last RSS) ÷ β, is at least
//     MinTimeToLimitSeconds — unless a line does not describe the curve
//     (R² < curve.LineMinR2: a saw-tooth);
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
	p.Reasons = append(p.Reasons, memoryReasons(c, o, &p)...)
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

// memoryReasons judges a probe's RSS after the warm-up (see Judge) and
// fills in p's slope, R² and time to the limit.
func memoryReasons(c results.EdgeCriteria, o Observed, p *results.EdgeProbe) []string {
	mibs := make([]float64, len(o.RSSBytes))
	for i, b := range o.RSSBytes {
		mibs[i] = b / (1 << 20)
	}
	cv := curve.Curve{T: o.T, MiB: mibs}
	ev := cv.Whole()
	rule := curve.Rule{GrowthSlopeMiBPerSec: c.MaxSlopeMiBPerSec}
	w := ev.Last()
	f, growing := w.Fit, false
	if w.OK {
		growing = rule.Decide(ev).Finding.Growing()
	} else {
		// Shorter than a settled window (a --probe of a few seconds):
		// the rule's slope test alone.
		var ok bool
		if f, ok = cv.Fit(math.Inf(-1), math.Inf(1)); !ok {
			if o.Outcome == results.OutcomeSurvived {
				return []string{"too few RSS samples after the warm-up to judge memory"}
			}
			return nil
		}
		growing = rule.SurelyRising(f)
	}
	p.SlopeMiBPerSec, p.SlopeR2 = round3(f.Slope), round3(f.R2)
	if f.Slope > 0 {
		headroom := float64(o.LimitBytes)/(1<<20) - mibs[len(mibs)-1]
		p.TimeToLimitSeconds = round3(math.Max(headroom, 0) / f.Slope)
	}
	if growing {
		return []string{fmt.Sprintf("RSS climbs %+.2f ± %.2f MiB/s at constant load (R² %.2f), over the %.2f MiB/s allowed",
			f.Slope, 2*f.WideStdErr, f.R2, c.MaxSlopeMiBPerSec)}
	}
	if f.R2 >= curve.LineMinR2 && p.TimeToLimitSeconds >= 0 && p.TimeToLimitSeconds < c.MinTimeToLimitSeconds {
		return []string{fmt.Sprintf("at %+.2f MiB/s RSS reaches the limit in %.0f s, under the %.0f s required", f.Slope, p.TimeToLimitSeconds, c.MinTimeToLimitSeconds)}
	}
	return nil
}

// behindText words the load generator's shortfall on a stage: "the load
// generator fell behind (load-generator bound): 588.1 of 640 requests/s
// sent, up to 1.9 s late".
func behindText(st results.Stage) string {
	return fmt.Sprintf("the load generator fell behind (load-generator bound): %.1f of %s requests/s sent, up to %.1f s late",
		st.AchievedRatePerSecond, rateText(st.OfferedRatePerSecond), st.MaxLagSeconds)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
