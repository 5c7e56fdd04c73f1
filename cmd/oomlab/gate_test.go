package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/judge"
)

// oomlabEnv runs the binary as oomlab does, with env added to the
// environment (GITHUB_STEP_SUMMARY, GITHUB_ACTIONS), within 30 s.
func oomlabEnv(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	return oomlabWith(t, env, 30*time.Second, args...)
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReportNothingToJudgeEveryOutput renders a saved run without
// expectations: exit 3, and the terminal, summary.md, report.html,
// verdicts.json, JUnit, the step summary and the annotations all say
// "nothing to judge".
func TestReportNothingToJudgeEveryOutput(t *testing.T) {
	dir := savedRun(t, func(m map[string]any) {
		for _, tg := range targetsOf(m) {
			delete(tg.(map[string]any), "expect")
		}
	})
	tmp := t.TempDir()
	junit, step := filepath.Join(tmp, "junit.xml"), filepath.Join(tmp, "step.md")
	text, code := oomlabEnv(t, []string{"GITHUB_STEP_SUMMARY=" + step, "GITHUB_ACTIONS=true"}, "report", dir, "--junit", junit)
	if code != exitNothing {
		t.Fatalf("report without expectations: exit %d; want %d\n%s", code, exitNothing, text)
	}
	outputs := map[string]string{
		"terminal":      text,
		"summary.md":    readText(t, filepath.Join(dir, "summary.md")),
		"report.html":   readText(t, filepath.Join(dir, "report.html")),
		"verdicts.json": readText(t, filepath.Join(dir, "verdicts.json")),
		"junit":         readText(t, junit),
		"step summary":  readText(t, step),
	}
	for name, s := range outputs {
		if !strings.Contains(strings.ToLower(s), "nothing to judge") {
			t.Errorf("%s does not say \"nothing to judge\":\n%s", name, s)
		}
	}
	if !strings.Contains(text, "::warning title=oomlab upload-proxy%3A gate::nothing to judge") {
		t.Errorf("no ::warning annotation for nothing to judge:\n%s", text)
	}
	if strings.Contains(outputs["summary.md"], "— pass") || !strings.Contains(outputs["verdicts.json"], `"pass": false`) {
		t.Errorf("summary.md or verdicts.json shows a pass")
	}
}

// TestGateOwnExpectationsFail: a run failing its own expectations fails
// the gate (exit 1) whatever its baseline says — even a baseline saved
// from itself — and names the failed expectation.
func TestGateOwnExpectationsFail(t *testing.T) {
	fail := savedRun(t, func(m map[string]any) {
		targetsOf(m)[1].(map[string]any)["expect"].(map[string]any)["max_rss_bytes"] = 1 << 20
	})
	base := filepath.Join(t.TempDir(), "base.json")
	if text, code := oomlab(t, 30*time.Second, "baseline", "save", fail, base); code != 0 {
		t.Fatalf("baseline save: exit %d\n%s", code, text)
	}
	for _, args := range [][]string{
		{"gate", fail, "--baseline", base},
		{"gate", fail, "--baseline", fail},
		{"compare", fail, fail, "--out", filepath.Join(t.TempDir(), "c")},
	} {
		text, code := oomlab(t, 30*time.Second, args...)
		if code != exitFailed {
			t.Errorf("oomlab %s: exit %d; want %d\n%s", strings.Join(args, " "), code, exitFailed, text)
		}
		for _, want := range []string{"upload-aware max_rss", "expected peak RSS ≤ 1 MiB: 16.1 MiB ✗", "gate: FAIL", "baseline: PASS"} {
			if !strings.Contains(text, want) {
				t.Errorf("oomlab %s does not say %q:\n%s", strings.Join(args, " "), want, text)
			}
		}
	}
}

// TestGateBaselineMismatch: a baseline made under another scenario,
// memory limit, limit mode (watchdog against the kernel's limit) or
// request shape is refused with exit 2 naming the field; with
// --allow-mismatch it is compared, with a warning on the terminal, the
// step summary and compare's summary.md. A cgroup v2 baseline for a
// cgroup v1 run is a kernel limit as well: accepted.
func TestGateBaselineMismatch(t *testing.T) {
	t.Parallel() // see parallelTests
	pass := savedRun(t, nil)
	tests := []struct {
		name  string
		edit  func(map[string]any)
		field string // "" when compatible
	}{
		{"other scenario", func(m map[string]any) { m["scenario"] = "json-body" }, "scenario: baseline json-body, run upload-proxy"},
		{"other limit", func(m map[string]any) { m["memory_limit_bytes"] = 128 << 20 }, "memory limit: baseline 128 MiB, run 256 MiB"},
		{"watchdog", func(m map[string]any) { m["limit_mode"] = "watchdog" }, "limit mode: baseline watchdog, run cgroup-v1 (kernel cgroup limit)"},
		{"other request", func(m map[string]any) {
			m["scenario_spec"].(map[string]any)["load"].(map[string]any)["request"].(map[string]any)["path"] = "/other"
		}, "request path: baseline /other"},
		{"cgroup v2", func(m map[string]any) { m["limit_mode"] = "cgroup-v2" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := savedRun(t, tt.edit)
			base := filepath.Join(t.TempDir(), "base.json")
			if text, code := oomlab(t, 30*time.Second, "baseline", "save", other, base); code != 0 {
				t.Fatalf("baseline save: exit %d\n%s", code, text)
			}
			text, code := oomlab(t, 30*time.Second, "gate", pass, "--baseline", base)
			if tt.field == "" {
				if code != exitOK || strings.Contains(text, "warning") {
					t.Errorf("gate against a compatible baseline: exit %d; want 0, no warning\n%s", code, text)
				}
				return
			}
			if code != exitBadInput || !strings.Contains(text, tt.field) || !strings.Contains(text, "--allow-mismatch") {
				t.Errorf("gate: exit %d; want %d naming %q and --allow-mismatch\n%s", code, exitBadInput, tt.field, text)
			}
			if text, code := oomlab(t, 30*time.Second, "compare", other, pass, "--out", filepath.Join(t.TempDir(), "c")); code != exitBadInput || !strings.Contains(text, tt.field) {
				t.Errorf("compare: exit %d; want %d naming %q\n%s", code, exitBadInput, tt.field, text)
			}

			step := filepath.Join(t.TempDir(), "step.md")
			text, code = oomlabEnv(t, []string{"GITHUB_STEP_SUMMARY=" + step}, "gate", pass, "--baseline", base, "--allow-mismatch")
			const warn = "compared with a baseline made under other conditions"
			if code == exitBadInput || !strings.Contains(text, "warning: "+warn) || !strings.Contains(text, tt.field) {
				t.Errorf("gate --allow-mismatch: exit %d; want a comparison with a warning naming %q\n%s", code, tt.field, text)
			}
			if md := readText(t, step); !strings.Contains(md, "> **warning:** "+warn) {
				t.Errorf("step summary without the warning:\n%s", md)
			}
			out := filepath.Join(t.TempDir(), "c")
			text, code = oomlab(t, 30*time.Second, "compare", other, pass, "--out", out, "--allow-mismatch")
			if code == exitBadInput || !strings.Contains(text, "warning: "+warn) {
				t.Errorf("compare --allow-mismatch: exit %d; want a comparison with a warning\n%s", code, text)
			}
			if md := readText(t, filepath.Join(out, "summary.md")); !strings.Contains(md, "> **warning:** "+warn) {
				t.Errorf("compare's summary.md without the warning:\n%s", md)
			}
		})
	}
}

// TestGateV1Baseline: a version 1 baseline file is still read; what it
// does not record is reported as unchecked, and the gate goes on.
func TestGateV1Baseline(t *testing.T) {
	pass := savedRun(t, nil)
	v1 := writeFile(t, t.TempDir(), "v1.json", `{"schema": "oomlab.baseline/v1", "scenario": "upload-proxy", "memory_limit_bytes": 268435456,
  "targets": [{"name": "upload-aware", "outcome": "survived", "class": "bounded", "peak_rss_mib": 16,
    "slope_mib_per_sec": 0.2, "time_to_limit_seconds": null, "p95_last_stage_ms": 3100, "goodput_ratio": 0.97,
    "shed_ratio": 0.87, "success_ratio": 0.26}]}`)
	text, code := oomlab(t, 30*time.Second, "gate", pass, "--baseline", v1)
	if code != exitOK || !strings.Contains(text, "warning: the baseline (oomlab.baseline/v1) does not record limit mode, request shape: they cannot be checked") {
		t.Errorf("gate on a v1 baseline: exit %d; want 0 with a warning on what cannot be checked\n%s", code, text)
	}
}

// TestExitFor: the one mapping from a gate status to an exit status.
func TestExitFor(t *testing.T) {
	tests := []struct {
		state  judge.GateState
		noGate bool
		want   int
	}{
		{judge.GatePass, false, exitOK},
		{judge.GateFail, false, exitFailed},
		{judge.GateNothing, false, exitNothing},
		{judge.GateFail, true, exitOK},
		{judge.GateNothing, true, exitOK},
		{judge.GateState(9), false, exitBadInput},
	}
	for _, tt := range tests {
		err := exitFor(judge.GateStatus{State: tt.state, Reason: "why"}, tt.noGate)
		got := exitOK
		var ee *exitError
		if errors.As(err, &ee) {
			got = ee.code
			if !strings.Contains(ee.Error(), "why") {
				t.Errorf("exitFor(%v): %q does not carry the reason", tt.state, ee.Error())
			}
		}
		if got != tt.want {
			t.Errorf("exitFor(%v, noGate %v) = exit %d; want %d", tt.state, tt.noGate, got, tt.want)
		}
	}
}
