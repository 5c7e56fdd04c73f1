package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// savedRun copies report/testdata/upload-proxy (a real run) to a temporary
// folder, letting edit change its results.json first; nil keeps it.
func savedRun(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	src := filepath.Join("..", "..", "report", "testdata", "upload-proxy")
	dir := t.TempDir()
	for _, f := range []string{"results.json", "samples.csv", "load.csv"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "results.json" && edit != nil {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// targetsOf returns the scenario_spec's targets of a decoded results.json.
func targetsOf(m map[string]any) []any {
	return m["scenario_spec"].(map[string]any)["targets"].([]any)
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExitCodes runs the binary once per exit class and subcommand:
// usage errors (2, with a hint), scenario errors (2), a failed
// expectation (1), nothing to judge (3) and a pass (0). Runs that need a
// target under load are in e2e_test.go (0, 1, 130).
func TestExitCodes(t *testing.T) {
	t.Parallel() // see parallelTests
	empty := t.TempDir()
	nullDir := t.TempDir()
	writeFile(t, nullDir, "results.json", "null\n")
	blankDir := t.TempDir()
	writeFile(t, blankDir, "results.json", "")
	badYAML := writeFile(t, t.TempDir(), "bad.yaml", "name: x\ntargets: []\n")
	pass := savedRun(t, nil)
	fail := savedRun(t, func(m map[string]any) {
		// The aware target's max_rss far below what it used.
		targetsOf(m)[1].(map[string]any)["expect"].(map[string]any)["max_rss_bytes"] = 1 << 20
	})
	noExpect := savedRun(t, func(m map[string]any) {
		for _, tg := range targetsOf(m) {
			delete(tg.(map[string]any), "expect")
		}
	})
	base := filepath.Join(t.TempDir(), "base.json")
	// A baseline the saved run is far worse than: the aware target's peak
	// RSS was 1 MiB.
	strict := writeFile(t, t.TempDir(), "strict.json", `{"schema": "oomlab.baseline/v1", "scenario": "upload-proxy",
  "targets": [{"name": "upload-aware", "outcome": "survived", "class": "bounded", "peak_rss_mib": 1,
    "slope_mib_per_sec": 0, "time_to_limit_seconds": null, "p95_last_stage_ms": 3100, "goodput_ratio": 0.97,
    "shed_ratio": 0.7, "success_ratio": 0.26}]}`)
	notBaseline := writeFile(t, t.TempDir(), "other.json", `{"schema": "something/v1"}`)

	tests := []struct {
		name string
		args []string
		want int
		hint bool // the message says "see ... --help"
	}{
		{"unknown command", []string{"bogus"}, exitBadInput, true},
		{"unknown root flag", []string{"--bogus"}, exitBadInput, true},
		{"run: no argument", []string{"run"}, exitBadInput, true},
		{"run: two arguments", []string{"run", "a", "b"}, exitBadInput, true},
		{"run: unknown flag", []string{"run", "upload-proxy", "--bogus"}, exitBadInput, true},
		{"run: bad runtime", []string{"run", "upload-proxy", "--runtime", "cobol"}, exitBadInput, true},
		{"run: bad limit mode", []string{"run", "upload-proxy", "--limit-mode", "x"}, exitBadInput, true},
		{"run: bad memory limit", []string{"run", "upload-proxy", "--memory-limit", "lots"}, exitBadInput, true},
		{"run: bad target", []string{"run", "upload-proxy", "--target", "nocommand"}, exitBadInput, true},
		{"run: bad bool", []string{"run", "upload-proxy", "--fail-fast=maybe"}, exitBadInput, true},
		{"run: no such scenario", []string{"run", "no-such-scenario"}, exitBadInput, true},
		{"run: bad scenario", []string{"run", badYAML}, exitBadInput, false},
		{"run --all with an argument", []string{"run", "--all", "upload-proxy"}, exitBadInput, true},
		{"validate: no argument", []string{"validate"}, exitBadInput, true},
		{"validate: bad scenario", []string{"validate", badYAML}, exitBadInput, false},
		{"list: extra argument", []string{"list", "x"}, exitBadInput, true},
		{"cleanup: extra argument", []string{"cleanup", "x"}, exitBadInput, true},
		{"report: no argument", []string{"report"}, exitBadInput, true},
		{"report: no results", []string{"report", empty}, exitBadInput, false},
		{"report: null results", []string{"report", nullDir}, exitNothing, false},
		{"report: empty results", []string{"report", blankDir}, exitNothing, false},
		{"report: no expectations", []string{"report", noExpect}, exitNothing, false},
		{"report: expectation failed", []string{"report", fail}, exitFailed, false},
		{"report: pass", []string{"report", pass}, exitOK, false},
		{"compare: one argument", []string{"compare", pass}, exitBadInput, true},
		{"compare: bad tolerance", []string{"compare", pass, pass, "--tolerance", "lots"}, exitBadInput, true},
		{"compare: same run", []string{"compare", pass, pass, "--out", filepath.Join(t.TempDir(), "c")}, exitOK, false},
		{"baseline: no subcommand argument", []string{"baseline", "save", pass}, exitBadInput, true},
		{"baseline save", []string{"baseline", "save", pass, base}, exitOK, false},
		{"baseline save: nothing", []string{"baseline", "save", nullDir, filepath.Join(t.TempDir(), "b.json")}, exitNothing, false},
		{"gate: no baseline flag", []string{"gate", pass}, exitBadInput, true},
		{"gate: no argument", []string{"gate", "--baseline", base}, exitBadInput, true},
		{"gate: bad tolerance", []string{"gate", pass, "--baseline", base, "--tolerance", "-3%"}, exitBadInput, true},
		{"gate: missing baseline", []string{"gate", pass, "--baseline", filepath.Join(empty, "none.json")}, exitBadInput, false},
		{"gate: same run", []string{"gate", pass, "--baseline", base}, exitOK, false},
		{"gate: against a run folder", []string{"gate", pass, "--baseline", pass}, exitOK, false},
		{"gate: regression", []string{"gate", pass, "--baseline", strict}, exitFailed, false},
		{"gate: not a baseline", []string{"gate", pass, "--baseline", notBaseline}, exitBadInput, false},
		{"compare: after fails", []string{"compare", pass, fail, "--out", filepath.Join(t.TempDir(), "c")}, exitFailed, false},
		{"compare: nothing in after", []string{"compare", pass, nullDir, "--out", filepath.Join(t.TempDir(), "c")}, exitNothing, false},
		{"gate: nothing", []string{"gate", nullDir, "--baseline", base}, exitNothing, false},
		{"completion: bad shell", []string{"completion", "cobol"}, exitBadInput, true},
		{"completion bash", []string{"completion", "bash"}, exitOK, false},
		{"version", []string{"--version"}, exitOK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, code := oomlab(t, 30*time.Second, tt.args...)
			if code != tt.want {
				t.Errorf("oomlab %s: exit %d; want %d\n%s", strings.Join(tt.args, " "), code, tt.want, text)
			}
			if hint := strings.Contains(text, "--help')"); hint != tt.hint {
				t.Errorf("oomlab %s: says \"see ... --help\": %v; want %v\n%s", strings.Join(tt.args, " "), hint, tt.hint, text)
			}
		})
	}
}

// TestRunNothingToJudge: a run whose targets have no expectations exits
// 3, not 0, unless --no-gate says a pass is wanted.
func TestRunNothingToJudge(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for a few seconds")
	}
	sc := writeFile(t, t.TempDir(), "noexpect.yaml", `name: noexpect
targets:
  - {name: aware, builtin: upload-aware}
load:
  stages: [{rate: 5, duration: 2s}]
  request: {method: POST, path: /upload, body: {size: 16KiB}, timeout: 5s}
`)
	text, code := oomlab(t, time.Minute, "run", sc, "--out", filepath.Join(t.TempDir(), "out"))
	if code != exitNothing || !strings.Contains(text, "nothing to judge") {
		t.Errorf("run without expectations: exit %d; want %d, \"nothing to judge\"\n%s", code, exitNothing, text)
	}
	assertNothingLeft(t, pidOf(t))
}

// TestHelpHasExitTable checks that every command's --help ends with the
// exit status table.
func TestHelpHasExitTable(t *testing.T) {
	for _, c := range []string{"run", "report", "compare", "gate", "validate", "list", "cleanup"} {
		text, code := oomlab(t, 30*time.Second, c, "--help")
		if code != 0 || !strings.Contains(text, "Exit status:") || !strings.Contains(text, "3    nothing to judge") {
			t.Errorf("oomlab %s --help: exit %d, no exit table:\n%s", c, code, text)
		}
	}
}
