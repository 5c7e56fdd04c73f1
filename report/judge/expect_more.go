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

// checkMore checks the expectations a CI gate adds: min_goodput,
// max_slope, max_p95, max_gc_rate, max_cgroup_peak, min_time_to_limit. A
// figure that cannot be measured (no GC trace, no cgroup, no samples in a
// window) fails its check, never passes it; why, when set, is why none of
// the target's figures was measured (unmeasured), and is said instead.
func checkMore(res *results.Results, t results.Target, v Verdict, e scenarios.Expectation, why string) []Check {
	var out []Check
	add := func(name string, ok bool, format string, args ...any) {
		out = append(out, Check{Name: name, Pass: ok, Text: tick(ok, fmt.Sprintf(format, args...))})
	}
	missing := func(name, want, reason string) {
		out = append(out, notMeasured(name, want, cmp.Or(why, reason)))
	}
	if e.MinGoodput > 0 {
		want := "expected goodput ≥ " + format.Percent(float64(e.MinGoodput))
		if v.GoodputRatio == nil || why != "" {
			missing("min_goodput", want, "no downstream phase with a capacity, and no slow client read")
		} else {
			add("min_goodput", *v.GoodputRatio >= float64(e.MinGoodput), "%s: %s", want, format.Percent(*v.GoodputRatio))
		}
	}
	for _, b := range e.MaxSlope {
		max := b.Max.MiBPerSec()
		got, window, ok := slopeIn(res, v, b.Window)
		want := fmt.Sprintf("expected RSS slope ≤ %s over %s", format.SlopeLimit(max), window)
		if !ok || why != "" {
			missing("max_slope", want, "no fit: too few samples in the window")
			continue
		}
		add("max_slope", got <= max, "%s: %s", want, format.Slope(got))
	}
	for _, b := range e.MaxP95 {
		if b.Kind != "" {
			out = append(out, kindP95Check(res, t, b, why))
			continue
		}
		max := float64(b.Max.D().Milliseconds())
		got, window, ok := p95In(res, t, v, b.Window)
		want := fmt.Sprintf("expected p95 ≤ %s in %s", format.Ms(max), window)
		if !ok || why != "" {
			missing("max_p95", want, "no requests there")
			continue
		}
		add("max_p95", got <= max, "%s: %s", want, format.Ms(got))
	}
	if e.MaxGCRate > 0 {
		max := float64(e.MaxGCRate)
		want := fmt.Sprintf("expected GC ≤ %s/s", format.RateShort(max))
		if v.GCPerSecondMax == nil || why != "" {
			missing("max_gc_rate", want, "this runtime's GC is not traced")
		} else {
			add("max_gc_rate", *v.GCPerSecondMax <= max, "%s: %s/s at most", want, format.RateShort(*v.GCPerSecondMax))
		}
	}
	if e.MaxCgroupPeak > 0 {
		max := float64(e.MaxCgroupPeak) / format.BytesPerMiB
		want := "expected cgroup peak ≤ " + format.MiB(max)
		if t.CgroupPeakBytes <= 0 || why != "" {
			missing("max_cgroup_peak", want, "no cgroup: "+cmp.Or(res.LimitMode, "none"))
		} else {
			got := float64(t.CgroupPeakBytes) / format.BytesPerMiB
			add("max_cgroup_peak", got <= max, "%s: %s", want, format.MiB(got))
		}
	}
	if e.MinTimeToLimit > 0 {
		min := e.MinTimeToLimit.Seconds()
		want := "expected the limit no sooner than " + format.Duration(e.MinTimeToLimit.D())
		switch ttl := v.TimeToLimit; {
		case why != "":
			missing("min_time_to_limit", want, why)
		case ttl == nil:
			add("min_time_to_limit", true, "%s: not reached, not forecast", want)
		default:
			add("min_time_to_limit", ttl.Seconds >= min, "%s: %s", want, DescribeTimeToLimit(*ttl))
		}
	}
	return out
}

// outcomeHolds reports whether outcome is acceptable: listed, or a
// forecast OOM (--fail-fast) where oom-killed is.
func outcomeHolds(want []string, outcome string) bool {
	return slices.Contains(want, outcome) ||
		outcome == results.OutcomeForecastOOM && slices.Contains(want, results.OutcomeOOMKilled)
}

// DescribeTimeToLimit writes "killed at 21.8 s" or "forecast at 73 s
// (61–95 s)".
func DescribeTimeToLimit(t TimeToLimit) string {
	if !t.Forecast() {
		return fmt.Sprintf("%s at %.1f s", t.Source, t.Seconds)
	}
	s := fmt.Sprintf("forecast at %.0f s", t.Seconds)
	if t.EarliestSeconds != nil && t.LatestSeconds != nil {
		s += fmt.Sprintf(" (%.0f–%.0f s)", *t.EarliestSeconds, *t.LatestSeconds)
	}
	if t.Source == LimitFailFast {
		s += ", load ended by --fail-fast"
	}
	return s
}

// slopeIn returns the RSS slope over the named window ("" is the
// verdict's decisive window), the window in words, and whether there was
// a fit.
func slopeIn(res *results.Results, v Verdict, window string) (float64, string, bool) {
	if window == "" {
		return v.SlopeMiBPerSec, cmp.Or(v.SlopeWindow, "the run"), v.SlopeWindow != ""
	}
	if res.ScenarioSpec == nil {
		return 0, window, false
	}
	kind, k := scenarios.ResolveWindow(res.ScenarioSpec, window)
	var label string
	var fits []Fit
	switch kind {
	case scenarios.WindowStage:
		label, fits = fmt.Sprintf("stage %d (", k+1), v.StageFits
	case scenarios.WindowPhase:
		label, fits = "phase "+window, v.PhaseFits
	default:
		return 0, window, false
	}
	for _, f := range fits {
		if f.Window == label || strings.HasPrefix(f.Window, label) && kind == scenarios.WindowStage {
			return f.SlopeMiBPerSec, f.Window, true
		}
	}
	return 0, window, false
}

// p95In returns the p95 latency of the named stage ("" is the last stage
// with requests).
func p95In(res *results.Results, t results.Target, v Verdict, window string) (float64, string, bool) {
	if window == "" {
		return v.P95LastStageMs, "the last stage", v.P95LastStageMs > 0
	}
	if res.ScenarioSpec == nil {
		return 0, window, false
	}
	kind, k := scenarios.ResolveWindow(res.ScenarioSpec, window)
	if kind != scenarios.WindowStage {
		return 0, window, false
	}
	for _, st := range t.Stages {
		if st.Index == k && st.Requests > 0 {
			return st.LatencyP95Ms, window, true
		}
	}
	return 0, window, false
}
