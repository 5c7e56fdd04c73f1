package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// mergeTestdata holds recorded legs: single/ is four scenarios of one
// catalog run made in one process (run --all, copied from a measured
// run), leg-1/ … leg-3/ the same runs as three shards would have left
// them (shard I/3, each its own run_id).
const mergeTestdata = "testdata/merge"

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// editResults rewrites dir's results.json through edit, on its JSON.
func editResults(t *testing.T, dir string, edit func(res map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, results.ResultsFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	edit(res)
	if b, err = json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	putFile(t, p, string(b))
}

// repeatRun writes repeat k of K of the recorded bounded-concurrency run
// to dir: its own run_id and start, its aware Go target's peak RSS and
// its last stage's latencies shifted by k, so that repeats differ.
func repeatRun(t *testing.T, dir string, k, n int) {
	t.Helper()
	copyTree(t, filepath.Join(mergeTestdata, "single", "bounded-concurrency"), dir)
	editResults(t, dir, func(res map[string]any) {
		res["run_id"] = fmt.Sprintf("%032x", 0xabc000+k)
		res["repeat"], res["repeats"] = k, n
		start, _ := time.Parse(time.RFC3339Nano, res["started_at"].(string))
		res["started_at"] = start.Add(time.Duration(k) * time.Hour).Format(time.RFC3339Nano)
		for _, tg := range res["targets"].([]any) {
			m := tg.(map[string]any)
			if m["name"] == "bounded-concurrency-aware" {
				m["rss_peak_bytes"] = float64((40 + 3*k) << 20)
			}
			stages := m["stages"].([]any)
			last := stages[len(stages)-1].(map[string]any)
			if d, ok := last["latency_digest"].([]any); ok {
				for _, c := range d {
					c.([]any)[0] = c.([]any)[0].(float64) * (1 + float64(k)/10)
				}
			}
		}
	})
}

// mergeIn runs mergeRuns in this process and returns its output and
// error.
func mergeIn(t *testing.T, inputs []string, out string, o mergeOptions) (string, error) {
	t.Helper()
	cmd := newMergeCmd()
	var b bytes.Buffer
	cmd.SetOut(&b)
	cmd.SetErr(&b)
	err := mergeRuns(cmd, inputs, out, o)
	return b.String(), err
}

// mergeBin runs the oomlab binary's merge (not built with -race: a
// merge renders every figure, many times slower under the race
// detector) and returns its output and exit code.
func mergeBin(t *testing.T, inputs []string, out string, flags ...string) (string, int) {
	t.Helper()
	return oomlab(t, 2*time.Minute, append(append(append([]string{"merge"}, inputs...), "--out", out), flags...)...)
}

// exitOf is the exit code err gives (0 for nil).
func exitOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return -1
	}
	return 0
}

// catalogTable is catalog.md's table of targets, without the gate's line
// and anything after.
func catalogTable(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" {
			break
		}
		rows = append(rows, l)
	}
	return strings.Join(rows, "\n")
}

