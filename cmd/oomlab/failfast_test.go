package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// TestFailFast: a naive proxy under a 2 GiB limit and two minutes of load
// would need about a minute to fill it; with --fail-fast its load ends
// within seconds on a confident forecast, the outcome says so, and the
// gate (it is expected to survive) fails with exit 1. It runs the built
// binary, whose fixtures are not race-instrumented: under -race a
// fixture's memory curve is not the fixture's own.
func TestFailFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 10 s")
	}
	sc := writeFile(t, t.TempDir(), "ff.yaml", `name: ff
targets:
  - {name: naive, builtin: upload-naive, role: naive, expect: {outcome: survived}}
memory_limit: 2GiB
load:
  stages:
    - {rate: 40, duration: 120s}
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases:
    - {name: slow, at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 8}
`)
	out := filepath.Join(t.TempDir(), "out")
	text, code := oomlab(t, 150*time.Second, "run", sc, "--out", out, "--fail-fast")
	if code != exitFailed || !strings.Contains(text, "fail-fast:") {
		t.Errorf("exit %d; want %d and a fail-fast line\n%s", code, exitFailed, text)
	}
	naive := target(t, readResults(t, out), "naive")
	if naive.Outcome != results.OutcomeForecastOOM || naive.Forecast == nil || !naive.Forecast.CutShort {
		t.Fatalf("naive = %s (%s), forecast %+v; want forecast-oom, cut short", naive.Outcome, naive.OutcomeDetail, naive.Forecast)
	}
	if naive.DurationSeconds > 45 {
		t.Errorf("load ran %.1f s of 120; want ended within 45 s", naive.DurationSeconds)
	}
	if f := naive.Forecast; f.LatestSeconds == nil || *f.LatestSeconds > 120 {
		t.Errorf("forecast %+v; want a latest crossing before the load's end (120 s)", f)
	}
	assertNothingLeft(t, pidOf(t))
}
