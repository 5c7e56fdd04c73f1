package saved

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Run is one saved run: results.json plus the per-target series read from
// samples.csv and load.csv. Memory use is a few float64 per CSV row; no
// row is kept whole.
type Run struct {
	// Dir is the directory the run was loaded from.
	Dir string
	// Results is the decoded results.json.
	Results *results.Results
	// Series holds one entry per target of Results.Targets, same order.
	Series []*Series
	// Notes says what was missing or odd in the files (a partial run, a
	// missing CSV, rows for an unknown target). Empty for a clean run.
	Notes []string
}

// Series is one target's time series. Times are seconds since the
// target's load started. Values that the file marks unknown (-1) are NaN.
type Series struct {
	Target string
	// Samples (samples.csv), one entry per row.
	T          []float64
	RSSMiB     []float64
	CPUPercent []float64
	// CgroupMiB is the cgroup's memory usage, NaN when no cgroup was used.
	CgroupMiB []float64
	// HeapMiB is the runtime heap after the latest GC, NaN when unknown.
	HeapMiB []float64
	// HeapCommittedMiB is the heap the runtime had committed then (the
	// JVM's), NaN when unknown.
	HeapCommittedMiB []float64
	// GCCount is the cumulative GC count, NaN when unknown.
	GCCount []float64
	// HarnessPeakMiB is the largest harness RSS seen in the samples.
	HarnessPeakMiB float64

	// Load windows (load.csv), one entry per row; LoadT is the end of a
	// one-second window.
	LoadT     []float64
	Offered   []float64 // requests per second the pacer aimed at
	Successes []float64 // per window
	Errors    []float64 // per window: failures and timeouts, shed not included
	Shed      []float64 // per window: 503/429 answered at once (results.IsShed)
	Done      []float64 // per window
	P50Ms     []float64 // NaN when nothing finished in the window
	P95Ms     []float64
	P99Ms     []float64

	sampleDec, loadDec decimation // bounds.go
}

// ErrNoResults is returned by Load when the directory holds no results.json.
var ErrNoResults = errors.New("report: no " + results.ResultsFile)

// Load reads a run from path, which is either a run directory or the path
// of its results.json. samples.csv and load.csv are read from the same
// directory when present; a missing CSV is tolerated (the run is partial)
// and noted in Run.Notes.
func Load(path string) (*Run, error) {
	dir, file := path, filepath.Join(path, results.ResultsFile)
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir, file = filepath.Dir(path), path
	}
	run, err := LoadFile(file)
	if err != nil {
		return nil, err
	}
	run.Dir = dir
	if err := run.readSamples(filepath.Join(dir, results.SamplesFile)); err != nil {
		return nil, err
	}
	if err := run.readLoad(filepath.Join(dir, results.LoadFile)); err != nil {
		return nil, err
	}
	return run, nil
}

// LoadFile reads only results.json at path; the returned Run has empty
// series (one per target) and is enough for verdicts on the summary
// figures.
func LoadFile(path string) (*Run, error) {
	b, err := readResultsFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoResults, filepath.Dir(path))
	}
	if err != nil {
		return nil, fmt.Errorf("report: reading results: %w", err)
	}
	var res results.Results
	if t := bytes.TrimSpace(b); len(t) == 0 || string(t) == "null" {
		// Nothing was recorded: no targets, so nothing to judge.
		run := NewRun(&res)
		run.Dir = filepath.Dir(path)
		run.note("%s is empty", results.ResultsFile)
		return run, nil
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("report: decoding %s: %w", path, err)
	}
	if err := checkTargets(path, len(res.Targets)); err != nil {
		return nil, err
	}
	run := NewRun(&res)
	run.Dir = filepath.Dir(path)
	if res.Schema != results.Schema {
		run.note("results.json has schema %q, this report reads %q", res.Schema, results.Schema)
	}
	if res.Partial {
		reason := res.PartialReason
		if reason == "" {
			reason = "no reason recorded"
		}
		run.note("partial run: %s", reason)
	}
	return run, nil
}

// NewRun wraps results that are already in memory, with empty series.
// Add samples with AddSample and load windows with AddLoad.
func NewRun(res *results.Results) *Run {
	run := &Run{Results: res}
	for _, t := range res.Targets {
		run.Series = append(run.Series, &Series{Target: t.Name})
	}
	return run
}

