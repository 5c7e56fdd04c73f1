package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

// mergeLeg copies the saved upload-proxy run to dir/name/upload-proxy,
// a leg of one run, with its own run_id, then edits its results.json.
func mergeLeg(t *testing.T, dir, name string, edit func(res map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, name, "upload-proxy")
	copyRun(t, p)
	editResults(t, p, func(res map[string]any) {
		res["run_id"] = fmt.Sprintf("%032x", len(name)*7919+int(name[len(name)-1]))
		if edit != nil {
			edit(res)
		}
	})
}

func hostileMerges() []hostileCase {
	merge := func(legs ...string) []string {
		return append(append([]string{"merge"}, legs...), "--out", "out")
	}
	// two is a merge of leg a and leg b, b edited.
	two := func(edit func(res map[string]any)) func(*testing.T, string) []string {
		return func(t *testing.T, dir string) []string {
			mergeLeg(t, dir, "a", nil)
			mergeLeg(t, dir, "b", edit)
			return merge("a", "b")
		}
	}
	cases := []hostileCase{
		{name: "merge: a symlinked leg", code: exitBadInput, want: []string{"merge: b is a symbolic link: a merge never follows one"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				mergeLeg(t, dir, "elsewhere", nil)
				if err := os.Symlink("elsewhere", filepath.Join(dir, "b")); err != nil {
					t.Fatal(err)
				}
				return merge("a", "b")
			}},
		{name: "merge: a symlinked run folder in a leg", code: exitBadInput, want: []string{"b/upload-proxy-2 is a symbolic link"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				mergeLeg(t, dir, "b", nil)
				if err := os.Symlink("/etc", filepath.Join(dir, "b", "upload-proxy-2")); err != nil {
					t.Fatal(err)
				}
				return merge("a", "b")
			}},
		{name: "merge: a symlink inside a run folder", code: exitBadInput, want: []string{"b/upload-proxy/passwd is a symbolic link"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				mergeLeg(t, dir, "b", nil)
				if err := os.Symlink("/etc/passwd", filepath.Join(dir, "b", "upload-proxy", "passwd")); err != nil {
					t.Fatal(err)
				}
				return merge("a", "b")
			}},
		{name: "merge: a symlinked results.json", code: exitBadInput, want: []string{"b/upload-proxy/results.json is a symbolic link"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				p := filepath.Join(dir, "b", "upload-proxy")
				os.MkdirAll(p, 0o755)
				if err := os.Symlink("../../a/upload-proxy/results.json", filepath.Join(p, results.ResultsFile)); err != nil {
					t.Fatal(err)
				}
				return merge("a", "b")
			}},
		{name: "merge: a FIFO in a run folder", code: exitBadInput, want: []string{"b/upload-proxy/fifo is not a regular file"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				mergeLeg(t, dir, "b", nil)
				mkfifo(t, filepath.Join(dir, "b", "upload-proxy", "fifo"))
				return merge("a", "b")
			}},
		{name: "merge: a leg with 10^5 targets", code: exitBadInput,
			want: []string{"b/upload-proxy/results.json", "lists 100000 targets; a report renders at most 256"},
			setup: two(func(res map[string]any) {
				ts := make([]any, 100_000)
				for i := range ts {
					ts[i] = map[string]any{"name": fmt.Sprintf("t%d", i), "outcome": "survived"}
				}
				res["targets"] = ts
			})},
		{name: "merge: a truncated results.json", code: exitBadInput,
			want: []string{"b/upload-proxy/results.json", "unexpected end of JSON input"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				mergeLeg(t, dir, "b", nil)
				p := filepath.Join(dir, "b", "upload-proxy", results.ResultsFile)
				b, _ := os.ReadFile(p)
				putFile(t, p, string(b[:len(b)/2]))
				return merge("a", "b")
			}},
		{name: "merge: a digest with garbage centroids", code: exitBadInput,
			want: []string{"b/upload-proxy/results.json", `target "upload-aware" stage 4`, "latency digest centroid 1 is [-5, 1e+308]"},
			setup: two(func(res map[string]any) {
				for _, tg := range res["targets"].([]any) {
					m := tg.(map[string]any)
					if m["name"] == "upload-aware" {
						st := m["stages"].([]any)
						st[3].(map[string]any)["latency_digest"] = []any{[]any{12.0, 3.0}, []any{-5.0, 1e308}}
					}
				}
			})},
		{name: "merge: a digest of 10^5 centroids", code: exitBadInput,
			want: []string{"b/upload-proxy/results.json", "latency digest has 100000 centroids; at most 10000 are read"},
			setup: two(func(res map[string]any) {
				d := make([]any, 100_000)
				for i := range d {
					d[i] = []any{float64(i), 1.0}
				}
				m := res["targets"].([]any)[0].(map[string]any)
				m["stages"].([]any)[0].(map[string]any)["latency_digest"] = d
			})},
		{name: "merge: the same run twice", code: exitBadInput,
			want:  []string{"the same run given twice", "a/upload-proxy and b/upload-proxy are one run"},
			setup: two(func(res map[string]any) { res["run_id"] = fmt.Sprintf("%032x", len("a")*7919+int('a')) })},
		{name: "merge: the same leg given twice", code: exitBadInput, want: []string{"the same run given twice: a/upload-proxy"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				return merge("a", "a")
			}},
		{name: "merge: mixed versions", code: exitBadInput,
			want:  []string{"legs of different oomlab versions", "a/upload-proxy was made by", "b/upload-proxy by v0.0.0-evil"},
			setup: two(func(res map[string]any) { res["harness"].(map[string]any)["version"] = "v0.0.0-evil" })},
		{name: "merge: a leg with no run", code: exitBadInput, want: []string{"merge: b holds no run folder"},
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", nil)
				os.MkdirAll(filepath.Join(dir, "b", "nothing"), 0o755)
				putFile(t, filepath.Join(dir, "b", "README"), "no run here")
				return merge("a", "b")
			}},
		{name: "merge: a scenario name that climbs out", code: exitOK, slow: "renders the merged report",
			setup: func(t *testing.T, dir string) []string {
				mergeLeg(t, dir, "a", func(res map[string]any) { res["scenario"] = "../../escaped" })
				return merge("a")
			},
			check: func(t *testing.T, dir, _ string) {
				if _, err := os.Stat(filepath.Join(dir, "out", "escaped", results.ResultsFile)); err != nil {
					t.Errorf("the run was not copied to out/escaped: %v", err)
				}
				if _, err := os.Stat(filepath.Join(dir, "..", "escaped")); err == nil {
					t.Errorf("the merge wrote outside out")
				}
			}},
	}
	// A refused merge leaves no run folder in --out.
	for i := range cases {
		if cases[i].code != exitBadInput {
			continue
		}
		more := cases[i].check
		cases[i].check = func(t *testing.T, dir, out string) {
			if runs := catalogRuns(filepath.Join(dir, "out")); len(runs) > 0 {
				t.Errorf("refused merge left run folders in out: %v", runs)
			}
			if more != nil {
				more(t, dir, out)
			}
		}
	}
	return cases
}
