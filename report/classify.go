package report

import (
	"fmt"
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// classify returns the class of target t and how sure it is. A target
// that did not survive takes its outcome as class (oom-killed,
// limit-stall, crashed, failed-to-start, skipped, and any outcome a newer
// runner adds): the runner saw it happen. A survivor — or a target whose
// run was interrupted — is classed from its RSS curve by curveClass.
func classify(res *results.Results, t results.Target, s *saved.Series) (string, Confidence) {
	switch t.Outcome {
	case results.OutcomeSurvived, results.OutcomeInterrupted, "":
	default:
		return t.Outcome, Confidence{Level: ConfidenceHigh, Window: "outcome",
			Reason: "recorded by the runner: " + t.Outcome}
	}
	end := lastSampleT(s)
	if math.IsNaN(end) {
		return ClassNoData, Confidence{Level: ConfidenceLow, Reason: "no RSS samples from the load's start on"}
	}
	ev := settledEvidence(res, s, end)
	if len(ev.Windows) == 0 {
		// No stages in the results (an old or hand-made file): the
		// whole run from the load's start is one window, unsettled.
		ev.Windows = []window{newWindow(s, constSpan{Name: "whole run", End: end})}
	}
	return curveClass(ev)
}

// peakTolerance: RSS that ends a window within 5 % of its earlier peak
// has not climbed past it; the peaks of a collector's saw-tooth vary by
// as much.
const peakTolerance = 0.05

// heldRatio: a rise that kept setting new highs for this many times as
// long as it has held since is still a climb (see curveClass).
const heldRatio = 3

// surelyRising reports whether a fit surely still rises, fast enough to
// matter: β − 2·SE > LevelledSlopeMiBPerSec and β ≥ GrowthSlopeMiBPerSec
// (0.5 MiB/s is 1.8 GiB an hour).
func surelyRising(f slopeFit) bool {
	return f.Slope-2*f.SE > LevelledSlopeMiBPerSec && f.Slope >= GrowthSlopeMiBPerSec
}

// surelyFlat reports whether a fit surely rises slower than
// GrowthSlopeMiBPerSec: β + 2·SE < GrowthSlopeMiBPerSec.
func surelyFlat(f slopeFit) bool { return f.Slope+2*f.SE < GrowthSlopeMiBPerSec }

// curveClass decides from the settled window of the last span (slope β ±
// 2·SE, fitWithSE, and where RSS set new highs, findHighs), in order:
//
//   - inconclusive when the window is too short (fewer than
//     MinSettledSeconds or minSettledSamples after settling);
//   - bounded when flat (β + 2·SE < GrowthSlopeMiBPerSec); when β − 2·SE >
//     LevelledSlopeMiBPerSec it still rose slowly: medium confidence;
//   - bounded when RSS ends the window (the median of its last
//     HeldSeconds) within peakTolerance of its peak before the window (or
//     newHighMiB, if more): a saw-tooth or jitter around an earlier peak,
//     however the line fits;
//   - growing when rising and still setting new highs at the end: the
//     last less than HeldSeconds before it, or the hold since no longer
//     than 1/heldRatio of the time it kept setting them (a climb with a
//     pause at the end is still a climb);
//   - growing when rising and the latest earlier window that is surely
//     rising or flat was rising: steps at constant load in span after
//     span, a staircase;
//   - bounded when RSS set no new high for the last HeldSeconds or more,
//     and for at least as long as it kept setting them in the window: a
//     step that levelled off (medium confidence);
//   - inconclusive otherwise: steps that held only briefly since, after
//     a flat span, or a slope too uncertain to tell.
func curveClass(ev evidence) (string, Confidence) {
	w := ev.last()
	sp, f, h := w.Span, w.Fit, w.Highs
	c := Confidence{Window: settledName(sp), StartSeconds: format.Round(f.Start, 2), EndSeconds: format.Round(f.End, 2),
		SettleSeconds: format.Round(sp.SettleSeconds, 2), Samples: f.N}
	if !w.OK {
		c.Level = ConfidenceLow
		left := math.Max(0, sp.End-sp.Start-sp.SettleSeconds)
		c.Reason = fmt.Sprintf("%s too short to tell a step from a climb: %.1f s left after %.1f s settling, %d samples (need %.0f s, %d); run it longer",
			firstNonEmpty(sp.Name, "last stage"), left, sp.SettleSeconds, f.N, MinSettledSeconds, minSettledSamples)
		return ClassInconclusive, c
	}
	b, se := f.Slope, f.SE
	c.SlopeMiBPerSec, c.SlopeSEMiBPerSec, c.R2 = format.Round(b, 3), format.Round(se, 3), format.Round(f.R2, 3)
	c.RiseMiB = format.Round(b*(f.End-f.Start), 1)
	slope := fmt.Sprintf("%s ± %.2f MiB/s", formatSlope2(b), 2*se)
	over := fmt.Sprintf(" over the last %.1f s of %s", f.End-f.Start, sp.Name)
	underPeak := !math.IsNaN(w.PeakBefore) && h.EndLevel <= w.PeakBefore+math.Max(newHighMiB, peakTolerance*w.PeakBefore)
	prior := latestSure(ev.Windows[:len(ev.Windows)-1])
	switch {
	case surelyFlat(f):
		c.Level = ConfidenceHigh
		c.Reason = "RSS levelled off at constant load: " + slope + over
		if b-2*se > LevelledSlopeMiBPerSec {
			c.Level = ConfidenceMedium
			c.Reason = "RSS still rose slowly at constant load: " + slope + over
		}
		return ClassBounded, c
	case underPeak:
		c.Level = ConfidenceMedium
		c.Reason = fmt.Sprintf("RSS ended at %s, within 5 %% of its peak before this window (%s): it did not climb past it (%s%s)",
			format.MiB(h.EndLevel), format.MiB(w.PeakBefore), slope, over)
		return ClassBounded, c
	case surelyRising(f) && (h.Since < HeldSeconds || heldRatio*h.Since <= h.Last-f.Start):
		c.Level = ConfidenceMedium
		if b-2*se >= GrowthSlopeMiBPerSec {
			c.Level = ConfidenceHigh
		}
		c.Reason = "RSS still rising at constant load: " + slope + over
		if h.Since >= HeldSeconds {
			c.Reason += fmt.Sprintf(" (new highs for %.1f s, then %.1f s without)", h.Last-f.Start, h.Since)
		}
		return ClassGrowing, c
	case surelyRising(f) && prior != nil && surelyRising(prior.Fit):
		c.Level = ConfidenceMedium
		c.Reason = fmt.Sprintf("RSS rising at constant load in %s and again in %s: %s%s", prior.Span.Name, sp.Name, slope, over)
		return ClassGrowing, c
	case h.Since >= HeldSeconds && h.Since >= h.Last-f.Start:
		c.Level = ConfidenceMedium
		c.Reason = fmt.Sprintf("RSS stepped up to %s by %.1f s, then held for the last %.1f s at constant load, longer than it rose: a step that levelled off (%s%s)",
			format.MiB(h.Peak), h.Last, h.Since, slope, over)
		return ClassBounded, c
	}
	c.Level = ConfidenceLow
	if surelyRising(f) {
		c.Reason = fmt.Sprintf("RSS stepped up %s in %s (%s), last at %.1f s, then held for the last %.1f s: too little to tell a step that levels off from a staircase; run it longer",
			fmt.Sprintf("%d %s", h.Steps, format.Plural(h.Steps, "time", "times")), sp.Name, slope, h.Last, h.Since)
		return ClassInconclusive, c
	}
	c.Reason = fmt.Sprintf("RSS slope %s%s: too uncertain to tell a step from a climb; run it longer", slope, over)
	return ClassInconclusive, c
}

// latestSure returns the latest window whose fit is surely rising or
// surely flat, nil when there is none.
func latestSure(ws []window) *window {
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].OK && (surelyRising(ws[i].Fit) || surelyFlat(ws[i].Fit)) {
			return &ws[i]
		}
	}
	return nil
}

// settledName names a settled window: "stage 4 (200 rps) after 2.5 s
// settling".
func settledName(sp constSpan) string {
	if sp.Name == "" {
		return ""
	}
	if sp.SettleSeconds == 0 {
		return sp.Name
	}
	return fmt.Sprintf("%s after %.1f s settling", sp.Name, sp.SettleSeconds)
}

// lastSampleT is the time of the last sample with a known RSS from the
// load's start on, NaN when there is none.
func lastSampleT(s *saved.Series) float64 {
	last := math.NaN()
	for i, t := range s.T {
		if t >= 0 && !math.IsNaN(s.RSSMiB[i]) {
			last = t
		}
	}
	return last
}

// formatSlope2 writes a slope with two decimals: "+0.65", "-0.02".
func formatSlope2(v float64) string {
	if math.Abs(v) < 0.005 {
		v = 0
	}
	return fmt.Sprintf("%+.2f", v)
}
