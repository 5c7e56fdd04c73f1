package saved

import (
	"fmt"

	"github.com/oomlab/oomlab/scenarios"
)

// Bounds on what a report reads and draws: results.json and the CSVs come
// from disk and may be anything, and a figure's size grows with what it
// draws. Every bound is far above what a real run writes (64 targets at
// most, a few thousand samples each).
const (
	// maxResultsBytes bounds results.json.
	maxResultsBytes = 16 << 20
	// maxCSVBytes bounds samples.csv and load.csv.
	maxCSVBytes = 1 << 30
	// maxReportTargets bounds the targets one report renders.
	maxReportTargets = 256
	// maxSeriesPoints bounds the samples, and the load windows, kept per
	// target: past it the series is decimated (every other point
	// dropped, and from then on every other row read), so the figures
	// stay a few megabytes whatever the CSVs hold.
	maxSeriesPoints = 20_000
)

// readResultsFile reads results.json at path: a regular file (a FIFO or
// a device is refused at once, not waited on) of at most maxResultsBytes.
func readResultsFile(path string) ([]byte, error) {
	return scenarios.ReadRegularFile(path, maxResultsBytes)
}

// checkTargets refuses results with more targets than a report renders.
func checkTargets(path string, n int) error {
	if n > maxReportTargets {
		return fmt.Errorf("report: %s lists %d targets; a report renders at most %d", path, n, maxReportTargets)
	}
	return nil
}

// decimation keeps one row in stride of a series that grew past
// maxSeriesPoints; the zero value keeps every row.
type decimation struct {
	stride, seen int
}

// keep reports whether the next row is kept.
func (d *decimation) keep() bool {
	if d.stride <= 1 {
		return true
	}
	d.seen++
	return d.seen%d.stride == 1
}

// full halves what is kept when n points are held, and reports whether it
// did: the caller then drops every other point it holds (halve).
func (d *decimation) full(n int) bool {
	if n < 2*maxSeriesPoints {
		return false
	}
	d.stride = max(d.stride, 1) * 2
	d.seen = 0
	return true
}

// halve keeps the even-indexed points of each slice, in place.
func halve(slices ...*[]float64) {
	for _, s := range slices {
		v := *s
		n := 0
		for i := 0; i < len(v); i += 2 {
			v[n] = v[i]
			n++
		}
		*s = v[:n]
	}
}

// decimateSamples applies the sample decimation after a row was added.
func (s *Series) decimateSamples() {
	if s.sampleDec.full(len(s.T)) {
		halve(&s.T, &s.RSSMiB, &s.CPUPercent, &s.CgroupMiB, &s.HeapMiB, &s.HeapCommittedMiB, &s.GCCount)
	}
}

// decimateLoad applies the load-window decimation after a row was added.
func (s *Series) decimateLoad() {
	if s.loadDec.full(len(s.LoadT)) {
		halve(&s.LoadT, &s.Offered, &s.Successes, &s.Errors, &s.Done, &s.P50Ms, &s.P95Ms, &s.P99Ms)
	}
}