// TestMergeShardsEqualsOneProcess: the catalog run as three shards and
// merged gives the same outcomes and classes, target by target, as the
// same catalog run in one process; the same exit code; and the same
// JUnit.
func TestMergeShardsEqualsOneProcess(t *testing.T) {
	t.Parallel() // see parallelTests
	dir := t.TempDir()
	copyTree(t, mergeTestdata, dir)
	single := filepath.Join(dir, "single")
	outSingle, codeSingle := oomlab(t, time.Minute, "report", single)
	merged := filepath.Join(dir, "merged")
	junit := filepath.Join(dir, "merged.xml")
	outMerged, codeMerged := oomlab(t, time.Minute, "merge", filepath.Join(dir, "leg-1"), filepath.Join(dir, "leg-2"),
		filepath.Join(dir, "leg-3"), "--out", merged, "--junit", junit)
	if codeMerged != codeSingle || codeSingle != exitFailed {
		t.Errorf("exit: merged %d, one process %d; want both %d (node-slow-logger-naive fails its expectations)\n%s\n%s",
			codeMerged, codeSingle, exitFailed, clip(outMerged), clip(outSingle))
	}
	got, want := catalogTable(t, filepath.Join(merged, report.CatalogFile)), catalogTable(t, filepath.Join(single, report.CatalogFile))
	if got != want {
		t.Errorf("merged catalog table differs from one process's:\n%s\nwant\n%s", got, want)
	}
	if n := strings.Count(got, "\n") - 1; n != 16 {
		t.Errorf("catalog table has %d target rows; want 16 (4 scenarios × 4 targets)", n)
	}
	runs := loadCatalog(t, single)
	verdicts := judge.Runs(runs)
	var all []judge.Verdict
	for _, vs := range verdicts {
		all = append(all, vs...)
	}
	var wantJUnit bytes.Buffer
	if err := report.WriteJUnit(&wantJUnit, runs, verdicts, judge.GateOf(all)); err != nil {
		t.Fatal(err)
	}
	gotJUnit, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotJUnit, wantJUnit.Bytes()) {
		t.Errorf("merged JUnit differs from one process's:\n%s\nwant\n%s", clip(string(gotJUnit)), clip(wantJUnit.String()))
	}
	legs, err := os.ReadFile(filepath.Join(merged, report.LegsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"leg-1 |", "leg-3 |", "| 1/3 |", "| 2/3 |", "| 3/3 |", "| parallel |", "cgroup-v1"} {
		if !bytes.Contains(legs, []byte(w)) {
			t.Errorf("legs.md lacks %q:\n%s", w, legs)
		}
	}
	if _, err := os.Stat(filepath.Join(merged, report.SpreadFile)); err == nil {
		t.Errorf("spread.md written for scenarios run once each")
	}
	// The merged folder is a catalog folder: report renders it again, to
	// the same exit.
	if out, code := oomlab(t, time.Minute, "report", merged); code != codeSingle {
		t.Errorf("oomlab report MERGED: exit %d; want %d\n%s", code, codeSingle, clip(out))
	}
}

// loadCatalog loads the runs of a catalog folder in name order.
func loadCatalog(t *testing.T, dir string) []*saved.Run {
	t.Helper()
	var runs []*saved.Run
	for _, d := range catalogRuns(dir) {
		r, err := saved.Load(d)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	return runs
}

// TestMergeRepeatFoldersEqualsOne: two folders of repeats made apart
// (each merged in place, as run --repeat leaves it) merged together
// equal one folder of all those repeats: the same runs, numbered r01 …
// r05 by start, the same spread rows and the same spread.md.
func TestMergeRepeatFoldersEqualsOne(t *testing.T) {
	t.Parallel() // see parallelTests
	dir := t.TempDir()
	a, b, one := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "one")
	for k := 1; k <= 5; k++ {
		leg := a
		if k > 3 {
			leg = b
		}
		repeatRun(t, filepath.Join(leg, fmt.Sprintf("bounded-concurrency-r%02d", k)), k, 5)
		repeatRun(t, filepath.Join(one, fmt.Sprintf("bounded-concurrency-r%02d", k)), k, 5)
	}
	// b's runs carry the names of a's: a merge renumbers them.
	os.Rename(filepath.Join(b, "bounded-concurrency-r04"), filepath.Join(b, "bounded-concurrency-r01"))
	os.Rename(filepath.Join(b, "bounded-concurrency-r05"), filepath.Join(b, "bounded-concurrency-r02"))
	for _, d := range []string{a, b, one} {
		if out, code := mergeBin(t, []string{d}, d); code != exitOK {
			t.Fatalf("merge %s in place: exit %d\n%s", d, code, out)
		}
	}
	merged := filepath.Join(dir, "merged")
	if out, code := mergeBin(t, []string{b, a}, merged); code != exitOK {
		t.Fatalf("merge a b: exit %d\n%s", code, out)
	}
	for k := 1; k <= 5; k++ {
		res := readResults(t, filepath.Join(merged, fmt.Sprintf("bounded-concurrency-r%02d", k)))
		if res.Repeat != k {
			t.Errorf("merged r%02d holds repeat %d; want %d (numbered by start)", k, res.Repeat, k)
		}
	}
	spread := func(d string) ([]judge.SpreadRow, string) {
		runs := loadCatalog(t, d)
		b, err := os.ReadFile(filepath.Join(d, report.SpreadFile))
		if err != nil {
			t.Fatal(err)
		}
		return judge.Spread(runs, judge.Runs(runs)), string(b)
	}
	gotRows, gotMD := spread(merged)
	wantRows, wantMD := spread(one)
	if len(gotRows) == 0 || gotRows[0].Runs != 5 {
		t.Fatalf("merged spread: %d rows, first %+v; want rows of 5 runs", len(gotRows), gotRows)
	}
	if !reflect.DeepEqual(gotRows, wantRows) {
		t.Errorf("spread rows of a+b differ from one folder's:\n%+v\nwant\n%+v", gotRows, wantRows)
	}
	if gotMD != wantMD {
		t.Errorf("spread.md of a+b differs from one folder's:\n%s\nwant\n%s", gotMD, wantMD)
	}
	peak := wantRows[judgeRow(t, wantRows, "bounded-concurrency-aware", judge.SpreadPeakRSS)]
	if peak.Min != 43 || peak.Max != 55 {
		t.Errorf("aware peak RSS spread %v…%v; want 43…55 MiB (40 + 3k)", peak.Min, peak.Max)
	}
	p95 := wantRows[judgeRow(t, wantRows, "bounded-concurrency-aware", judge.SpreadP95)]
	if p95.MergedP95Ms == nil {
		t.Errorf("no merged p95: the recorded runs hold digests")
	}
}

