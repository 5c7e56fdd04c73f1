package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// savedCatalog makes a catalog folder of recorded runs, one per name
// (<scenario> or <scenario>-rNN), each of the scenario its name begins
// with.
func savedCatalog(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		scenario := name
		if i := strings.LastIndex(name, "-r"); i > 0 {
			scenario = name[:i]
		}
		run := savedRun(t, func(m map[string]any) { m["scenario"] = scenario })
		if err := os.Rename(run, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editBaseline rewrites the baseline file at path through edit.
func editBaseline(t *testing.T, path string, edit func(m map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func awarePeak(mib float64) func(map[string]any) {
	return func(m map[string]any) {
		for _, tg := range m["targets"].([]any) {
			if tg := tg.(map[string]any); tg["name"] == "upload-aware" {
				tg["peak_rss_mib"] = mib
			}
		}
	}
}

// TestGateCatalog gates a catalog folder (two repeats of upload-proxy and
// one json-body run) on baselines saved from it by 'baseline save
// CATALOG DIR', then on baselines changed case by case: one table, one
// gate and exit status over every run, the same in the step summary.
func TestGateCatalog(t *testing.T) {
	t.Parallel() // see parallelTests
	cat := savedCatalog(t, "upload-proxy-r01", "upload-proxy-r02", "json-body")
	saved := filepath.Join(t.TempDir(), "baselines")
	text, code := oomlab(t, 30*time.Second, "baseline", "save", cat, saved)
	if code != exitOK || !strings.Contains(text, "from upload-proxy-r01") || !strings.Contains(text, "upload-proxy: 2 runs (repeats)") {
		t.Fatalf("baseline save CATALOG DIR: exit %d; want 0, upload-proxy from its first repeat\n%s", code, text)
	}
	for _, f := range []string{"upload-proxy.json", "json-body.json"} {
		if _, err := os.Stat(filepath.Join(saved, f)); err != nil {
			t.Fatalf("baseline save wrote no %s: %v", f, err)
		}
	}
	tests := []struct {
		name string
		// setup lays out the baselines in dir and returns --baseline.
		setup func(t *testing.T, dir string) string
		args  []string
		want  int
		says  []string // on the terminal (and in the step summary, for exit 0 and 1)
	}{
		{"same", func(t *testing.T, dir string) string { return copyDir(t, saved, dir) }, nil, exitOK,
			[]string{"upload-proxy-r02  ← ", "upload-proxy-r02/upload-aware", "json-body/upload-naive", "gate: PASS (expectations: 12 checks held"}},
		{"worse in every repeat", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			editBaseline(t, filepath.Join(b, "upload-proxy.json"), awarePeak(4))
			return b
		}, nil, exitFailed, []string{"gate: FAIL", "2 worse beyond the 15% tolerance: upload-proxy-r01/upload-aware peak RSS, upload-proxy-r02/upload-aware peak RSS"}},
		{"scenario without a baseline", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			os.Remove(filepath.Join(b, "json-body.json"))
			return b
		}, nil, exitOK, []string{"← no baseline: own expectations only", "warning: no baseline for scenario json-body (json-body): its figures were not compared", "gate: PASS"}},
		{"baseline without a run", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			writeFile(t, b, "ghost.json", `{"schema": "oomlab.baseline/v2", "scenario": "ghost", "memory_limit_bytes": 1, "targets": [{"name": "a", "outcome": "survived"}]}`)
			return b
		}, nil, exitFailed, []string{"ghost.json has no run of scenario ghost", "1 worse beyond the 15% tolerance: ghost outcome"}},
		{"one file", func(t *testing.T, dir string) string { return filepath.Join(saved, "upload-proxy.json") }, nil, exitOK,
			[]string{"upload-proxy-r01  ← ", "no baseline for scenario json-body", "gate: PASS"}},
		{"a catalog as baseline", func(t *testing.T, dir string) string { return cat }, nil, exitOK, []string{"gate: PASS"}},
		{"tolerance", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			editBaseline(t, filepath.Join(b, "upload-proxy.json"), awarePeak(4))
			return b
		}, []string{"--tolerance", "400%"}, exitOK, []string{"gate: PASS"}},
		{"other memory limit", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			editBaseline(t, filepath.Join(b, "json-body.json"), func(m map[string]any) { m["memory_limit_bytes"] = 128 << 20 })
			return b
		}, nil, exitBadInput, []string{"json-body against ", "memory limit: baseline 128 MiB, run 256 MiB", "--allow-mismatch"}},
		{"other memory limit allowed", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			editBaseline(t, filepath.Join(b, "json-body.json"), func(m map[string]any) { m["memory_limit_bytes"] = 128 << 20 })
			return b
		}, []string{"--allow-mismatch"}, exitOK, []string{"warning: json-body: compared with a baseline made under other conditions"}},
		{"not a baseline", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			writeFile(t, b, "notes.json", `{"schema": "something/v1"}`)
			return b
		}, nil, exitBadInput, []string{"notes.json has schema \"something/v1\""}},
		{"two baselines of one scenario", func(t *testing.T, dir string) string {
			b := copyDir(t, saved, dir)
			data, _ := os.ReadFile(filepath.Join(b, "json-body.json"))
			writeFile(t, b, "json-body-old.json", string(data))
			return b
		}, nil, exitBadInput, []string{"are both baselines of scenario \"json-body\""}},
		{"empty folder", func(t *testing.T, dir string) string { return dir }, nil, exitBadInput, []string{"no baseline file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.setup(t, t.TempDir())
			step := filepath.Join(t.TempDir(), "step.md")
			args := append([]string{"gate", cat, "--baseline", base}, tt.args...)
			text, code := oomlabEnv(t, []string{"GITHUB_STEP_SUMMARY=" + step}, args...)
			if code != tt.want {
				t.Errorf("oomlab %s: exit %d; want %d\n%s", strings.Join(args, " "), code, tt.want, text)
			}
			for _, s := range tt.says {
				if !strings.Contains(text, s) {
					t.Errorf("oomlab %s does not say %q:\n%s", strings.Join(args, " "), s, text)
				}
			}
			if tt.want == exitBadInput {
				return
			}
			md := readText(t, step)
			if !strings.Contains(md, "## oomlab gate: ") || !strings.Contains(md, "| upload-proxy-r01/upload-aware | peak RSS |") {
				t.Errorf("step summary without the one table:\n%s", md)
			}
		})
	}
}

