package judge

import (
	"cmp"
	"fmt"
	"math"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// classify returns the class of target t and how sure it is. A target
// that did not survive takes its outcome as class (oom-killed,
// limit-stall, crashed, failed-to-start, skipped, and any outcome a newer
// runner adds): the runner saw it happen. A survivor — or a target whose
// run was interrupted — is classed from its RSS curve by curve's rule
// (curve.Rule.Decide over curve.Curve.Settle), worded by describe.
func classify(res *results.Results, t results.Target, s *saved.Series) (string, Confidence) {
	switch t.Outcome {
	case results.OutcomeSurvived, results.OutcomeInterrupted, "":
	default:
		return t.Outcome, Confidence{Level: ConfidenceHigh, Window: "outcome",
			Reason: "recorded by the runner: " + t.Outcome}
	}
	c := rssCurve(s)
	if math.IsNaN(c.Last()) {
		return ClassNoData, Confidence{Level: ConfidenceLow, Reason: "no RSS samples from the load's start on"}
	}
	return describe(curve.DefaultRule().Decide(c.Settle(res.Stages, res.Phases)), spanNamer(res))
}

// describe words a decision of curve's rule as a class and its
// confidence, naming spans with name.
func describe(d curve.Decision, name func(curve.Span) string) (string, Confidence) {
	w := d.Last
	sp, f, h := w.Span, w.Fit, w.Highs
	spName := name(sp)
	c := Confidence{Level: confidenceLevel(d.Level), Window: settledName(spName, sp), StartSeconds: format.Round(f.Start, 2),
		EndSeconds: format.Round(f.End, 2), SettleSeconds: format.Round(sp.SettleSeconds, 2), Samples: f.N}
	if d.Finding == curve.TooShort {
		left := math.Max(0, sp.End-sp.Start-sp.SettleSeconds)
		c.Reason = fmt.Sprintf("%s too short to tell a step from a climb: %.1f s left after %.1f s settling, %d samples (need %.0f s, %d); run it longer",
			cmp.Or(spName, "last stage"), left, sp.SettleSeconds, f.N, curve.MinSettledSeconds, curve.MinSettledSamples)
		return ClassInconclusive, c
	}
	b, se := f.Slope, f.WideStdErr
	c.SlopeMiBPerSec, c.SlopeSEMiBPerSec, c.R2 = format.Round(b, 3), format.Round(se, 3), format.Round(f.R2, 3)
	c.RiseMiB = format.Round(b*f.Span(), 1)
	slope := format.SlopeSE(b, 2*se)
	over := fmt.Sprintf(" over the last %.1f s of %s", f.Span(), spName)
	switch d.Finding {
	case curve.Levelled:
		c.Reason = "RSS levelled off at constant load: " + slope + over
	case curve.SlowRise:
		c.Reason = "RSS still rose slowly at constant load: " + slope + over
	case curve.UnderPeak:
		c.Reason = fmt.Sprintf("RSS ended at %s, within %.0f %% of its peak before this window (%s): it did not climb past it (%s%s)",
			format.MiB(h.EndLevel), 100*curve.PeakTolerance, format.MiB(w.PeakBefore), slope, over)
	case curve.Climbing:
		c.Reason = "RSS still rising at constant load: " + slope + over
		if h.Since >= curve.HeldSeconds {
			c.Reason += fmt.Sprintf(" (new highs for %.1f s, then %.1f s without)", h.Last-f.Start, h.Since)
		}
	case curve.Staircase:
		c.Reason = fmt.Sprintf("RSS rising at constant load in %s and again in %s: %s%s", name(d.Prior.Span), spName, slope, over)
	case curve.SteppedAndHeld:
		c.Reason = fmt.Sprintf("RSS stepped up to %s by %.1f s, then held for the last %.1f s at constant load, longer than it rose: a step that levelled off (%s%s)",
			format.MiB(h.Peak), h.Last, h.Since, slope, over)
	case curve.BriefHold:
		c.Reason = fmt.Sprintf("RSS stepped up %s in %s (%s), last at %.1f s, then held for the last %.1f s: too little to tell a step that levels off from a staircase; run it longer",
			fmt.Sprintf("%d %s", h.Steps, format.Plural(h.Steps, "time", "times")), spName, slope, h.Last, h.Since)
	default:
		c.Reason = fmt.Sprintf("RSS slope %s%s: too uncertain to tell a step from a climb; run it longer", slope, over)
	}
	switch {
	case d.Finding.Growing():
		return ClassGrowing, c
	case d.Finding.Bounded():
		return ClassBounded, c
	}
	return ClassInconclusive, c
}
