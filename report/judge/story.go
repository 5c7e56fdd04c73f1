package judge

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/oomlab/oomlab/report/format"
)

// story writes the verdict in one line that agrees with the class, the
// symptoms and the ✅/❌ mark, so that a reader of one catalog row is not
// told two things at once:
//
//	bounded: RSS levelled off at constant load: +0.02 ± 0.05 MiB/s over …; expectations pass (2)
//	within expectations, but growing: RSS still rose 6.1 MiB in the last 7.5 s of stage 4 (…)
//	inconclusive: stage 4 (200 rps) too short to tell …; expectations pass, but the curve could not be classed
//	oom-killed: killed by the kernel at 27.3 s (cgroup-v1 oom_kill); expectations pass (2)
//
//	bounded: RSS levelled off …; stopped early at 40.4 s of 50 s under --fast: memory flat (…); expectations pass (2)
//
// The class word leads, except where the expectations pass and the class
// worries (growing): then the line says both, expectations first. A load
// that --fast stopped early says so after the class's reason.
func story(v Verdict) string {
	var early string
	if v.StoppedEarly != "" {
		early = "; " + v.StoppedEarly
	}
	exp := early + expectationsText(v)
	c := v.Confidence
	switch v.Class {
	case ClassGrowing:
		what := fmt.Sprintf("RSS still rose %.1f MiB in the last %.1f s of %s (%s at constant load)",
			c.RiseMiB, c.EndSeconds-c.StartSeconds, strings.TrimSuffix(strings.SplitN(c.Window, " after ", 2)[0], " "),
			format.SlopeSE(c.SlopeMiBPerSec, 2*c.SlopeSEMiBPerSec))
		if len(v.Expectations) > 0 && v.Pass && !asksClass(v) {
			return "within expectations, but growing: " + what + early
		}
		return "growing: " + what + exp
	case ClassBounded, ClassInconclusive:
		if v.Class == ClassInconclusive && v.Pass && len(v.Expectations) > 0 {
			return "inconclusive: " + c.Reason + early + "; expectations pass, but the curve could not be classed"
		}
		return v.Class + ": " + c.Reason + exp
	}
	why := cmp.Or(firstSymptom(v), c.Reason)
	return v.Class + ": " + why + exp
}

// expectationsText is "; expectations pass (3)", "; expectations fail:
// expected peak RSS ≤ 96 MiB: 120 MiB ✗", or nothing without any.
func expectationsText(v Verdict) string {
	if len(v.Expectations) == 0 {
		return ""
	}
	if v.Pass {
		return fmt.Sprintf("; expectations pass (%d)", len(v.Expectations))
	}
	var failed []string
	for _, c := range v.Expectations {
		if !c.Pass {
			failed = append(failed, c.Text)
		}
	}
	return "; expectations fail: " + strings.Join(failed, "; ")
}

func firstSymptom(v Verdict) string {
	if len(v.Symptoms) == 0 {
		return ""
	}
	return v.Symptoms[0]
}

// asksClass reports whether an expectation asked for the class: then a
// passing growing target is what the scenario wanted (a naive one).
func asksClass(v Verdict) bool {
	for _, c := range v.Expectations {
		if c.Name == "class" {
			return true
		}
	}
	return false
}

// Worry qualifies a passing mark whose class worries, so that a table row
// does not say "growing pass" and leave the reader to reconcile them:
// ", but still climbing" for a growing target whose expectations (none
// about the class) pass, ", but unclassed" for an inconclusive one.
func Worry(v Verdict) string {
	if !v.Pass || len(v.Expectations) == 0 || asksClass(v) {
		return ""
	}
	switch v.Class {
	case ClassGrowing:
		return ", but still climbing"
	case ClassInconclusive:
		return ", but unclassed"
	}
	return ""
}
