package savedtest

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// Update is the -update flag of every test binary that imports savedtest:
// regenerate testdata and golden files instead of comparing with them.
var Update = flag.Bool("update", false, "regenerate testdata and golden files")

// Testdata returns the path of elem under report/testdata, whichever
// package's test asks: the recorded runs, curves and golden files are
// shared by report and its sub-packages.
func Testdata(elem ...string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("savedtest: no caller information")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata")
	return filepath.Join(append([]string{dir}, elem...)...)
}

// UploadDir is the directory of the recorded upload-proxy run
// (report/testdata/upload-proxy), written by UploadProxy().WriteDir.
func UploadDir() string { return Testdata("upload-proxy") }

// Upload loads the recorded upload-proxy run or fails the test.
func Upload(t testing.TB) *saved.Run {
	t.Helper()
	run, err := saved.Load(UploadDir())
	if err != nil {
		t.Fatalf("Load(%s): %v", UploadDir(), err)
	}
	return run
}

// Golden compares got with report/testdata/golden/<test name><ext>,
// rewriting it with -update.
func Golden(t *testing.T, ext string, got []byte) {
	t.Helper()
	path := Testdata("golden", strings.ReplaceAll(t.Name(), "/", "_")+ext)
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run with -update and review the diff):\n%s", t.Name(), path, got)
	}
}

// Curve returns the path of the recorded curve named name
// (report/testdata/curves/<name>.csv).
func Curve(name string) string { return Testdata("curves", name+".csv") }

// LoadCurve reads a recorded curve into a one-target run: the target's
// RSS every second sample (t_seconds,rss_mib), and "# key: value" lines
// for its outcome, kill time, restarts, and the run's stages and phases.
func LoadCurve(path string) (*saved.Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &results.Results{Schema: results.Schema, Scenario: "recorded"}
	tgt := results.Target{Outcome: results.OutcomeSurvived}
	var s saved.Series
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if key, val, ok := strings.Cut(strings.TrimPrefix(text, "# "), ": "); ok && strings.HasPrefix(text, "# ") {
			if err := curveHeader(res, &tgt, key, val); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			continue
		}
		if strings.HasPrefix(text, "#") || strings.HasPrefix(text, "t_seconds") {
			continue
		}
		ts, rss, ok := strings.Cut(text, ",")
		t, err1 := strconv.ParseFloat(ts, 64)
		r, err2 := strconv.ParseFloat(rss, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: want t_seconds,rss_mib, got %q", path, line, text)
		}
		s.T, s.RSSMiB = append(s.T, t), append(s.RSSMiB, r)
		for _, col := range []*[]float64{&s.CPUPercent, &s.CgroupMiB, &s.HeapMiB, &s.HeapCommittedMiB, &s.GCCount} {
			*col = append(*col, math.NaN())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	tgt.Name = strings.TrimSuffix(filepath.Base(path), ".csv")
	s.Target = tgt.Name
	res.Targets = []results.Target{tgt}
	return &saved.Run{Results: res, Series: []*saved.Series{&s}}, nil
}

// curveHeader applies one "# key: value" line of a curve file.
func curveHeader(res *results.Results, tgt *results.Target, key, val string) error {
	switch key {
	case "outcome":
		tgt.Outcome = val
	case "killed_at":
		at, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return fmt.Errorf("killed_at: %w", err)
		}
		tgt.OOMAtSeconds = &at
	case "restarts":
		n, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("restarts: %w", err)
		}
		tgt.Restarts = n
	case "stages", "phases":
		for i, f := range strings.Fields(val) {
			name, span, _ := strings.Cut(f, "@")
			a, b, _ := strings.Cut(span, "-")
			start, err1 := strconv.ParseFloat(a, 64)
			end, err2 := strconv.ParseFloat(b, 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("%s: want NAME@START-END, got %q", key, f)
			}
			if key == "phases" {
				res.Phases = append(res.Phases, results.PhaseSpan{Name: strings.ReplaceAll(name, "_", " "), StartSeconds: start, EndSeconds: end})
				continue
			}
			rate, err := strconv.ParseFloat(name, 64)
			if err != nil {
				return fmt.Errorf("stages: want RATE@START-END, got %q", f)
			}
			res.Stages = append(res.Stages, results.StageSpan{Index: i, RatePerSecond: rate, StartSeconds: start, EndSeconds: end})
		}
	}
	return nil
}
