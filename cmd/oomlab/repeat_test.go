package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRepeatDir(t *testing.T) {
	tests := []struct {
		k, repeats int
		want       string
	}{
		{1, 1, "s-r01"},
		{3, 5, "s-r03"},
		{10, 10, "s-r10"},
		{7, 100, "s-r007"},
		{1000, 1000, "s-r1000"},
	}
	for _, tt := range tests {
		if got := repeatDir("D", "s", tt.k, tt.repeats); got != filepath.Join("D", tt.want) {
			t.Errorf("repeatDir(D, s, %d, %d) = %s; want D/%s", tt.k, tt.repeats, got, tt.want)
		}
	}
}

// TestPlanRepeats: without a shard every run, each scenario's repeats in
// a row; with N shards each run in exactly one leg, repeats split over
// legs only when that shortens the longest leg.
func TestPlanRepeats(t *testing.T) {
	items := func(secs ...int) []shardItem {
		var its []shardItem
		for i, s := range secs {
			name := string(rune('a' + i))
			its = append(its, shardItem{Name: name, Arg: name + ".yaml", Expected: time.Duration(s) * time.Second})
		}
		return its
	}
	tests := []struct {
		name    string
		items   []shardItem
		repeats int
		n       int
		legs    [][]string // each leg's run folders, in run order
	}{
		{"no shard", items(10, 20), 2, 0, [][]string{{"a-r01", "a-r02", "b-r01", "b-r02"}}},
		{"one scenario split over three legs", items(10), 3, 3, [][]string{{"a-r01"}, {"a-r02"}, {"a-r03"}}},
		{"whole scenarios when as good", items(10, 10), 2, 2, [][]string{{"a-r01", "a-r02"}, {"b-r01", "b-r02"}}},
		{"split when shorter", items(30, 10), 2, 2, [][]string{{"a-r01", "b-r01"}, {"a-r02", "b-r02"}}},
		{"more legs than runs", items(10), 2, 3, [][]string{{"a-r01"}, {"a-r02"}, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			for i := range max(tt.n, 1) {
				spec := shardSpec{}
				if tt.n > 0 {
					spec = shardSpec{I: i + 1, N: tt.n}
				}
				runs, all, _ := planRepeats("D", tt.items, tt.repeats, spec)
				if all != len(tt.items)*tt.repeats {
					t.Errorf("leg %d: all = %d; want %d", i+1, all, len(tt.items)*tt.repeats)
				}
				var got []string
				for _, r := range runs {
					got = append(got, filepath.Base(r.dir))
					seen[filepath.Base(r.dir)]++
					if want := repeatDir("D", r.name, r.k, tt.repeats); r.dir != want || r.arg != r.name+".yaml" {
						t.Errorf("run %+v; want dir %s, arg %s.yaml", r, want, r.name)
					}
				}
				if !slices.Equal(got, tt.legs[i]) {
					t.Errorf("leg %d = %v; want %v", i+1, got, tt.legs[i])
				}
			}
			if want := len(tt.items) * tt.repeats; len(seen) != want {
				t.Errorf("runs planned: %v; want each of %d once", seen, want)
			}
			for name, n := range seen {
				if n != 1 {
					t.Errorf("%s planned %d times; want once", name, n)
				}
			}
		})
	}
}

