package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want shardSpec
		err  string // a part of the error; "" for none
	}{
		{in: "1/1", want: shardSpec{1, 1}},
		{in: "2/3", want: shardSpec{2, 3}},
		{in: " 3/3 ", want: shardSpec{3, 3}},
		{in: "1000/1000", want: shardSpec{1000, 1000}},
		{in: "07/10", want: shardSpec{7, 10}},
		{in: "", err: "want I/N"},
		{in: "3", err: "want I/N"},
		{in: "a/3", err: "whole numbers"},
		{in: "1/b", err: "whole numbers"},
		{in: "1.5/3", err: "whole numbers"},
		{in: "1/2/3", err: "whole numbers"},
		{in: "0/3", err: "I must be 1 to N (3)"},
		{in: "-1/3", err: "I must be 1 to N"},
		{in: "4/3", err: "I must be 1 to N (3)"},
		{in: "1/0", err: "N must be 1 to 1000"},
		{in: "1/1001", err: "N must be 1 to 1000"},
		{in: "1/99999999999999999999", err: "whole numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseShard(tt.in)
			switch {
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("parseShard(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("parseShard(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
			case tt.err != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in)):
				t.Errorf("parseShard(%q) error %q does not name the value", tt.in, err)
			}
			if err == nil && got.String() != strings.TrimLeft(strings.TrimSpace(tt.in), "0") {
				t.Errorf("parseShard(%q).String() = %q", tt.in, got.String())
			}
		})
	}
}

// items makes n items named i00, i01, ... with the given durations in
// seconds, cycled.
func items(n int, secs ...int) []shardItem {
	var its []shardItem
	for i := range n {
		its = append(its, shardItem{Name: fmt.Sprintf("i%02d", i), Arg: fmt.Sprintf("i%02d.yaml", i),
			Expected: time.Duration(secs[i%len(secs)]) * time.Second})
	}
	return its
}

// TestPlanShards: over N = 1..12, for the catalog in both schedules and
// for synthetic lists, every item is in exactly one leg, the plan does not
// depend on the items' order, and the longest leg is within the longest
// item of the mean.
func TestPlanShards(t *testing.T) {
	sets := []struct {
		name  string
		items []shardItem
	}{
		{"catalog sequential", builtinItems(false)},
		{"catalog parallel", builtinItems(true)},
		{"equal", items(7, 10)},
		{"skewed", items(9, 300, 5, 40, 41, 7)},
		{"one", items(1, 60)},
		{"many", items(40, 13, 61, 29, 47, 5, 88)},
		{"none", nil},
	}
	for _, set := range sets {
		for n := 1; n <= 12; n++ {
			t.Run(fmt.Sprintf("%s/N=%d", set.name, n), func(t *testing.T) {
				legs := planShards(set.items, n)
				if len(legs) != n {
					t.Fatalf("%d legs; want %d", len(legs), n)
				}
				seen := map[string]int{}
				var total, longest, max time.Duration
				for _, it := range set.items {
					total += it.Expected
					longest = maxOf(longest, it.Expected)
				}
				for _, leg := range legs {
					for _, it := range leg {
						seen[it.Name]++
					}
					max = maxOf(max, legTotal(leg))
				}
				for _, it := range set.items {
					if seen[it.Name] != 1 {
						t.Errorf("%s is in %d legs; want 1", it.Name, seen[it.Name])
					}
				}
				if len(seen) != len(set.items) {
					t.Errorf("%d names planned; want %d", len(seen), len(set.items))
				}
				if mean := total / time.Duration(n); max > mean+longest {
					t.Errorf("longest leg %s; want ≤ mean %s + longest item %s", max, mean, longest)
				}
				r := rand.New(rand.NewPCG(uint64(n), 21))
				for range 5 {
					shuffled := slices.Clone(set.items)
					r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
					if again := planShards(shuffled, n); !slices.EqualFunc(again, legs, slices.Equal) {
						t.Fatalf("plan of shuffled items = %v; want %v", again, legs)
					}
				}
			})
		}
	}
}

