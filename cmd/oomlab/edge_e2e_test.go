package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/edge"
	"github.com/oomlab/oomlab/runner/results"
)

// TestEdgeFindsTheDownstreamsCapacity runs `oomlab edge` on a small
// upload proxy with short probes: the search doubles from 4/s, finds a
// rate that fails, bisects once (four probes in all: 4, 8, 16, then about
// 12), and the edge it reports lies near the downstream's capacity by
// Little's law (about 11/s).
func TestEdgeFindsTheDownstreamsCapacity(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end edge search of about 25 s")
	}
	out := t.TempDir()
	text, code := oomlab(t, 2*time.Minute, "edge", "testdata/edge-small.yaml", "--target", "upload-naive", "--out", out,
		"--probe", "6s", "--max-probes", "4", "--resolution", "0.3")
	t.Log(text)
	if code != 0 {
		t.Fatalf("exit code = %d; want 0", code)
	}
	b, err := os.ReadFile(filepath.Join(out, results.EdgeFile))
	if err != nil {
		t.Fatal(err)
	}
	var run results.EdgeRun
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatalf("%s: %v", results.EdgeFile, err)
	}
	if run.Schema != results.EdgeSchema || len(run.Targets) != 1 {
		t.Fatalf("edge.json: schema %q, %d targets; want %q, 1", run.Schema, len(run.Targets), results.EdgeSchema)
	}
	if run.LittleRatePerSecond < 10 || run.LittleRatePerSecond > 12 {
		t.Errorf("little_rate_per_second = %v; want 4 ÷ (0.3 s + 262144 B ÷ 4 MB/s) ≈ 10.9", run.LittleRatePerSecond)
	}
	if want, _ := edge.DefaultMaxRate(4, 256<<10); run.MaxRatePerSecond != want || !strings.HasPrefix(run.MaxRateSource, "default: ") {
		t.Errorf("max_rate_per_second = %v (%q); want the default ceiling %v", run.MaxRatePerSecond, run.MaxRateSource, want)
	}
	e := run.Targets[0]
	if e.Bound != results.BoundEdge && e.Bound != results.BoundLower {
		t.Errorf("bound = %q; want %q or %q", e.Bound, results.BoundEdge, results.BoundLower)
	}
	var rates []float64
	held, failed := false, false
	for _, p := range e.Probes {
		rates = append(rates, p.RatePerSecond)
		held, failed = held || p.Holds, failed || !p.Holds && !p.Inconclusive
		if _, err := os.Stat(filepath.Join(out, p.Dir, results.ResultsFile)); err != nil {
			t.Errorf("probe at %v/s: its run folder: %v", p.RatePerSecond, err)
		}
	}
	if len(rates) < 3 || len(rates) > 4 || rates[0] != 4 || !slices.Contains(rates, 8) {
		t.Errorf("rates probed = %v; want 3 or 4 probes starting 4, 8", rates)
	}
	if !held || !failed {
		t.Errorf("probes %v: want at least one held and one failed", rates)
	}
	if e.RatePerSecond < 2.5 || e.RatePerSecond > 16 {
		t.Errorf("edge = %v/s; want near the downstream's 10.9/s (2.5 to 16)", e.RatePerSecond)
	}
	for _, f := range []string{"edge.png", "edge.svg"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", f, err)
		}
	}
	if !strings.Contains(text, "downstream capacity by Little's law") || !strings.Contains(text, "confidence:") {
		t.Errorf("output lacks the Little's-law line or the confidence statement")
	}
	assertNothingLeft(t, pidOf(t))
}

// checkEvidence checks the evidence of a short-upload run: the naive
// proxy's heap profile names the io.ReadAll that buffers each body, the
// aware one has its end-of-load evidence, and the files are there.
func checkEvidence(t *testing.T, out, text string, naive, aware results.Target) {
	t.Helper()
	var site *results.HeapSite
	for _, ev := range naive.Evidence {
		if ev.Heap != nil && len(ev.Heap.Sites) > 0 {
			site = &ev.Heap.Sites[0]
		}
		// The bound on the stall: the forced collection's
		// stop-the-world pauses, read from the target's GC trace.
		if ev.Heap != nil && (ev.Cost.StallMs == nil || *ev.Cost.StallMs > 200 || ev.Cost.Collections < 1) {
			t.Errorf("upload-naive evidence at %.0f %%: cost %+v; want a measured stall of at most 200 ms", ev.Share*100, ev.Cost)
		}
		for _, f := range ev.Files {
			if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
				t.Errorf("evidence file %s: missing or empty (%v)", f, err)
			}
		}
	}
	if site == nil || site.Function != "io.ReadAll" || site.File != "upload_naive.go" {
		t.Errorf("upload-naive top heap site = %+v (evidence %+v); want io.ReadAll in upload_naive.go", site, naive.Evidence)
	}
	if !strings.Contains(text, "io.ReadAll in upload_naive.go:") {
		t.Errorf("the verdict does not name io.ReadAll in upload_naive.go")
	}
	if n := len(aware.Evidence); n != 1 || !aware.Evidence[0].EndOfLoad || aware.Evidence[0].Smaps == nil || aware.Evidence[0].Heap == nil {
		t.Errorf("upload-aware evidence = %+v; want one end-of-load capture with smaps and heap", aware.Evidence)
	}
}
