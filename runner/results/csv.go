package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// SampleRow is one sample of one target, a row of samples.csv.
type SampleRow struct {
	Target string
	// TSeconds is the time since the target's load started (negative
	// while the target starts up).
	TSeconds   float64
	RSSBytes   int64
	HWMBytes   int64 // VmHWM: peak RSS so far
	CPUPercent float64
	Threads    int32
	FDs        int32
	// CgroupUsageBytes and CgroupFailCount are -1 when no cgroup is used.
	CgroupUsageBytes int64
	CgroupFailCount  int64
	// GCCount is the cumulative GC cycles so far, -1 when not available.
	GCCount int64
	// HeapBytes is the runtime heap after the latest GC, -1 when unknown.
	HeapBytes       int64
	HarnessRSSBytes int64
}

// SampleHeader is the header row of samples.csv.
var SampleHeader = []string{"target", "t_seconds", "rss_bytes", "hwm_bytes", "cpu_percent", "threads", "fds",
	"cgroup_usage_bytes", "cgroup_failcnt", "gc_count", "heap_bytes", "harness_rss_bytes"}

// Record renders the row for csv.Writer.
func (r SampleRow) Record() []string {
	return []string{r.Target, ftoa(r.TSeconds, 3), itoa(r.RSSBytes), itoa(r.HWMBytes), ftoa(r.CPUPercent, 1),
		itoa(int64(r.Threads)), itoa(int64(r.FDs)), itoa(r.CgroupUsageBytes), itoa(r.CgroupFailCount),
		itoa(r.GCCount), itoa(r.HeapBytes), itoa(r.HarnessRSSBytes)}
}

// LoadRow is the load's figures for one target over one window (one
// second), a row of load.csv. Latencies are of the requests that finished
// in the window.
type LoadRow struct {
	Target   string
	TSeconds float64 // end of the window, since the load started
	// OfferedPerSecond is the pacer's rate in this window.
	OfferedPerSecond float64
	// Sent is how many requests started in the window.
	Sent uint64
	// Done is how many finished in the window, Successes of them 2xx/3xx.
	Done      uint64
	Successes uint64
	Errors    uint64
	P50Ms     float64
	P95Ms     float64
	P99Ms     float64
	MaxMs     float64
}

// LoadHeader is the header row of load.csv.
var LoadHeader = []string{"target", "t_seconds", "offered_per_second", "sent", "done", "successes", "errors",
	"p50_ms", "p95_ms", "p99_ms", "max_ms"}

// Record renders the row for csv.Writer.
func (r LoadRow) Record() []string {
	return []string{r.Target, ftoa(r.TSeconds, 3), ftoa(r.OfferedPerSecond, 2), utoa(r.Sent), utoa(r.Done),
		utoa(r.Successes), utoa(r.Errors), ftoa(r.P50Ms, 2), ftoa(r.P95Ms, 2), ftoa(r.P99Ms, 2), ftoa(r.MaxMs, 2)}
}

// ReadSamples streams samples.csv, calling fn for each row in order. It
// keeps one row in memory at a time.
func ReadSamples(r io.Reader, fn func(SampleRow) error) error {
	return readCSV(r, SampleHeader, func(rec []string, p *parser) error {
		row := SampleRow{Target: rec[0], TSeconds: p.f(rec[1]), RSSBytes: p.i(rec[2]), HWMBytes: p.i(rec[3]),
			CPUPercent: p.f(rec[4]), Threads: int32(p.i(rec[5])), FDs: int32(p.i(rec[6])),
			CgroupUsageBytes: p.i(rec[7]), CgroupFailCount: p.i(rec[8]), GCCount: p.i(rec[9]),
			HeapBytes: p.i(rec[10]), HarnessRSSBytes: p.i(rec[11])}
		if p.err != nil {
			return p.err
		}
		return fn(row)
	})
}

// ReadLoad streams load.csv, calling fn for each row in order.
func ReadLoad(r io.Reader, fn func(LoadRow) error) error {
	return readCSV(r, LoadHeader, func(rec []string, p *parser) error {
		row := LoadRow{Target: rec[0], TSeconds: p.f(rec[1]), OfferedPerSecond: p.f(rec[2]), Sent: p.u(rec[3]),
			Done: p.u(rec[4]), Successes: p.u(rec[5]), Errors: p.u(rec[6]), P50Ms: p.f(rec[7]),
			P95Ms: p.f(rec[8]), P99Ms: p.f(rec[9]), MaxMs: p.f(rec[10])}
		if p.err != nil {
			return p.err
		}
		return fn(row)
	})
}

func readCSV(r io.Reader, header []string, fn func([]string, *parser) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("results: reading header: %w", err)
	}
	for i, h := range header {
		if head[i] != h {
			return fmt.Errorf("results: column %d is %q, want %q", i+1, head[i], h)
		}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		p := &parser{}
		if err := fn(rec, p); err != nil {
			return fmt.Errorf("results: row %d: %w", line, err)
		}
	}
}

type parser struct{ err error }

func (p *parser) f(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
}

func (p *parser) i(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
}

func (p *parser) u(s string) uint64 {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
}

func ftoa(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }
func itoa(i int64) string             { return strconv.FormatInt(i, 10) }
func utoa(u uint64) string            { return strconv.FormatUint(u, 10) }