func maxOf(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// TestPlanShardsGreedy pins the rule: longest first, ties by name, each to
// the least-loaded leg, ties to the lowest.
func TestPlanShardsGreedy(t *testing.T) {
	its := []shardItem{
		{Name: "c", Expected: 5 * time.Second}, {Name: "a", Expected: 7 * time.Second},
		{Name: "b", Expected: 6 * time.Second}, {Name: "d", Expected: 6 * time.Second},
		{Name: "e", Expected: 2 * time.Second},
	}
	var got []string
	for _, leg := range planShards(its, 2) {
		got = append(got, strings.Join(itemNames(leg), ","))
	}
	// a(7)→1; b(6)→2; d(6)→2 (6<7); c(5)→1 (7<12); e(2)→1 (12=12: lowest).
	if want := []string{"a,c,e", "b,d"}; !slices.Equal(got, want) {
		t.Errorf("planShards = %v; want %v", got, want)
	}
	if legs := planShards(its, 0); legs != nil {
		t.Errorf("planShards(n=0) = %v; want nil", legs)
	}
}

// TestListJSON checks the shapes list --json and list --shards N --json
// print, as a CI config reads them.
func TestListJSON(t *testing.T) {
	text, code := oomlab(t, 30*time.Second, "list", "--json")
	var doc struct {
		Schedule  string      `json:"schedule"`
		Scenarios []listEntry `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(text), &doc); code != 0 || err != nil {
		t.Fatalf("list --json: exit %d, %v\n%s", code, err, text)
	}
	if doc.Schedule != "sequential" || len(doc.Scenarios) == 0 {
		t.Errorf("list --json = schedule %q, %d scenarios; want sequential, the catalog", doc.Schedule, len(doc.Scenarios))
	}
	for _, s := range doc.Scenarios {
		if s.Name == "" || s.Targets == 0 || s.ExpectedSeconds < s.LoadSeconds*float64(s.Targets) || len(s.Runtimes) == 0 {
			t.Errorf("list --json entry %+v; want a name, targets, runtimes, expected ≥ load × targets", s)
		}
	}

	text, code = oomlab(t, 30*time.Second, "list", "--shards", "12", "--json", "--parallel")
	var raw map[string]any
	if err := json.Unmarshal([]byte(text), &raw); code != 0 || err != nil {
		t.Fatalf("list --shards 12 --json: exit %d, %v\n%s", code, err, text)
	}
	shards, ok := raw["shards"].([]any)
	if !ok || len(shards) != 12 || raw["schedule"] != "parallel" {
		t.Fatalf("list --shards 12 --json = %s; want 12 shards, schedule parallel", text)
	}
	seen := map[string]bool{}
	for i, s := range shards {
		e := s.(map[string]any)
		for _, key := range []string{"shard", "index", "of", "scenarios", "args", "expected_seconds"} {
			if _, ok := e[key]; !ok {
				t.Errorf("shards[%d] has no %q: %v", i, key, e)
			}
		}
		if e["shard"] != fmt.Sprintf("%d/12", i+1) || e["index"] != float64(i+1) || e["of"] != float64(12) {
			t.Errorf("shards[%d] = %v; want shard %d/12, index %d, of 12", i, e, i+1, i+1)
		}
		names, _ := e["scenarios"].([]any) // [] (never null) for an empty leg
		if names == nil {
			t.Errorf("shards[%d].scenarios = %v; want a list", i, e["scenarios"])
		}
		for _, n := range names {
			if seen[n.(string)] {
				t.Errorf("%v planned twice", n)
			}
			seen[n.(string)] = true
		}
	}
	if len(seen) != len(doc.Scenarios) {
		t.Errorf("%d scenarios planned; want %d", len(seen), len(doc.Scenarios))
	}
}

// TestShardUsage: a bad --shard or --shards is a usage error (exit 2)
// naming the flag, before anything runs.
func TestShardUsage(t *testing.T) {
	out := t.TempDir()
	tests := [][]string{
		{"run", "--all", "--shard", "0/3", "--out", out},
		{"run", "--all", "--shard", "4/3", "--out", out},
		{"run", "--all", "--shard", "1/1001", "--out", out},
		{"run", "--all", "--shard", "x", "--out", out},
		{"run", "upload-proxy", "--shard", "2", "--out", out},
		{"list", "--shards", "0"},
		{"list", "--shards", "1001", "--json"},
		{"list", "upload-proxy"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			text, code := oomlab(t, 30*time.Second, args...)
			if code != exitBadInput || !strings.Contains(text, "shard") || !strings.Contains(text, "--help") {
				t.Errorf("exit %d; want %d with a hint naming the shard\n%s", code, exitBadInput, text)
			}
		})
	}
	// Two files of one scenario name would share a folder.
	dir := t.TempDir()
	a, b := tinyScenario(t, dir, "same", time.Second), filepath.Join(dir, "copy.yaml")
	if err := os.WriteFile(b, []byte(strings.ReplaceAll(readFile(t, a), "1s", "2s")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"run", a, b, "--out", out}, {"list", "--shards", "2", a, b}} {
		text, code := oomlab(t, 30*time.Second, args...)
		if code != exitBadInput || !strings.Contains(text, `both name scenario "same"`) {
			t.Errorf("%v: exit %d; want %d naming the scenario both files hold\n%s", args, code, exitBadInput, text)
		}
	}
	if ents, _ := os.ReadDir(out); len(ents) > 0 {
		t.Errorf("a refused run wrote %d entries in --out", len(ents))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tinyScenario writes a scenario of one aware upload proxy under a short
// load, expected to survive.
func tinyScenario(t *testing.T, dir, name string, load time.Duration) string {
	return writeFile(t, dir, name+".yaml", fmt.Sprintf(`name: %s
targets:
  - {name: aware, builtin: upload-aware, expect: {outcome: survived}}
memory_limit: 128MiB
load:
  stages: [{rate: 5, duration: %s}]
  request: {method: POST, path: /upload, body: {size: 16KiB}, timeout: 5s}
downstream:
  phases: [{at: 0s, latency: 10ms}]
`, name, load))
}

// TestShardFilesEndToEnd runs three scenario files as two shards: together
// the legs run each scenario once, each leg's results record its shard and
// it writes catalog.md of its share; a fourth leg of four has nothing to
// run and passes, saying so.
func TestShardFilesEndToEnd(t *testing.T) {
	t.Parallel() // see parallelTests
	if testing.Short() {
		t.Skip("end-to-end runs of about 15 s")
	}
	dir := t.TempDir()
	files := []string{tinyScenario(t, dir, "sa", 3*time.Second), tinyScenario(t, dir, "sb", 2*time.Second),
		tinyScenario(t, dir, "sc", time.Second)}
	// sa (7 s) → leg 1; sb (6 s) → leg 2; sc (5 s) → leg 2.
	want := map[string][]string{"1/2": {"sa"}, "2/2": {"sb", "sc"}}
	ran := map[string]int{}
	for _, shard := range []string{"1/2", "2/2"} {
		out := filepath.Join(t.TempDir(), "leg")
		junit := filepath.Join(t.TempDir(), "junit.xml")
		args := append([]string{"run"}, files...)
		text, code := oomlab(t, 2*time.Minute, append(args, "--shard", shard, "--out", out, "--quiet", "--junit", junit)...)
		if code != 0 {
			t.Fatalf("shard %s: exit %d\n%s", shard, code, text)
		}
		ents, err := os.ReadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			got = append(got, e.Name())
			ran[e.Name()]++
			if res := readResults(t, filepath.Join(out, e.Name())); res.Shard != shard || res.Scenario != e.Name() {
				t.Errorf("%s/%s: results shard %q, scenario %q; want %q, %q", out, e.Name(), res.Shard, res.Scenario, shard, e.Name())
			}
		}
		if !slices.Equal(got, want[shard]) {
			t.Errorf("shard %s ran %v; want %v\n%s", shard, got, want[shard], text)
		}
		catalog, err := os.ReadFile(filepath.Join(out, report.CatalogFile))
		if err != nil {
			t.Fatal(err)
		}
		xml := readFile(t, junit)
		for _, name := range want[shard] {
			if !strings.Contains(string(catalog), "| "+name+" |") {
				t.Errorf("shard %s: catalog.md has no row of %s\n%s", shard, name, catalog)
			}
			if !strings.Contains(xml, `<testsuite name="`+name+`"`) {
				t.Errorf("shard %s: --junit has no suite of %s\n%s", shard, name, xml)
			}
		}
		assertNothingLeft(t, pidOf(t))
	}
	for _, name := range []string{"sa", "sb", "sc"} {
		if ran[name] != 1 {
			t.Errorf("%s ran %d times over the legs; want once", name, ran[name])
		}
	}

	out := filepath.Join(t.TempDir(), "empty")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	text, code := oomlab(t, time.Minute, append(append([]string{"run"}, files...), "--shard", "4/4", "--out", out, "--junit", junit)...)
	if code != 0 || !strings.Contains(text, "nothing to run") {
		t.Errorf("shard 4/4 of 3: exit %d; want 0 and 'nothing to run'\n%s", code, text)
	}
	if xml := readFile(t, junit); !strings.Contains(xml, "<skipped") || !strings.Contains(xml, "shard 4/4: nothing to run") || strings.Contains(xml, "<failure") {
		t.Errorf("shard 4/4 --junit; want one skipped case saying nothing to run\n%s", xml)
	}
	if b, err := os.ReadFile(filepath.Join(out, report.CatalogFile)); err != nil || !strings.Contains(string(b), "shard 4/4: nothing to run") {
		t.Errorf("shard 4/4 catalog.md = %q, %v; want the note", b, err)
	}
}