// TestRepeatBadArgs: a count out of 1…1000, or a flag that cannot go with
// --repeat, is refused with exit 2 and a message naming the flag, before
// anything runs.
func TestRepeatBadArgs(t *testing.T) {
	dir := t.TempDir()
	held := filepath.Join(dir, "held")
	writeFile(t, mkdir(t, filepath.Join(held, "upload-proxy-r02")), "results.json", "{}")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"zero", []string{"--repeat", "0"}, "--repeat 0: want a number of runs from 1 to 1000"},
		{"negative", []string{"--repeat", "-3"}, "--repeat -3: want a number of runs from 1 to 1000"},
		{"over 1000", []string{"--repeat", "1001"}, "--repeat 1001: want a number of runs from 1 to 1000"},
		{"not a number", []string{"--repeat", "two"}, `invalid argument "two" for "--repeat"`},
		{"more runs than a merge takes", []string{"--repeat", "1000", "write-drain"}, "--repeat 1000 of 2 scenarios is 2000 runs, and one merge takes at most 1024"},
		{"with --ui", []string{"--repeat", "2", "--ui"}, "--ui shows one run"},
		{"a run's folder", []string{"--repeat", "2", "--out", filepath.Join(held, "upload-proxy-r02")}, "holds a run's results"},
		{"a repeat's folder taken", []string{"--repeat", "3", "--out", held}, "already holds runs (upload-proxy-r02)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "upload-proxy"}, tt.args...)
			if !strings.Contains(strings.Join(tt.args, " "), "--out") {
				args = append(args, "--out", filepath.Join(dir, tt.name))
			}
			text, code := oomlab(t, 30*time.Second, args...)
			if code != exitBadInput || !strings.Contains(text, tt.want) {
				t.Errorf("oomlab %s: exit %d; want %d and %q\n%s", strings.Join(args, " "), code, exitBadInput, tt.want, text)
			}
			if _, err := os.Stat(filepath.Join(dir, tt.name)); err == nil {
				t.Errorf("oomlab %s made its output folder; want nothing run", strings.Join(args, " "))
			}
		})
	}
}

// tinyRepeat is a scenario of about two seconds a run: an aware target
// that survives as expected, and, when failing, a second one expected to
// be killed (it never is), so every run fails its gate.
func tinyRepeat(t *testing.T, failing bool) string {
	t.Helper()
	wrong := ""
	if failing {
		wrong = "\n  - {name: wrong, builtin: upload-aware, expect: {outcome: oom-killed}}"
	}
	return writeFile(t, t.TempDir(), "tiny.yaml", `name: tiny
targets:
  - {name: aware, builtin: upload-aware, expect: {outcome: survived}}`+wrong+`
load:
  stages: [{rate: 5, duration: 2s}]
  request: {method: POST, path: /upload, body: {size: 16KiB}, timeout: 5s}
`)
}

