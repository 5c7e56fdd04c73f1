package main

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// junitCounts is the top of a JUnit file, as CI reads it.
type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
}

func readJUnit(t *testing.T, path string) (junitCounts, string) {
	t.Helper()
	text := readText(t, path)
	var c junitCounts
	if err := xml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatalf("%s does not parse as JUnit: %v\n%s", path, err, text)
	}
	return c, text
}

// TestGateJUnit: 'oomlab gate --junit FILE' writes one test case per
// target and gated figure — a regression failed with before, after and
// tolerance — prints ::error annotations under GitHub Actions and
// appends the table to the job summary; a baseline refused (exit 2)
// still leaves a JUnit file saying why.
func TestGateJUnit(t *testing.T) {
	pass := savedRun(t, nil)
	base := filepath.Join(t.TempDir(), "base.json")
	if text, code := oomlab(t, 30*time.Second, "baseline", "save", pass, base); code != 0 {
		t.Fatalf("baseline save: exit %d\n%s", code, text)
	}
	t.Run("pass", func(t *testing.T) {
		junit := filepath.Join(t.TempDir(), "gate.xml")
		text, code := oomlab(t, 30*time.Second, "gate", pass, "--baseline", base, "--junit", junit)
		if code != exitOK || !strings.Contains(text, "output   "+junit) {
			t.Fatalf("gate --junit: exit %d; want 0 naming %s\n%s", code, junit, text)
		}
		c, xmlText := readJUnit(t, junit)
		if c.Failures != 0 || c.Tests < 12 || !strings.Contains(xmlText, `classname="baseline.upload-aware" name="peak RSS"`) {
			t.Errorf("JUnit of a passing gate: %d tests, %d failures; want ≥ 12 (2 targets × 6 figures), none failed\n%s", c.Tests, c.Failures, xmlText)
		}
	})
	t.Run("worse", func(t *testing.T) {
		// A baseline where upload-aware peaked at 4 MiB: today's 16.1 MiB
		// is worse.
		var b map[string]any
		if err := json.Unmarshal([]byte(readText(t, base)), &b); err != nil {
			t.Fatal(err)
		}
		b["targets"].([]any)[1].(map[string]any)["peak_rss_mib"] = 4
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		tmp := t.TempDir()
		better := writeFile(t, tmp, "better.json", string(data))
		junit, step := filepath.Join(tmp, "gate.xml"), filepath.Join(tmp, "step.md")
		text, code := oomlabEnv(t, []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + step}, "gate", pass, "--baseline", better, "--junit", junit)
		if code != exitFailed {
			t.Fatalf("gate of a regression: exit %d; want %d\n%s", code, exitFailed, text)
		}
		c, xmlText := readJUnit(t, junit)
		const msg = `message="peak RSS 4 MiB → 16.1 MiB (+303%): worse beyond the 15% tolerance"`
		if c.Failures != 1 || !strings.Contains(xmlText, msg) {
			t.Errorf("JUnit: %d failures; want 1 with %s\n%s", c.Failures, msg, xmlText)
		}
		if !strings.Contains(text, "::error title=oomlab ") || !strings.Contains(text, "upload-aware peak RSS") {
			t.Errorf("no ::error annotation naming upload-aware peak RSS:\n%s", text)
		}
		if md := readText(t, step); !strings.Contains(md, "peak RSS") {
			t.Errorf("job summary without the table:\n%s", md)
		}
	})
	t.Run("refused baseline", func(t *testing.T) {
		other := savedRun(t, func(m map[string]any) { m["memory_limit_bytes"] = 128 << 20 })
		otherBase := filepath.Join(t.TempDir(), "other.json")
		if text, code := oomlab(t, 30*time.Second, "baseline", "save", other, otherBase); code != 0 {
			t.Fatalf("baseline save: exit %d\n%s", code, text)
		}
		junit := filepath.Join(t.TempDir(), "gate.xml")
		text, code := oomlab(t, 30*time.Second, "gate", pass, "--baseline", otherBase, "--junit", junit)
		if code != exitBadInput {
			t.Fatalf("gate on a refused baseline: exit %d; want %d\n%s", code, exitBadInput, text)
		}
		c, xmlText := readJUnit(t, junit)
		if c.Failures != 1 || !strings.Contains(xmlText, "memory limit: baseline 128 MiB, run 256 MiB") {
			t.Errorf("JUnit after exit 2: %d failures; want 1 naming the memory limit\n%s", c.Failures, xmlText)
		}
	})
}
