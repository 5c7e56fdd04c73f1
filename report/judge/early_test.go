package judge

import (
	"math"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// fastRun is savedtest.UploadProxyFast, whose recorded early stop must
// be the one the runner's rule makes of its samples: the settled window
// of the top stage, flat by curve's rule, the same slope and bound.
func fastRun(t testing.TB) *saved.Run {
	t.Helper()
	run := savedtest.UploadProxyFast()
	res, s := run.Results, run.Series[1]
	es := res.Targets[1].StoppedEarly
	w := curve.Curve{T: s.T, MiB: s.RSSMiB}.Settle(res.Stages, res.Phases).Last()
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.005 }
	if !curve.DefaultRule().FlatWindow(w) || !near(w.Fit.Start, es.FromSeconds) || !near(w.Fit.Slope, es.SlopeBytesPerSecond/format.BytesPerMiB) ||
		!near(w.Fit.Upper(), es.SlopeUpperBytesPerSecond/format.BytesPerMiB) {
		t.Fatalf("recorded early stop %+v; curve's fit of its window %+v (upper %.3f)", es, w.Fit, w.Fit.Upper())
	}
	return run
}

// TestEarlyStopStory: a target whose load --fast stopped early is classed
// from its curve as any other, and its verdict and story say when and why
// the load stopped; a target that ran its whole load says nothing of it.
func TestEarlyStopStory(t *testing.T) {
	vs := Judge(fastRun(t))
	naive, aware := vs[0], vs[1]
	if naive.StoppedEarly != "" || strings.Contains(naive.Story, "stopped early") {
		t.Errorf("naive: %q, story %q; want nothing of an early stop", naive.StoppedEarly, naive.Story)
	}
	want := "stopped early at 38.0 s of 40 s under --fast: memory flat (slope "
	if aware.Class != ClassBounded || !strings.HasPrefix(aware.StoppedEarly, want) || !strings.Contains(aware.StoppedEarly, "< 0.5 MiB/s over 32.5–38.0 s)") {
		t.Errorf("aware: %s, %q; want bounded, %q…", aware.Class, aware.StoppedEarly, want)
	}
	if !strings.Contains(aware.Story, "; "+aware.StoppedEarly+"; expectations pass") || !aware.Pass {
		t.Errorf("aware story = %q; want the early stop before the expectations", aware.Story)
	}
}
