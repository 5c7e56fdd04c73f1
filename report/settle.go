package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/oomlab/oomlab/runner/results"
	"gonum.org/v1/gonum/stat"
)

// Settling. Each change of the offered rate and each downstream phase
// change moves a server's working set: more requests in flight, a longer
// queue before the shedding starts, buffers sized for the new rate. A
// bounded server steps up and levels off; a leaking one keeps climbing.
// The first part of every interval between two changes is therefore left
// out of the "still rising at constant load" test:
//
//	settle = max(SettleMinSeconds, SettleFraction × interval length)
//
// 25 % of a 10 s stage is 2.5 s; RSS of the built-in aware targets
// levelled within 1-2 s of a rate change in every recorded run
// (report/testdata/curves), so 25 % leaves a margin, and 75 % of the
// interval is left to fit.
const (
	SettleFraction   = 0.25
	SettleMinSeconds = 2.0
	// MinSettledSeconds is the shortest settled window the class may
	// rest on: less cannot tell a step from a climb.
	MinSettledSeconds = 3.0
	// HeldSeconds: RSS that set no new high for this long at the end of
	// the settled window has held, for now (see curveClass).
	HeldSeconds = 2.0
	// minSettledSamples is the fewest samples in that window.
	minSettledSamples = 10
	// maxResidualRho caps the lag-1 autocorrelation used to widen the
	// slope's standard error (at 0.98 the error is widened 9.9×).
	maxResidualRho = 0.98
)

// Confidence says how sure a class is and what it rests on.
type Confidence struct {
	// Level is "high", "medium" or "low"; an inconclusive class is low.
	Level string `json:"level"`
	// Window names the settled window the slope was fitted over: the
	// last interval at a constant rate and downstream phase, after its
	// settling interval, or the event the class rests on.
	Window string `json:"window"`
	// StartSeconds and EndSeconds bound the window (seconds since the
	// load started); SettleSeconds is the settling interval left out
	// before StartSeconds.
	StartSeconds  float64 `json:"start_seconds"`
	EndSeconds    float64 `json:"end_seconds"`
	SettleSeconds float64 `json:"settle_seconds"`
	Samples       int     `json:"samples"`
	// SlopeMiBPerSec ± 2 × SlopeSEMiBPerSec is the RSS slope over the
	// window with its approximate 95 % interval.
	SlopeMiBPerSec   float64 `json:"slope_mib_per_sec"`
	SlopeSEMiBPerSec float64 `json:"slope_se_mib_per_sec"`
	R2               float64 `json:"r2"`
	// RiseMiB is slope × window length: what RSS gained in the window.
	RiseMiB float64 `json:"rise_mib"`
	// Reason says why, in words: what an inconclusive class lacks, or
	// what a confident one saw.
	Reason string `json:"reason"`
}

// Confidence levels.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"
)

// constSpan is one interval of constant offered rate and downstream phase.
type constSpan struct {
	Name          string
	Start, End    float64
	SettleSeconds float64 // length of the settling interval
}

// spans cuts the load's time axis at every stage start and phase start.
// Each span is named after its stage (and phase, when the scenario has
// more than one) and given its settling interval. end, when finite and
// earlier than the last stage's end, cuts the axis there (a target that
// died or was interrupted).
func spans(res *results.Results, end float64) []constSpan {
	var cuts []float64
	for _, st := range res.Stages {
		cuts = append(cuts, st.StartSeconds, st.EndSeconds)
	}
	for _, ph := range res.Phases {
		cuts = append(cuts, ph.StartSeconds)
	}
	if len(cuts) == 0 {
		return nil
	}
	slices.Sort(cuts)
	stop := cuts[len(cuts)-1]
	var out []constSpan
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if b-a < 1e-6 || a >= stop {
			continue
		}
		settle := math.Max(SettleMinSeconds, SettleFraction*(b-a))
		sp := constSpan{Name: spanName(res, (a+b)/2), Start: a, End: b, SettleSeconds: settle}
		if end < b {
			sp.End = end
		}
		if sp.End > sp.Start {
			out = append(out, sp)
		}
	}
	return out
}

// spanName names the stage (and phase) in force at time t: "stage 4
// (200 rps)" or "stage 4 (200 rps), phase failing".
func spanName(res *results.Results, t float64) string {
	name := ""
	for k, st := range res.Stages {
		if t >= st.StartSeconds && t < st.EndSeconds {
			name = fmt.Sprintf("stage %d (%s rps)", k+1, formatRate(st.RatePerSecond))
		}
	}
	if len(res.Phases) > 1 {
		for k, ph := range res.Phases {
			if t >= ph.StartSeconds && (t < ph.EndSeconds || ph.EndSeconds <= ph.StartSeconds) {
				name += ", phase " + phaseName(ph, k)
			}
		}
	}
	return name
}

// slopeFit is a least-squares line with its slope's standard error.
type slopeFit struct {
	Slope, SE, R2 float64
	Start, End    float64
	N             int
}