// TestRepeat runs a two-second scenario twice: two run folders numbered
// r01 and r02 recording Repeat k of 2, the merged outputs beside them,
// the spread's pass count in spread.md and on the terminal, a JUnit file
// of both runs, and the gate over both as the exit status.
func TestRepeat(t *testing.T) {
	t.Parallel() // see parallelTests
	if testing.Short() {
		t.Skip("runs a real target four times for two seconds")
	}
	tests := []struct {
		name     string
		failing  bool
		code     int
		passes   []string // in spread.md
		runsPass string   // the terminal's "runs passed" line
	}{
		{"healthy", false, exitOK, []string{"2 of 2"}, "runs passed  tiny  2 of 2"},
		{"failing", true, exitFailed, []string{"2 of 2", "0 of 2"}, "runs passed  tiny  0 of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			junit := filepath.Join(t.TempDir(), "junit.xml")
			// As under GitHub Actions: the job summary gets the merged
			// summary once, not each run's as well.
			stepSummary := filepath.Join(t.TempDir(), "step-summary.md")
			gha := []string{"GITHUB_STEP_SUMMARY=" + stepSummary, "GITHUB_ACTIONS=true"}
			text, code := oomlabWith(t, gha, 2*time.Minute, "run", tinyRepeat(t, tt.failing), "--repeat", "2", "--parallel",
				"--quiet", "--out", out, "--junit", junit)
			if code != tt.code {
				t.Errorf("exit %d; want %d\n%s", code, tt.code, text)
			}
			for k, dir := range []string{"tiny-r01", "tiny-r02"} {
				res := readResults(t, filepath.Join(out, dir))
				if res.Repeat != k+1 || res.Repeats != 2 || res.Partial {
					t.Errorf("%s: repeat %d of %d, partial %v; want %d of 2, whole", dir, res.Repeat, res.Repeats, res.Partial, k+1)
				}
			}
			for _, f := range []string{"spread.md", "catalog.md", "summary.md", "report.html", "verdicts.json"} {
				if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s: missing or empty (%v)", f, err)
				}
			}
			if m, _ := filepath.Glob(filepath.Join(out, "*", "results.json")); len(m) != 2 {
				t.Errorf("run folders in %s: %v; want tiny-r01 and tiny-r02 only", out, m)
			}
			spread, _ := os.ReadFile(filepath.Join(out, "spread.md"))
			for _, p := range tt.passes {
				if !bytes.Contains(spread, []byte(p)) {
					t.Errorf("spread.md lacks %q:\n%s", p, spread)
				}
			}
			if !strings.Contains(text, tt.runsPass) || !strings.Contains(text, "== spread") {
				t.Errorf("terminal lacks %q or the spread table:\n%s", tt.runsPass, text)
			}
			x, err := os.ReadFile(junit)
			if got := bytes.Count(x, []byte("<testcase ")); err != nil || got < 2 || got%2 != 0 {
				t.Errorf("junit: %d test cases (%v); want each of both runs'", got, err)
			}
			got, err := os.ReadFile(stepSummary)
			merged, _ := os.ReadFile(filepath.Join(out, "summary.md"))
			if err != nil || len(merged) == 0 || !bytes.HasPrefix(got, merged) || bytes.Count(got, merged[:bytes.IndexByte(merged, '\n')+1]) != 1 {
				t.Errorf("GITHUB_STEP_SUMMARY (%v) is not the merged summary.md once:\n%s", err, got)
			}
			assertNothingLeft(t, pidOf(t))
		})
	}
}

