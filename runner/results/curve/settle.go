package curve

import (
	"math"
	"slices"

	"github.com/oomlab/oomlab/runner/results"
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
// rate change, which is why Decide also looks at how long RSS held
// after its last new high.
const (
	SettleFraction   = 0.25
	SettleMinSeconds = 2.0
	// MinSettledSeconds is the shortest settled window a class may rest
	// on: less cannot tell a step from a climb.
	MinSettledSeconds = 3.0
	// MinSettledSamples is the fewest samples in that window.
	MinSettledSamples = 10
	// HeldSeconds: a curve that set no new high for this long at the end
	// of the settled window has held, for now (see Decide).
	HeldSeconds = 2.0
)

// Span is one interval of constant offered rate and downstream phase.
type Span struct {
	Start, End float64
	// SettleSeconds is the settling interval left out after Start.
	SettleSeconds float64
	// Stage and Phase are the indices of the stage and the downstream
	// phase in force over the span, -1 for none (Phase is -1 too when
	// the run has a single phase: it names nothing).
	Stage, Phase int
	// Whole is true for the whole curve taken as one span (Curve.Whole).
	Whole bool
}

// Spans cuts the load's time axis at every stage start and phase start
// and gives each interval its settling interval. end, when earlier than
// the last stage's end, cuts the axis there (a target that died or was
// interrupted).
func Spans(stages []results.StageSpan, phases []results.PhaseSpan, end float64) []Span {
	var cuts []float64
	for _, st := range stages {
		cuts = append(cuts, st.StartSeconds, st.EndSeconds)
	}
	for _, ph := range phases {
		cuts = append(cuts, ph.StartSeconds)
	}
	if len(cuts) == 0 {
		return nil
	}
	slices.Sort(cuts)
	stop := cuts[len(cuts)-1]
	var out []Span
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if b-a < 1e-6 || a >= stop {
			continue
		}
		sp := Span{Start: a, End: b, SettleSeconds: math.Max(SettleMinSeconds, SettleFraction*(b-a)), Stage: -1, Phase: -1}
		mid := (a + b) / 2
		for k, st := range stages {
			if mid >= st.StartSeconds && mid < st.EndSeconds {
				sp.Stage = k
			}
		}
		if len(phases) > 1 {
			for k, ph := range phases {
				if mid >= ph.StartSeconds && (mid < ph.EndSeconds || ph.EndSeconds <= ph.StartSeconds) {
					sp.Phase = k
				}
			}
		}
		sp.End = math.Min(sp.End, end)
		if sp.End > sp.Start {
			out = append(out, sp)
		}
	}
	return out
}

// newHighMiB is the rise above the previous high that counts as a new
// high: less is the jitter of RSS sampling (Node's RSS moves in steps of
// about a MiB as V8 and the allocator take and return pages).
const newHighMiB = 1.0

// stepGapSeconds: new highs closer than this belong to one step.
const stepGapSeconds = 1.0

// smoothSeconds is the width of the running median that highs and the
// peak before a window use: a spike shorter than half of it is not a
// high, whatever the sampling interval.
const smoothSeconds = 0.5

// Highs describes where a curve set new highs in a window, on the curve
// smoothed by a running median over smoothSeconds (a single-sample spike
// is not a high). A new high is a rise of newHighMiB above the previous
// high; the window's first sample is the first high.
type Highs struct {
	// Last is when the last new high came; Since is the time from it to
	// the window's end.
	Last, Since float64
	// Steps counts runs of new highs separated by stepGapSeconds or
	// more: a climb sets one every newHighMiB, a step sets one run.
	Steps int
	// LongestPause is the longest time between two new highs (the
	// window's start counting as the first).
	LongestPause float64
	// Peak is the window's highest smoothed value; EndLevel the median
	// of its last HeldSeconds.
	Peak, EndLevel float64
}

// FindHighs returns the highs of the window xs, ys (xs sorted); Peak and
// EndLevel are NaN for an empty window.
func FindHighs(xs, ys []float64) Highs {
	if len(xs) == 0 {
		return Highs{Peak: math.NaN(), EndLevel: math.NaN()}
	}
	sm := runningMedian(xs, ys)
	h := Highs{Last: xs[0], Peak: sm[0]}
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

// Window is the settled part of one span and what was seen in it.
type Window struct {
	Span Span
	// Fit is over the settled part; OK is false when that part is
	// shorter than MinSettledSeconds or holds fewer than
	// MinSettledSamples samples (Fit.N still counts them).
	Fit   Fit
	OK    bool
	Highs Highs
	// PeakBefore is the highest smoothed value from the load's start to
	// the window's start (NaN when there is none).
	PeakBefore float64
}

// Evidence is what Decide decides on: the settled windows of every span
// up to the last with samples, in time order (the last decides, the
// earlier ones can confirm a staircase).
type Evidence struct {
	Windows []Window
}

// Last returns the last window (the zero window when there is none).
func (ev Evidence) Last() Window {
	if len(ev.Windows) == 0 {
		return Window{}
	}
	return ev.Windows[len(ev.Windows)-1]
}

// Settle fits the settled part of every span (Spans) with samples, up to
// the curve's last sample. A curve with no stages (an old or hand-made
// results file) is one unsettled window, Whole. No windows when the
// curve has no sample from the load's start on.
func (c Curve) Settle(stages []results.StageSpan, phases []results.PhaseSpan) Evidence {
	end := c.Last()
	if math.IsNaN(end) {
		return Evidence{}
	}
	var ev Evidence
	for _, sp := range Spans(stages, phases, end) {
		if xs, _ := c.Window(sp.Start, sp.End); len(xs) == 0 {
			continue
		}
		ev.Windows = append(ev.Windows, c.settled(sp))
	}
	if len(ev.Windows) == 0 {
		return c.Whole()
	}
	return ev
}

// Whole is the curve from the load's start to its last sample as one
// window with no settling left out: for a curve with no stages, or one
// already past its warm-up (an edge probe). No windows when the curve has
// no sample from the load's start on.
func (c Curve) Whole() Evidence {
	end := c.Last()
	if math.IsNaN(end) {
		return Evidence{}
	}
	return Evidence{Windows: []Window{c.settled(Span{End: end, Stage: -1, Phase: -1, Whole: true})}}
}

// settled fits and describes the settled part of sp.
func (c Curve) settled(sp Span) Window {
	xs, ys := c.Window(sp.Start+sp.SettleSeconds, sp.End)
	w := Window{Span: sp, Highs: FindHighs(xs, ys), PeakBefore: math.NaN(), Fit: Fit{N: len(xs)}}
	if len(xs) >= MinSettledSamples && xs[len(xs)-1]-xs[0] >= MinSettledSeconds {
		w.Fit, w.OK = Line(xs, ys)
		if !w.OK {
			w.Fit = Fit{N: len(xs)}
		}
	}
	if tb, before := c.Window(0, sp.Start+sp.SettleSeconds); len(before) > 0 {
		w.PeakBefore = slices.Max(runningMedian(tb, before))
	}
	return w
}
