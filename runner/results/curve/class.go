package curve

import (
	"fmt"
	"math"
)

// Thresholds of the growing/bounded rule (Decide). A curve is growing
// when, over the settled part of the last interval at a constant rate and
// downstream phase, it still rises surely faster than
// LevelledSlopeMiBPerSec and at GrowthSlopeMiBPerSec or more; bounded
// when it surely rises slower than GrowthSlopeMiBPerSec; otherwise it
// depends on where it set new highs (Decide). A working set that steps
// up with each higher rate and levels off is bounded: the step falls in
// the settling interval.
const (
	// GrowthSlopeMiBPerSec: 0.5 MiB/s is 1.8 GiB an hour, far above what
	// a healthy server's caches and pools settle into, far below what the
	// naive pattern shows (10-20 MiB/s under a few dozen requests per
	// second).
	GrowthSlopeMiBPerSec = 0.5
	// LevelledSlopeMiBPerSec is the slope under which a curve counts as
	// levelled off: 0.1 MiB/s is 6 MiB a minute.
	LevelledSlopeMiBPerSec = 0.1
	// PeakTolerance: a curve that ends a window within 5 % of its earlier
	// peak has not climbed past it; the peaks of a collector's saw-tooth
	// vary by as much.
	PeakTolerance = 0.05
	// heldRatio: a rise that kept setting new highs for this many times
	// as long as it has held since is still a climb.
	heldRatio = 3
)

// Finding is which case of the rule decided a curve (see Decide).
type Finding int

// Findings, in the order Decide tries them.
const (
	TooShort       Finding = iota + 1 // the settled window is too short to fit
	Levelled                          // surely flat
	SlowRise                          // surely flat, yet surely rising a little
	UnderPeak                         // ended within PeakTolerance of an earlier peak
	Climbing                          // surely rising and still setting new highs
	Staircase                         // surely rising, as was the latest sure window before
	SteppedAndHeld                    // a step that held for longer than it rose
	BriefHold                         // surely rising steps that held only briefly since
	Uncertain                         // a slope too uncertain to tell
)

var findingNames = [...]string{TooShort: "too short", Levelled: "levelled", SlowRise: "slow rise", UnderPeak: "under an earlier peak",
	Climbing: "climbing", Staircase: "staircase", SteppedAndHeld: "stepped and held", BriefHold: "brief hold", Uncertain: "uncertain"}

// String names the finding: "stepped and held".
func (f Finding) String() string {
	if f >= TooShort && f <= Uncertain {
		return findingNames[f]
	}
	return fmt.Sprintf("Finding(%d)", int(f))
}

// Growing reports whether the finding classes the curve growing.
func (f Finding) Growing() bool { return f == Climbing || f == Staircase }

// Bounded reports whether the finding classes the curve bounded.
func (f Finding) Bounded() bool {
	return f == Levelled || f == SlowRise || f == UnderPeak || f == SteppedAndHeld
}

// Inconclusive reports whether the finding leaves the curve unclassed.
func (f Finding) Inconclusive() bool { return !f.Growing() && !f.Bounded() }

// Level is how sure a decision is.
type Level int

// Levels; an inconclusive finding is Low.
const (
	Low Level = iota + 1
	Medium
	High
)

// Decision is the rule's answer for one curve.
type Decision struct {
	Finding Finding
	Level   Level
	// Last is the window that decided; Prior, for a Staircase, the
	// earlier window that rose too.
	Last  Window
	Prior *Window
}

// Rule is the growing/bounded rule with its growth threshold. The
// verdict uses DefaultRule; edge passes the threshold its user chose
// (--max-slope, GrowthSlopeMiBPerSec by default).
type Rule struct {
	GrowthSlopeMiBPerSec float64
}

// DefaultRule is the rule at GrowthSlopeMiBPerSec.
func DefaultRule() Rule { return Rule{GrowthSlopeMiBPerSec: GrowthSlopeMiBPerSec} }

// SlopeZ is how many widened standard errors (Fit.WideStdErr) a slope's
// confidence bounds lie from it: β ± 2·SE', about 95 %.
const SlopeZ = 2

// Upper is the slope's upper confidence bound, β + SlopeZ·SE'.
func (f Fit) Upper() float64 { return f.Slope + SlopeZ*f.WideStdErr }

// Lower is the slope's lower confidence bound, β − SlopeZ·SE'.
func (f Fit) Lower() float64 { return f.Slope - SlopeZ*f.WideStdErr }