// TestRepeatInterrupted interrupts the third of three runs: the command
// exits 130, the third run keeps its partial results, and the two that
// finished are merged into the spread.
func TestRepeatInterrupted(t *testing.T) {
	t.Parallel() // see parallelTests
	if testing.Short() {
		t.Skip("runs a real target for about 20 s")
	}
	sc := writeFile(t, t.TempDir(), "six.yaml", `name: six
targets:
  - {name: aware, builtin: upload-aware, expect: {outcome: survived}}
load:
  stages: [{rate: 5, duration: 6s}]
  request: {method: POST, path: /upload, body: {size: 16KiB}, timeout: 5s}
`)
	out := mkdir(t, filepath.Join(t.TempDir(), "out"))
	cmd, buf := startOomlab(t, "run", sc, "--repeat", "3", "--quiet", "--out", out)
	third := filepath.Join(out, "six-r03")
	if !await(90*time.Second, []string{out}, nil, func() bool { _, err := os.Stat(third); return err == nil }) {
		t.Fatalf("%s: not made within 90 s", third)
	}
	waitRows(t, filepath.Join(third, "samples.csv"), 3, 30*time.Second)
	interruptAndWait(t, cmd, 30*time.Second)
	// The interrupted run is set aside, out of the merge and of a
	// later `oomlab merge OUT` or `oomlab report OUT`.
	if res := readResults(t, filepath.Join(out, "unfinished", "six-r03")); !res.Partial || res.Repeat != 3 {
		t.Errorf("unfinished/six-r03: partial %v, repeat %d; want partial, 3", res.Partial, res.Repeat)
	}
	if m := catalogRuns(out); len(m) != 2 {
		t.Errorf("run folders in %s: %v; want six-r01 and six-r02 only", out, m)
	}
	spread, err := os.ReadFile(filepath.Join(out, "spread.md"))
	if err != nil || !bytes.Contains(spread, []byte("2 of 2")) {
		t.Errorf("spread.md (%v) lacks the two finished runs' \"2 of 2\":\n%s", err, spread)
	}
	if text := buf.String(); !strings.Contains(text, "2 of 3 runs finished") || !strings.Contains(text, "== spread") {
		t.Errorf("output lacks \"2 of 3 runs finished\" or the spread table:\n%s", text)
	}
	assertNothingLeft(t, cmd.Process.Pid)
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRepeatShards runs --repeat 4 of one scenario as two shard legs:
// each leg runs two of the four repeats (scenario × repeat items, since
// whole scenarios would leave a leg empty), records its shard and each
// run's k of 4, and merges its share in place; merging the two legs gives
// the four runs numbered r01…r04 and a spread of four.
func TestRepeatShards(t *testing.T) {
	t.Parallel() // see parallelTests
	if testing.Short() {
		t.Skip("runs a real target four times for two seconds")
	}
	sc := tinyRepeat(t, false)
	dir := t.TempDir()
	repeats := map[int]string{} // k → shard
	for _, leg := range []string{"1/2", "2/2"} {
		out := filepath.Join(dir, "leg"+leg[:1])
		text, code := oomlab(t, 2*time.Minute, "run", sc, "--repeat", "4", "--shard", leg, "--parallel", "--quiet", "--out", out)
		if code != exitOK || !strings.Contains(text, "shard "+leg+": 2 of 4 runs") {
			t.Fatalf("leg %s: exit %d; want 0 and \"shard %s: 2 of 4 runs\"\n%s", leg, code, leg, text)
		}
		runs := catalogRuns(out)
		if len(runs) != 2 {
			t.Fatalf("leg %s: run folders %v; want 2", leg, runs)
		}
		for _, r := range runs {
			res := readResults(t, r)
			if res.Shard != leg || res.Repeats != 4 || repeats[res.Repeat] != "" {
				t.Errorf("%s: shard %q, repeat %d of %d; want shard %s, a repeat of 4 not run before", r, res.Shard, res.Repeat, res.Repeats, leg)
			}
			repeats[res.Repeat] = leg
		}
	}
	if len(repeats) != 4 {
		t.Errorf("repeats run: %v; want 1 to 4 once each", repeats)
	}
	merged := filepath.Join(dir, "merged")
	text, code := oomlab(t, time.Minute, "merge", filepath.Join(dir, "leg1"), filepath.Join(dir, "leg2"), "--out", merged)
	if code != exitOK {
		t.Fatalf("merge: exit %d\n%s", code, text)
	}
	for _, name := range []string{"tiny-r01", "tiny-r02", "tiny-r03", "tiny-r04"} {
		readResults(t, filepath.Join(merged, name))
	}
	if spread, err := os.ReadFile(filepath.Join(merged, "spread.md")); err != nil || !bytes.Contains(spread, []byte("4 of 4")) {
		t.Errorf("merged spread.md (%v) lacks \"4 of 4\":\n%s", err, spread)
	}
	assertNothingLeft(t, pidOf(t))
}

// TestKeepRuntime: --all --runtime R drops the runs of built-ins with no
// target of runtime R; files, and --runtime all, keep every run.
func TestKeepRuntime(t *testing.T) {
	runs := []campaignRun{{name: "upload-proxy", k: 1}, {name: "upload-proxy", k: 2}}
	tests := []struct {
		name string
		f    runFlags
		want int
	}{
		{"all runtimes", runFlags{all: true, runtime: "all"}, 2},
		{"go", runFlags{all: true, runtime: "go"}, 2},
		{"other: no built-in has one", runFlags{all: true, runtime: "other"}, 0},
		{"files are filtered by target, not here", runFlags{runtime: "other"}, 2},
	}
	for _, tt := range tests {
		if got := keepRuntime(slices.Clone(runs), tt.f); len(got) != tt.want {
			t.Errorf("%s: keepRuntime kept %d runs; want %d", tt.name, len(got), tt.want)
		}
	}
}
