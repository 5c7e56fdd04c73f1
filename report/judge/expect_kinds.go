package judge

import (
	"cmp"
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// kindP95Check checks a max_p95 bound that names a request kind
// (`max_p95: {kind: export, value: 10s}`) against that kind's p95: over
// the whole run (the runner's Target.Kinds, merged from the kind's
// latency digests) when the bound names no window, else in the named
// stage (Stage.Kinds). A kind the run has no figures for, or that sent no
// request there, is not measured: the check fails and says why, never
// passing on a zero. why, when set, is why none of the target's figures
// was measured (unmeasured), and is said instead.
func kindP95Check(res *results.Results, t results.Target, b scenarios.WindowBound[scenarios.Duration], why string) Check {
	max := float64(b.Max.D().Milliseconds())
	got, where, missing := kindP95In(res, t, b.Kind, b.Window)
	want := fmt.Sprintf("expected p95 of kind %s ≤ %s %s", b.Kind, format.Ms(max), where)
	c := Check{Name: "max_p95", Kind: b.Kind}
	if w := cmp.Or(why, missing); w != "" {
		c.Text = tick(false, want+": not measured ("+w+")")
		return c
	}
	c.Pass = got <= max
	c.Text = tick(c.Pass, want+": "+format.Ms(got))
	return c
}

// kindP95In returns the p95 of the named kind over the run (window "")
// or in the named stage, the window in words ("over the run", "in stage
// 3"), and why it is missing ("" when it is there).
func kindP95In(res *results.Results, t results.Target, kind, window string) (p95 float64, where, missing string) {
	if window == "" {
		k, why := kindIn(t.Kinds, kind, "in the run")
		return k.LatencyP95Ms, "over the run", why
	}
	where = "in " + window
	if res.ScenarioSpec == nil {
		return 0, where, "the run names no stages"
	}
	wk, i := scenarios.ResolveWindow(res.ScenarioSpec, window)
	if wk != scenarios.WindowStage {
		return 0, where, window + " is not a stage"
	}
	for _, st := range t.Stages {
		if st.Index == i {
			k, why := kindIn(st.Kinds, kind, "there")
			return k.LatencyP95Ms, where, why
		}
	}
	return 0, where, "the target did not reach " + window
}

// kindIn finds the named kind's figures among kinds, and says why they
// cannot be judged ("" when they can): no figures per kind at all, no
// such kind, no request of it sent, or no latency recorded. there ends
// the first two reasons ("in the run", "there").
func kindIn(kinds []results.KindFigures, name, there string) (results.KindFigures, string) {
	for _, k := range kinds {
		if k.Name != name {
			continue
		}
		switch {
		case k.Requests == 0:
			return k, "no request of kind " + name + " was sent"
		case k.LatencyP95Ms <= 0:
			return k, "no latency recorded for kind " + name
		}
		return k, ""
	}
	if len(kinds) == 0 {
		return results.KindFigures{}, "no figures per request kind " + there
	}
	return results.KindFigures{}, "no kind " + name + " " + there
}