// copyDir copies the files of src into dst and returns dst.
func copyDir(t *testing.T, src, dst string) string {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dst, e.Name(), string(b))
	}
	return dst
}

// TestBaselineSaveCatalogRefuses: a catalog's baselines go to a folder,
// never over a file.
func TestBaselineSaveCatalogRefuses(t *testing.T) {
	cat := savedCatalog(t, "upload-proxy")
	file := writeFile(t, t.TempDir(), "baseline.json", "{}")
	text, code := oomlab(t, 30*time.Second, "baseline", "save", cat, file)
	if code != exitBadInput || !strings.Contains(text, "must be a folder") {
		t.Errorf("baseline save CATALOG FILE: exit %d; want %d saying it must be a folder\n%s", code, exitBadInput, text)
	}
	if b, _ := os.ReadFile(file); string(b) != "{}" {
		t.Errorf("baseline save overwrote %s: %s", file, b)
	}
}

// TestGateCatalogTruncatedRun: a run of the catalog whose results.json is
// cut short is refused (exit 2) naming it, for gate and baseline save
// alike; nothing is judged without it.
func TestGateCatalogTruncatedRun(t *testing.T) {
	cat := savedCatalog(t, "upload-proxy", "json-body")
	base := filepath.Join(t.TempDir(), "baselines")
	if text, code := oomlab(t, 30*time.Second, "baseline", "save", cat, base); code != exitOK {
		t.Fatalf("baseline save: exit %d\n%s", code, text)
	}
	p := filepath.Join(cat, "json-body", "results.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(p), "results.json", string(b[:len(b)/2]))
	for _, args := range [][]string{
		{"gate", cat, "--baseline", base},
		{"baseline", "save", cat, filepath.Join(t.TempDir(), "again")},
	} {
		text, code := oomlab(t, 30*time.Second, args...)
		if code != exitBadInput || !strings.Contains(text, p) {
			t.Errorf("oomlab %s: exit %d; want %d naming %s\n%s", strings.Join(args, " "), code, exitBadInput, p, text)
		}
	}
}