// fitWithSE fits y = α + β·x (gonum stat.LinearRegression) and returns β
// with its standard error, widened for autocorrelated residuals:
//
//	s² = Σ rᵢ² / (n − 2),  SE(β) = √(s² / Σ(xᵢ − x̄)²)
//	ρ  = Σ rᵢ·rᵢ₋₁ / Σ rᵢ²  (lag-1 autocorrelation, clamped to [0, 0.98])
//	SE' = SE(β) · √((1 + ρ) / (1 − ρ))
//
// Samples of RSS 100 ms apart are not independent — a GC saw-tooth or a
// step leaves long runs of residuals of one sign — and the plain formula
// would then be far too sure; the factor is the usual AR(1) correction
// (the effective sample size n·(1 − ρ)/(1 + ρ)). ok is false with fewer
// than 3 points or no spread in x.
func fitWithSE(xs, ys []float64) (slopeFit, bool) {
	n := len(xs)
	if n < 3 || xs[n-1] <= xs[0] {
		return slopeFit{}, false
	}
	alpha, beta := stat.LinearRegression(xs, ys, nil, false)
	r2 := stat.RSquared(xs, ys, nil, alpha, beta)
	if math.IsNaN(r2) || math.IsInf(r2, 0) {
		r2 = 0
	}
	xbar := stat.Mean(xs, nil)
	var ssr, sxx, lag float64
	prev := math.NaN()
	for i, x := range xs {
		r := ys[i] - (alpha + beta*x)
		ssr += r * r
		sxx += (x - xbar) * (x - xbar)
		if !math.IsNaN(prev) {
			lag += r * prev
		}
		prev = r
	}
	se := math.Sqrt(ssr / float64(n-2) / sxx)
	rho := 0.0
	if ssr > 0 {
		rho = math.Min(math.Max(lag/ssr, 0), maxResidualRho)
	}
	se *= math.Sqrt((1 + rho) / (1 - rho))
	return slopeFit{Slope: beta, SE: se, R2: r2, Start: xs[0], End: xs[n-1], N: n}, true
}

// newHighMiB is the rise over the window's running maximum that counts
// as a new high: less is the jitter of RSS sampling (Node's RSS moves in
// steps of about a MiB as V8 and the allocator take and return pages).
const newHighMiB = 1.0

// evidence is what curveClass decides on.
type evidence struct {
	// Span is the last interval at a constant rate and phase with
	// samples; Fit is over its settled part, OK false when that part is
	// too short to fit.
	Span constSpan
	Fit  slopeFit
	OK   bool
	// SinceHighSeconds is the time from the settled window's last new
	// high (RSS above its running maximum by newHighMiB) to its end.
	SinceHighSeconds float64
	// LastHighSeconds is when that last new high came.
	LastHighSeconds float64
	// Prior is the fit over the settled part of the span before Span,
	// PriorOK false when there is none or it is too short.
	Prior   slopeFit
	PriorOK bool
}

// settledEvidence fits RSS over the settled part of the last span that
// has samples up to end, and of the span before it.
func settledEvidence(res *results.Results, s *Series, end float64) evidence {
	sps := spans(res, end)
	var ev evidence
	for i := len(sps) - 1; i >= 0; i-- {
		sp := sps[i]
		if xs, _ := seriesWindow(s, sp.Start, sp.End); len(xs) == 0 {
			continue
		}
		ev.Span = sp
		xs, ys := seriesWindow(s, sp.Start+sp.SettleSeconds, sp.End)
		ev.Fit, ev.OK = fitSettled(xs, ys)
		ev.LastHighSeconds, ev.SinceHighSeconds = lastHigh(xs, ys)
		if i > 0 {
			p := sps[i-1]
			ev.Prior, ev.PriorOK = fitSettled(seriesWindow(s, p.Start+p.SettleSeconds, p.End))
		}
		return ev
	}
	return ev
}

// fitSettled fits a settled window; ok is false when it is shorter than
// MinSettledSeconds or holds fewer than minSettledSamples samples (N is
// still set, for the reason).
func fitSettled(xs, ys []float64) (slopeFit, bool) {
	if len(xs) < minSettledSamples || xs[len(xs)-1]-xs[0] < MinSettledSeconds {
		return slopeFit{N: len(xs)}, false
	}
	return fitWithSE(xs, ys)
}

// lastHigh returns when RSS last set a new high within the window — rose
// newHighMiB above the previous high (the first sample is the first) —
// and how long before the window's end that was; 0, 0 for an empty
// window. A climb sets a new high every newHighMiB; a step that levelled
// off set its last one at the step.
func lastHigh(xs, ys []float64) (at, since float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	high, at := ys[0], xs[0]
	for i, y := range ys {
		if y > high+newHighMiB {
			high, at = y, xs[i]
		}
	}
	return at, xs[len(xs)-1] - at
}

// seriesWindow returns the samples with t0 ≤ t ≤ t1 and a known RSS.
func seriesWindow(s *Series, t0, t1 float64) (xs, ys []float64) {
	for i, t := range s.T {
		if t >= t0 && t <= t1 && !math.IsNaN(s.RSSMiB[i]) {
			xs, ys = append(xs, t), append(ys, s.RSSMiB[i])
		}
	}
	return xs, ys
}