func judgeRow(t *testing.T, rows []judge.SpreadRow, target, figure string) int {
	t.Helper()
	for i, r := range rows {
		if r.Target == target && r.Figure == figure {
			return i
		}
	}
	t.Fatalf("no row %s %s", target, figure)
	return 0
}

// TestMergeInPlaceKeepsRuns: merging a folder into itself copies
// nothing and moves nothing when the names hold, and may be repeated.
func TestMergeInPlaceKeepsRuns(t *testing.T) {
	t.Parallel() // see parallelTests
	d := t.TempDir()
	for k := 1; k <= 3; k++ {
		repeatRun(t, filepath.Join(d, fmt.Sprintf("bounded-concurrency-r%02d", k)), k, 3)
	}
	before, err := os.Stat(filepath.Join(d, "bounded-concurrency-r02", results.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		out, code := mergeBin(t, []string{d}, d)
		if code != exitOK {
			t.Fatalf("merge %d in place: exit %d\n%s", i+1, code, out)
		}
		if !strings.Contains(out, "== spread") || !strings.Contains(out, "3 of 3") {
			t.Errorf("merge in place printed no spread of 3 runs:\n%s", out)
		}
	}
	after, err := os.Stat(filepath.Join(d, "bounded-concurrency-r02", results.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("samples.csv was copied or replaced; a run already in place stays")
	}
	if runs := catalogRuns(d); len(runs) != 3 {
		t.Errorf("after merging in place: %d run folders; want 3", len(runs))
	}
}

// TestMergeRefuses: input a merge must refuse, exit 2, with a message
// naming the folders.
func TestMergeRefuses(t *testing.T) {
	t.Parallel() // see parallelTests
	leg := func(t *testing.T, dir, name string, edit func(map[string]any)) string {
		p := filepath.Join(dir, name, "bounded-concurrency")
		copyTree(t, filepath.Join(mergeTestdata, "single", "bounded-concurrency"), p)
		if edit != nil {
			editResults(t, p, edit)
		}
		return filepath.Join(dir, name)
	}
	newID := func(res map[string]any) { res["run_id"] = "0123456789abcdef0123456789abcdef" }
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) ([]string, mergeOptions)
		code  int
		want  []string
	}{
		{"a copied folder: the same run twice", func(t *testing.T, dir string) ([]string, mergeOptions) {
			return []string{leg(t, dir, "a", nil), leg(t, dir, "b", nil)}, mergeOptions{}
		}, exitBadInput, []string{"the same run given twice", "a/bounded-concurrency", "b/bounded-concurrency", "run_id 013a9b20"}},
		{"an old run copied: the same results.json", func(t *testing.T, dir string) ([]string, mergeOptions) {
			old := func(res map[string]any) { delete(res, "run_id") }
			return []string{leg(t, dir, "a", old), leg(t, dir, "b", old)}, mergeOptions{}
		}, exitBadInput, []string{"the same run given twice", "a/bounded-concurrency", "b/bounded-concurrency", "sha256:"}},
		{"legs of different versions", func(t *testing.T, dir string) ([]string, mergeOptions) {
			return []string{leg(t, dir, "a", nil), leg(t, dir, "b", func(res map[string]any) {
				newID(res)
				res["harness"].(map[string]any)["version"] = "v9.9.9"
			})}, mergeOptions{}
		}, exitBadInput, []string{"different oomlab versions", "a/bounded-concurrency", "b/bounded-concurrency", "v9.9.9", "dev"}},
		{"another memory limit", func(t *testing.T, dir string) ([]string, mergeOptions) {
			return []string{leg(t, dir, "a", nil), leg(t, dir, "b", func(res map[string]any) {
				newID(res)
				res["memory_limit_bytes"] = float64(128 << 20)
			})}, mergeOptions{}
		}, exitBadInput, []string{"made under other conditions", "memory limit: ", "256 MiB in", "128 MiB in", "a/bounded-concurrency", "b/bounded-concurrency", "--allow-mismatch"}},
		{"another memory limit, allowed", func(t *testing.T, dir string) ([]string, mergeOptions) {
			return []string{leg(t, dir, "a", nil), leg(t, dir, "b", func(res map[string]any) {
				newID(res)
				res["memory_limit_bytes"] = float64(128 << 20)
			})}, mergeOptions{allowMismatch: true}
		}, exitOK, []string{"> **warning:** merged runs of bounded-concurrency made under other conditions"}},
		{"no run folder", func(t *testing.T, dir string) ([]string, mergeOptions) {
			os.MkdirAll(filepath.Join(dir, "empty", "sub"), 0o755)
			return []string{leg(t, dir, "a", nil), filepath.Join(dir, "empty")}, mergeOptions{}
		}, exitBadInput, []string{"empty holds no run folder"}},
		{"--out holds a run not given", func(t *testing.T, dir string) ([]string, mergeOptions) {
			leg(t, dir, "out", newID)
			return []string{leg(t, dir, "a", nil)}, mergeOptions{}
		}, exitBadInput, []string{"already holds the run folder", "out/bounded-concurrency"}},
		{"more to copy than the bound", func(t *testing.T, dir string) ([]string, mergeOptions) {
			return []string{leg(t, dir, "a", nil)}, mergeOptions{maxBytes: 1 << 10}
		}, exitBadInput, []string{"more than", "to copy", "a/bounded-concurrency"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			inputs, o := tc.setup(t, dir)
			out := filepath.Join(dir, "out")
			var text string
			var code int
			if tc.code == exitBadInput {
				// Refused before anything is rendered: in this process.
				got, err := mergeIn(t, inputs, out, o)
				text, code = got, exitOf(err)
				if err != nil {
					text += err.Error()
				}
			} else {
				var flags []string
				if o.allowMismatch {
					flags = append(flags, "--allow-mismatch")
				}
				text, code = mergeBin(t, inputs, out, flags...)
			}
			if code != tc.code {
				t.Fatalf("merge: exit %d; want %d\n%s", code, tc.code, clip(text))
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("merge output lacks %q:\n%s", w, clip(text))
				}
			}
			if tc.code == exitOK {
				for _, f := range []string{report.MarkdownFile, report.VerdictsFile, report.HTMLFile, report.CatalogFile} {
					if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || !bytes.Contains(b, []byte("made under other conditions")) {
						t.Errorf("%s does not warn of the runs made under other conditions (%v)", f, err)
					}
				}
			}
			if tc.code == exitBadInput {
				if runs := catalogRuns(out); len(runs) > 0 && tc.name != "--out holds a run not given" {
					t.Errorf("refused merge left run folders in --out: %v", runs)
				}
			}
		})
	}
}
