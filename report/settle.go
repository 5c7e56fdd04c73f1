package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
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
// 25 % of a 10 s stage is 2.5 s, and 75 % of the interval is left to
// fit. Most aware targets in the recorded runs (report/testdata/curves)
// levelled within it; Node's RSS sometimes steps up later, 3-6 s after a
// rate change, which is why curveClass also looks at how long RSS held
// after its last new high.
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
			name = fmt.Sprintf("stage %d (%s rps)", k+1, format.Rate(st.RatePerSecond))
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

// newHighMiB is the rise above the previous high that counts as a new
// high: less is the jitter of RSS sampling (Node's RSS moves in steps of
// about a MiB as V8 and the allocator take and return pages).
const newHighMiB = 1.0

// stepGapSeconds: new highs closer than this belong to one step.
const stepGapSeconds = 1.0

// highs describes where RSS set new highs in a window, on the curve
// smoothed by a running median over smoothSeconds (a single-sample spike
// is not a high). A new high is a rise of newHighMiB above the previous
// high; the window's first sample is the first high.
type highs struct {
	// Last is when the last new high came; Since is the time from it to
	// the window's end.
	Last, Since float64
	// Steps counts runs of new highs separated by stepGapSeconds or
	// more: a climb sets one every newHighMiB, a step sets one run.
	Steps int
	// LongestPause is the longest time between two new highs (the
	// window's start counting as the first).
	LongestPause float64
	// Peak is the window's highest smoothed RSS; EndLevel the median of
	// its last HeldSeconds.
	Peak, EndLevel float64
}

// findHighs returns the highs of the window xs, ys.
func findHighs(xs, ys []float64) highs {
	if len(xs) == 0 {
		return highs{Peak: math.NaN(), EndLevel: math.NaN()}
	}
	sm := runningMedian(xs, ys)
	h := highs{Last: xs[0], Peak: sm[0]}
	high := sm[0]
	for i, y := range sm {
		h.Peak = math.Max(h.Peak, y)
		if y <= high+newHighMiB {
			continue
		}
		gap := xs[i] - h.Last
		if h.Steps == 0 || gap >= stepGapSeconds {
			h.Steps++
		}
		h.LongestPause = math.Max(h.LongestPause, gap)
		high, h.Last = y, xs[i]
	}
	h.Since = xs[len(xs)-1] - h.Last
	var tail []float64
	for i, x := range xs {
		if x >= xs[len(xs)-1]-HeldSeconds {
			tail = append(tail, ys[i])
		}
	}
	slices.Sort(tail)
	h.EndLevel = tail[len(tail)/2]
	return h
}

// smoothSeconds is the width of the running median that findHighs and
// the peak before a window use: a spike shorter than half of it is not a
// high, whatever the sampling interval.
const smoothSeconds = 0.5

// runningMedian is the median of the samples within ±smoothSeconds/2 of
// each sample (xs sorted).
func runningMedian(xs, ys []float64) []float64 {
	out := make([]float64, len(ys))
	var buf []float64
	lo, hi := 0, 0
	for i, x := range xs {
		for lo < i && xs[lo] < x-smoothSeconds/2 {
			lo++
		}
		for hi < len(xs) && xs[hi] <= x+smoothSeconds/2 {
			hi++
		}
		buf = append(buf[:0], ys[lo:hi]...)
		slices.Sort(buf)
		out[i] = buf[len(buf)/2]
	}
	return out
}

// window is the settled part of one span and what was seen in it.
type window struct {
	Span constSpan
	// Fit is over the settled part; OK false when that part is too
	// short to fit (Fit.N still counts its samples).
	Fit   slopeFit
	OK    bool
	Highs highs
	// PeakBefore is the highest smoothed RSS from the load's start to
	// the window's start (NaN when there is none).
	PeakBefore float64
}

// evidence is what curveClass decides on: the settled windows of every
// span up to the last with samples, in time order (the last decides,
// the earlier ones can confirm a staircase).
type evidence struct {
	Windows []window
}

// last returns the last window (the zero window when there is none).
func (ev evidence) last() window {
	if len(ev.Windows) == 0 {
		return window{}
	}
	return ev.Windows[len(ev.Windows)-1]
}

// settledEvidence fits RSS over the settled part of every span with
// samples up to end.
func settledEvidence(res *results.Results, s *saved.Series, end float64) evidence {
	var ev evidence
	for _, sp := range spans(res, end) {
		if xs, _ := seriesWindow(s, sp.Start, sp.End); len(xs) == 0 {
			continue
		}
		ev.Windows = append(ev.Windows, newWindow(s, sp))
	}
	return ev
}

// newWindow fits and describes the settled part of sp.
func newWindow(s *saved.Series, sp constSpan) window {
	xs, ys := seriesWindow(s, sp.Start+sp.SettleSeconds, sp.End)
	w := window{Span: sp, Highs: findHighs(xs, ys), PeakBefore: math.NaN()}
	w.Fit, w.OK = fitSettled(xs, ys)
	if tb, before := seriesWindow(s, 0, sp.Start+sp.SettleSeconds); len(before) > 0 {
		w.PeakBefore = slices.Max(runningMedian(tb, before))
	}
	return w
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

// seriesWindow returns the samples with t0 ≤ t ≤ t1 and a known RSS.
func seriesWindow(s *saved.Series, t0, t1 float64) (xs, ys []float64) {
	for i, t := range s.T {
		if t >= t0 && t <= t1 && !math.IsNaN(s.RSSMiB[i]) {
			xs, ys = append(xs, t), append(ys, s.RSSMiB[i])
		}
	}
	return xs, ys
}
