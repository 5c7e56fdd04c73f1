package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/oomlab/oomlab/runner/results"
)

// classify returns the class of target t and how sure it is. A target
// that did not survive takes its outcome as class (oom-killed,
// limit-stall, crashed, failed-to-start, skipped, and any outcome a newer
// runner adds): the runner saw it happen. A survivor — or a target whose
// run was interrupted — is classed from its RSS curve by curveClass.
func classify(res *results.Results, t results.Target, s *Series) (string, Confidence) {
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
	if ev.Span.Name == "" {
		// No stages in the results (an old or hand-made file): fit
		// everything from the load's start, with no settling.
		xs, ys := seriesWindow(s, 0, math.Inf(1))
		ev.Span = constSpan{Name: "whole run", End: end}
		ev.Fit, ev.OK = fitSettled(xs, ys)
		ev.LastHighSeconds, ev.SinceHighSeconds = lastHigh(xs, ys)
	}
	return curveClass(ev)
}

// curveClass decides from the settled window's fit, slope β ± 2·SE
// (fitWithSE), where rising means β − 2·SE > LevelledSlopeMiBPerSec and β
// ≥ GrowthSlopeMiBPerSec (surely still rising, fast enough to matter:
// 0.5 MiB/s is 1.8 GiB an hour):
//
//   - inconclusive when the window is too short (fewer than
//     MinSettledSeconds or minSettledSamples after settling);
//   - growing when rising, and either still setting new highs at the
//     end (the last less than HeldSeconds before the end) or rising
//     in the settled part of the span before as well: a climb, or a
//     staircase at constant load;
//   - bounded when β + 2·SE < GrowthSlopeMiBPerSec (surely slower than
//     that); when β − 2·SE > LevelledSlopeMiBPerSec it still rose
//     slowly, and the confidence is only medium;
//   - inconclusive otherwise: a rise in the last stage that has held
//     for HeldSeconds or more since its last new high, after a flat stage —
//     a step that may have levelled off, or the first step of a
//     staircase — or a slope too uncertain to tell.
func curveClass(ev evidence) (string, Confidence) {
	sp, f := ev.Span, ev.Fit
	c := Confidence{Window: settledName(sp), StartSeconds: round(f.Start, 2), EndSeconds: round(f.End, 2),
		SettleSeconds: round(sp.SettleSeconds, 2), Samples: f.N}
	if !ev.OK {
		c.Level = ConfidenceLow
		left := math.Max(0, sp.End-sp.Start-sp.SettleSeconds)
		c.Reason = fmt.Sprintf("%s too short to tell a step from a climb: %.1f s left after %.1f s settling, %d samples (need %.0f s, %d); run it longer",
			firstNonEmpty(sp.Name, "last stage"), left, sp.SettleSeconds, f.N, MinSettledSeconds, minSettledSamples)
		return ClassInconclusive, c
	}
	b, se := f.Slope, f.SE
	c.SlopeMiBPerSec, c.SlopeSEMiBPerSec, c.R2 = round(b, 3), round(se, 3), round(f.R2, 3)
	c.RiseMiB = round(b*(f.End-f.Start), 1)
	slope := fmt.Sprintf("%s ± %.2f MiB/s over the last %.1f s of %s", formatSlope2(b), 2*se, f.End-f.Start, sp.Name)
	rising := func(f slopeFit) bool {
		return f.Slope-2*f.SE > LevelledSlopeMiBPerSec && f.Slope >= GrowthSlopeMiBPerSec
	}
	levelled := ev.SinceHighSeconds >= HeldSeconds
	switch {
	case rising(f) && (!levelled || ev.PriorOK && rising(ev.Prior)):
		c.Level = ConfidenceMedium
		if b-2*se >= GrowthSlopeMiBPerSec {
			c.Level = ConfidenceHigh
		}
		c.Reason = "RSS still rising at constant load: " + slope
		if levelled {
			c.Reason = "RSS rising in steps at constant load, in this stage and the one before: " + slope
		}
		return ClassGrowing, c
	case b+2*se < GrowthSlopeMiBPerSec:
		c.Level = ConfidenceHigh
		c.Reason = "RSS levelled off at constant load: " + slope
		if b-2*se > LevelledSlopeMiBPerSec {
			c.Level = ConfidenceMedium
			c.Reason = "RSS still rose slowly at constant load: " + slope
		}
		return ClassBounded, c
	}
	c.Level = ConfidenceLow
	if rising(f) {
		c.Reason = fmt.Sprintf("RSS stepped up in %s (%s), last at %.1f s, then held for the last %.1f s: too little to tell a step that levels off from a staircase; run it longer",
			sp.Name, slope[:strings.Index(slope, " over")], ev.LastHighSeconds, ev.SinceHighSeconds)
		return ClassInconclusive, c
	}
	c.Reason = fmt.Sprintf("RSS slope %s: too uncertain to tell a step from a climb; run it longer", slope)
	return ClassInconclusive, c
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
func lastSampleT(s *Series) float64 {
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
