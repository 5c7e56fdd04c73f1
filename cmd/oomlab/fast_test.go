package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// TestFast: run --parallel --fast on a target whose memory stays flat
// stops its load in the top stage, exits 0 (it survived, as expected),
// and the terminal and summary.md say it stopped early and why. It runs
// the built binary, whose fixtures are not race-instrumented. Should the
// rule not be sure within the 20 s top stage, the load runs out and the
// test fails: it waits on the rule, not on the clock.
func TestFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 12 s")
	}
	sc := writeFile(t, t.TempDir(), "fast.yaml", `name: fast
targets:
  - {name: aware, builtin: upload-aware, role: aware, expect: {outcome: survived}}
memory_limit: 256MiB
load:
  stages:
    - {rate: 5, duration: 1s}
    - {rate: 20, duration: 20s}
  request: {path: /healthz, timeout: 5s}
downstream:
  phases: [{at: 0s}]
`)
	out := filepath.Join(t.TempDir(), "out")
	text, code := oomlab(t, 90*time.Second, "run", sc, "--out", out, "--parallel", "--fast")
	if code != 0 || !strings.Contains(text, "fast: memory flat") || !strings.Contains(text, "stopped early at") {
		t.Errorf("exit %d; want 0, the log's fast line and the verdict's\n%s", code, text)
	}
	aware := target(t, readResults(t, out), "aware")
	if aware.Outcome != results.OutcomeSurvived || aware.StoppedEarly == nil || aware.StoppedEarly.AtSeconds >= 20 {
		t.Fatalf("aware = %s (%s), stopped early %+v; want survived, stopped before 20 s of 21", aware.Outcome, aware.OutcomeDetail, aware.StoppedEarly)
	}
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "stopped early at") {
		t.Errorf("summary.md does not say the load stopped early:\n%s", md)
	}
	assertNothingLeft(t, pidOf(t))
}
