package judge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// expectationOf returns the scenario's expectation for the named target.
func expectationOf(res *results.Results, name string) scenarios.Expectation {
	if res.ScenarioSpec == nil {
		return scenarios.Expectation{}
	}
	for _, t := range res.ScenarioSpec.Targets {
		if t.Name == name {
			return t.Expect
		}
	}
	return scenarios.Expectation{}
}

func isZero(e scenarios.Expectation) bool {
	return len(e.Outcomes) == 0 && e.OOMWithin == 0 && e.MaxRSS == 0 && e.MinRSS == 0 && e.MinSuccessRatio == 0 &&
		len(e.Classes) == 0 &&
		e.MinGoodput == 0 && len(e.MaxSlope) == 0 && len(e.MaxP95) == 0 && e.MaxGCRate == 0 && e.MaxCgroupPeak == 0 &&
		e.MinTimeToLimit == 0
}

// checkExpectations checks the target against its expect: block. A
// target that was skipped or failed to start fails a "ran" check instead:
// a gate that passes because nothing ran would hide the problem. A target
// that failed to start fails it even without an expect: block — its
// command is broken, which no scenario wants — so that the gate, not a
// rule of its own in the CLI, turns it into exit 1.
func checkExpectations(res *results.Results, t results.Target, v Verdict) []Check {
	e := expectationOf(res, t.Name)
	if isZero(e) && t.Outcome != results.OutcomeFailedToStart {
		return nil
	}
	if (t.Outcome == results.OutcomeSkipped || t.Outcome == results.OutcomeFailedToStart) &&
		!slices.Contains(e.Outcomes, t.Outcome) {
		return []Check{{Name: "ran", Text: tick(false, fmt.Sprintf("expected the target to run: %s (%s)", t.Outcome,
			cmp.Or(format.TargetText(t.Error), t.OutcomeDetail, "no reason recorded")))}}
	}
	why := unmeasured(t, v)
	var out []Check
	if len(e.Outcomes) > 0 {
		ok := outcomeHolds(e.Outcomes, t.Outcome)
		out = append(out, Check{Name: "outcome", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected outcome %s: %s", strings.Join(e.Outcomes, " or "), t.Outcome))})
	}
	if e.OOMWithin > 0 {
		out = append(out, oomWithinCheck(e, t, v, why))
	}
	if e.MaxRSS > 0 {
		limit := float64(e.MaxRSS) / format.BytesPerMiB
		want := "expected peak RSS ≤ " + format.MiB(limit)
		if w := cmp.Or(why, noPeak(v)); w != "" {
			out = append(out, notMeasured("max_rss", want, w))
		} else {
			ok := v.PeakRSSMiB <= limit
			out = append(out, Check{Name: "max_rss", Pass: ok, Text: tick(ok, want+": "+format.MiB(v.PeakRSSMiB))})
		}
	}
	if e.MinRSS > 0 {
		floor := float64(e.MinRSS) / format.BytesPerMiB
		want := "expected peak RSS ≥ " + format.MiB(floor)
		if w := cmp.Or(why, noPeak(v)); w != "" {
			out = append(out, notMeasured("min_rss", want, w))
		} else {
			ok := v.PeakRSSMiB >= floor
			out = append(out, Check{Name: "min_rss", Pass: ok, Text: tick(ok, want+": "+format.MiB(v.PeakRSSMiB))})
		}
	}
	if len(e.Classes) > 0 {
		if why != "" {
			out = append(out, notMeasured("class", "expected class "+strings.Join(e.Classes, " or "), why))
		} else {
			out = append(out, classCheck(e.Classes, v))
		}
	}
	if e.MinSuccessRatio > 0 {
		want := "expected success ≥ " + format.Percent(e.MinSuccessRatio)
		if w := cmp.Or(why, noRequests(t)); w != "" {
			out = append(out, notMeasured("min_success_ratio", want, w))
		} else {
			ok := v.SuccessRatio >= e.MinSuccessRatio
			out = append(out, Check{Name: "min_success_ratio", Pass: ok, Text: tick(ok, want+": "+format.Percent(v.SuccessRatio))})
		}
	}
	return append(out, checkMore(res, t, v, e, why)...)
}

// oomWithinCheck checks expect.oom_within: killed (or stalled, or
// forecast by --fail-fast) within the time.
func oomWithinCheck(e scenarios.Expectation, t results.Target, v Verdict, why string) Check {
	what := "oom-killed"
	if len(e.Outcomes) > 0 && !slices.Contains(e.Outcomes, results.OutcomeOOMKilled) {
		what = strings.Join(e.Outcomes, " or ")
	}
	want := fmt.Sprintf("expected %s within %s", what, format.Duration(e.OOMWithin.D()))
	got, ok := "not killed", false
	switch {
	case t.OOMAtSeconds != nil:
		verb := "killed"
		if t.Outcome == results.OutcomeLimitStall {
			verb = "stalled"
		}
		got = fmt.Sprintf("%s at %.1f s", verb, *t.OOMAtSeconds)
		ok = *t.OOMAtSeconds <= e.OOMWithin.Seconds()
	case v.TimeToLimit != nil && v.TimeToLimit.Source == LimitFailFast:
		got = DescribeTimeToLimit(*v.TimeToLimit)
		ok = v.TimeToLimit.Seconds <= e.OOMWithin.Seconds()
	case why != "":
		return notMeasured("oom_within", want, why)
	}
	return Check{Name: "oom_within", Pass: ok, Text: tick(ok, want+": "+got)}
}

// unmeasured says why a target's figures were not measured, "" when they
// were: a target that never ran (interrupted before its load sent a
// request, so no samples) or one that left no RSS samples. Its checks
// fail with this reason rather than pass on a made-up zero.
func unmeasured(t results.Target, v Verdict) string {
	if v.Class != ClassNoData {
		return ""
	}
	if t.Outcome == results.OutcomeInterrupted && noRequests(t) != "" {
		return "the target never ran"
	}
	return "no RSS samples were taken"
}

// noPeak is why the peak RSS is missing, "" when it was measured: a
// running process always has some RSS.
func noPeak(v Verdict) string {
	if v.PeakRSSMiB > 0 {
		return ""
	}
	return "no RSS reading"
}

// noRequests is "no request was sent" when the load sent none to t, else "".
func noRequests(t results.Target) string {
	for _, st := range t.Stages {
		if st.Requests > 0 {
			return ""
		}
	}
	return "no request was sent"
}

// notMeasured is a check on a figure that was not measured: it fails,
// and says why instead of a value.
func notMeasured(name, want, why string) Check {
	return Check{Name: name, Text: tick(false, want+": not measured ("+why+")")}
}

// classCheck checks expect.class. An inconclusive verdict fails it
// whatever it asks for: a gate must not pass on a curve it cannot read.
func classCheck(want []string, v Verdict) Check {
	ok := v.Class != ClassInconclusive && slices.Contains(want, v.Class)
	got := v.Class
	if v.Class == ClassInconclusive && v.Confidence.Reason != "" {
		got += " (" + v.Confidence.Reason + ")"
	}
	return Check{Name: "class", Pass: ok, Text: tick(ok, fmt.Sprintf("expected class %s: %s", strings.Join(want, " or "), got))}
}

// tick appends ✓ or ✗.
func tick(ok bool, s string) string {
	if ok {
		return s + " ✓"
	}
	return s + " ✗"
}
