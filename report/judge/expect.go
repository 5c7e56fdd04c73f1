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
// a gate that passes because nothing ran would hide the problem.
func checkExpectations(res *results.Results, t results.Target, v Verdict) []Check {
	e := expectationOf(res, t.Name)
	if isZero(e) {
		return nil
	}
	if (t.Outcome == results.OutcomeSkipped || t.Outcome == results.OutcomeFailedToStart) &&
		!slices.Contains(e.Outcomes, t.Outcome) {
		return []Check{{Name: "ran", Text: tick(false, fmt.Sprintf("expected the target to run: %s (%s)", t.Outcome,
			cmp.Or(format.TargetText(t.Error), t.OutcomeDetail, "no reason recorded")))}}
	}
	var out []Check
	if len(e.Outcomes) > 0 {
		ok := outcomeHolds(e.Outcomes, t.Outcome)
		out = append(out, Check{Name: "outcome", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected outcome %s: %s", strings.Join(e.Outcomes, " or "), t.Outcome))})
	}
	if e.OOMWithin > 0 {
		what := "oom-killed"
		if len(e.Outcomes) > 0 && !slices.Contains(e.Outcomes, results.OutcomeOOMKilled) {
			what = strings.Join(e.Outcomes, " or ")
		}
		got, ok := "not killed", false
		if t.OOMAtSeconds != nil {
			verb := "killed"
			if t.Outcome == results.OutcomeLimitStall {
				verb = "stalled"
			}
			got = fmt.Sprintf("%s at %.1f s", verb, *t.OOMAtSeconds)
			ok = *t.OOMAtSeconds <= e.OOMWithin.Seconds()
		} else if v.TimeToLimit != nil && v.TimeToLimit.Source == LimitFailFast {
			got = DescribeTimeToLimit(*v.TimeToLimit)
			ok = v.TimeToLimit.Seconds <= e.OOMWithin.Seconds()
		}
		out = append(out, Check{Name: "oom_within", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected %s within %s: %s", what, format.Duration(e.OOMWithin.D()), got))})
	}
	if e.MaxRSS > 0 {
		limit := float64(e.MaxRSS) / format.BytesPerMiB
		ok := v.PeakRSSMiB <= limit
		out = append(out, Check{Name: "max_rss", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected peak RSS ≤ %s: %s", format.MiB(limit), format.MiB(v.PeakRSSMiB)))})
	}
	if e.MinRSS > 0 {
		floor := float64(e.MinRSS) / format.BytesPerMiB
		ok := v.PeakRSSMiB >= floor
		out = append(out, Check{Name: "min_rss", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected peak RSS ≥ %s: %s", format.MiB(floor), format.MiB(v.PeakRSSMiB)))})
	}
	if len(e.Classes) > 0 {
		out = append(out, classCheck(e.Classes, v))
	}
	if e.MinSuccessRatio > 0 {
		ok := v.SuccessRatio >= e.MinSuccessRatio
		out = append(out, Check{Name: "min_success_ratio", Pass: ok,
			Text: tick(ok, fmt.Sprintf("expected success ≥ %s: %s", format.Percent(e.MinSuccessRatio), format.Percent(v.SuccessRatio)))})
	}
	return append(out, checkMore(res, t, v, e)...)
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