func (r *Run) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// series returns the series of the named target, or nil.
func (r *Run) series(name string) *Series {
	for _, s := range r.Series {
		if s.Target == name {
			return s
		}
	}
	return nil
}

const mib = 1 << 20

// toMiB converts a byte count to MiB; negative counts (unknown) give NaN.
func toMiB(b int64) float64 {
	if b < 0 {
		return math.NaN()
	}
	return float64(b) / mib
}

// AddSample appends one samples.csv row to its target's series. Rows of
// targets not in results.json are counted, not kept.
func (r *Run) AddSample(row results.SampleRow) bool {
	s := r.series(row.Target)
	if s == nil {
		return false
	}
	if !s.sampleDec.keep() {
		return true
	}
	defer s.decimateSamples()
	s.T = append(s.T, row.TSeconds)
	s.RSSMiB = append(s.RSSMiB, toMiB(row.RSSBytes))
	s.CPUPercent = append(s.CPUPercent, row.CPUPercent)
	s.CgroupMiB = append(s.CgroupMiB, toMiB(row.CgroupUsageBytes))
	s.HeapMiB = append(s.HeapMiB, toMiB(row.HeapBytes))
	s.HeapCommittedMiB = append(s.HeapCommittedMiB, toMiB(row.HeapCommittedBytes))
	gc := math.NaN()
	if row.GCCount >= 0 {
		gc = float64(row.GCCount)
	}
	s.GCCount = append(s.GCCount, gc)
	s.HarnessPeakMiB = math.Max(s.HarnessPeakMiB, float64(row.HarnessRSSBytes)/mib)
	return true
}

// AddLoad appends one load.csv row to its target's series.
func (r *Run) AddLoad(row results.LoadRow) bool {
	s := r.series(row.Target)
	if s == nil {
		return false
	}
	nan := func(v float64) float64 {
		if row.Done == 0 {
			return math.NaN()
		}
		return v
	}
	if !s.loadDec.keep() {
		return true
	}
	defer s.decimateLoad()
	s.LoadT = append(s.LoadT, row.TSeconds)
	s.Offered = append(s.Offered, row.OfferedPerSecond)
	s.Successes = append(s.Successes, float64(row.Successes))
	s.Errors = append(s.Errors, float64(row.Errors))
	s.Shed = append(s.Shed, float64(row.Shed))
	s.Done = append(s.Done, float64(row.Done))
	s.P50Ms = append(s.P50Ms, nan(row.P50Ms))
	s.P95Ms = append(s.P95Ms, nan(row.P95Ms))
	s.P99Ms = append(s.P99Ms, nan(row.P99Ms))
	return true
}

func (r *Run) readSamples(path string) error {
	return r.readCSV(path, func(f *os.File) (int, error) {
		unknown := 0
		err := results.ReadSamples(f, func(row results.SampleRow) error {
			if !r.AddSample(row) {
				unknown++
			}
			return nil
		})
		return unknown, err
	})
}

func (r *Run) readLoad(path string) error {
	return r.readCSV(path, func(f *os.File) (int, error) {
		unknown := 0
		err := results.ReadLoad(f, func(row results.LoadRow) error {
			if !r.AddLoad(row) {
				unknown++
			}
			return nil
		})
		return unknown, err
	})
}

func (r *Run) readCSV(path string, read func(*os.File) (int, error)) error {
	name := filepath.Base(path)
	f, err := scenarios.OpenRegularFile(path, maxCSVBytes)
	if errors.Is(err, fs.ErrNotExist) {
		r.note("%s is missing: plots and tables show only what results.json holds", name)
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: opening %s: %w", name, err)
	}
	defer f.Close()
	unknown, err := read(f)
	if err != nil {
		if r.Results.Partial {
			// A run cut short may end in a half-written row: keep what was read.
			r.note("%s ends early (%v); kept the rows before", name, err)
			return nil
		}
		return fmt.Errorf("report: reading %s: %w", name, err)
	}
	if unknown > 0 {
		r.note("%s has %d rows of targets not in results.json; ignored", name, unknown)
	}
	return nil
}