// SurelyRising reports whether a fit surely still rises, fast enough to
// matter: β − 2·SE' > LevelledSlopeMiBPerSec and β ≥ the growth
// threshold (SE' is Fit.WideStdErr).
func (r Rule) SurelyRising(f Fit) bool {
	return f.Lower() > LevelledSlopeMiBPerSec && f.Slope >= r.GrowthSlopeMiBPerSec
}

// SurelyFlat reports whether a fit surely rises slower than the growth
// threshold: β + 2·SE' < threshold.
func (r Rule) SurelyFlat(f Fit) bool { return f.Upper() < r.GrowthSlopeMiBPerSec }

// FlatWindow reports whether a settled window decides its curve bounded
// as Decide's first bounded cases do (Levelled, SlowRise): the window
// holds enough samples to fit (Window.OK) and its slope is surely below
// the growth threshold (SurelyFlat). --fast ends a load on it, so the
// verdict, fitting the same window of the same curve, classes the
// target bounded too.
func (r Rule) FlatWindow(w Window) bool { return w.OK && r.SurelyFlat(w.Fit) }

// Decide classes a curve from the settled window of its last span (slope
// β ± 2·SE', Line, and where it set new highs, FindHighs), in order:
//
//   - TooShort (inconclusive) when the window is shorter than
//     MinSettledSeconds or holds fewer than MinSettledSamples samples;
//   - Levelled (bounded, high) when surely flat (β + 2·SE' < growth);
//     SlowRise (bounded, medium) when it yet rose: β − 2·SE' >
//     LevelledSlopeMiBPerSec;
//   - UnderPeak (bounded, medium) when the curve ends the window (the
//     median of its last HeldSeconds) within PeakTolerance of its peak
//     before the window (or newHighMiB, if more): a saw-tooth or jitter
//     around an earlier peak, however the line fits;
//   - Climbing (growing; high when β − 2·SE' ≥ growth, else medium) when
//     surely rising and still setting new highs at the end: the last
//     less than HeldSeconds before it, or the hold since no longer than
//     1/heldRatio of the time it kept setting them (a climb with a pause
//     at the end is still a climb);
//   - Staircase (growing, medium) when surely rising and the latest
//     earlier window that is surely rising or surely flat was rising:
//     steps at constant load in span after span;
//   - SteppedAndHeld (bounded, medium) when the curve set no new high for
//     the last HeldSeconds or more, and for at least as long as it kept
//     setting them in the window: a step that levelled off;
//   - BriefHold (inconclusive) when surely rising otherwise: steps that
//     held only briefly since, after a flat span;
//   - Uncertain (inconclusive) otherwise: a slope too uncertain to tell.
//
// An empty Evidence decides TooShort.
func (r Rule) Decide(ev Evidence) Decision {
	w := ev.Last()
	d := Decision{Last: w, Level: Medium}
	f, h := w.Fit, w.Highs
	underPeak := !math.IsNaN(w.PeakBefore) && h.EndLevel <= w.PeakBefore+math.Max(newHighMiB, PeakTolerance*w.PeakBefore)
	switch {
	case !w.OK:
		d.Finding, d.Level = TooShort, Low
	case r.FlatWindow(w):
		d.Finding, d.Level = Levelled, High
		if f.Lower() > LevelledSlopeMiBPerSec {
			d.Finding, d.Level = SlowRise, Medium
		}
	case underPeak:
		d.Finding = UnderPeak
	case r.SurelyRising(f) && (h.Since < HeldSeconds || heldRatio*h.Since <= h.Last-f.Start):
		d.Finding = Climbing
		if f.Lower() >= r.GrowthSlopeMiBPerSec {
			d.Level = High
		}
	case r.SurelyRising(f) && r.priorRising(ev) != nil:
		d.Finding, d.Prior = Staircase, r.priorRising(ev)
	case h.Since >= HeldSeconds && h.Since >= h.Last-f.Start:
		d.Finding = SteppedAndHeld
	case r.SurelyRising(f):
		d.Finding, d.Level = BriefHold, Low
	default:
		d.Finding, d.Level = Uncertain, Low
	}
	return d
}

// priorRising returns the latest window before the last whose fit is
// surely rising or surely flat, when it is rising; nil otherwise.
func (r Rule) priorRising(ev Evidence) *Window {
	ws := ev.Windows
	for i := len(ws) - 2; i >= 0; i-- {
		if !ws[i].OK {
			continue
		}
		if r.SurelyRising(ws[i].Fit) {
			w := ws[i]
			return &w
		}
		if r.SurelyFlat(ws[i].Fit) {
			return nil
		}
	}
	return nil
}
