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
	// HeapCommittedBytes is the heap the runtime had committed after the
	// latest GC that says (the JVM's "A->B(C)"), -1 when unknown (Go,
	// Node, ZGC, and runs made before the column existed).
	HeapCommittedBytes int64
}

// sampleColumnsV1 are the columns every samples.csv of schema v1 has; a
// reader requires them. Columns added later go into SampleHeader only and
// are read with a default (columns.iOr), so older runs stay readable.
var sampleColumnsV1 = []string{"target", "t_seconds", "rss_bytes", "hwm_bytes", "cpu_percent", "threads", "fds",
	"cgroup_usage_bytes", "cgroup_failcnt", "gc_count", "heap_bytes", "harness_rss_bytes"}

// SampleHeader is the header row of samples.csv.
var SampleHeader = append(append([]string(nil), sampleColumnsV1...), "heap_committed_bytes")

// Record renders the row for csv.Writer.
func (r SampleRow) Record() []string {
	return []string{r.Target, ftoa(r.TSeconds, 3), itoa(r.RSSBytes), itoa(r.HWMBytes), ftoa(r.CPUPercent, 1),
		itoa(int64(r.Threads)), itoa(int64(r.FDs)), itoa(r.CgroupUsageBytes), itoa(r.CgroupFailCount),
		itoa(r.GCCount), itoa(r.HeapBytes), itoa(r.HarnessRSSBytes), itoa(r.HeapCommittedBytes)}
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
	// Shed is how many were turned away on purpose (see Stage.Shed);
	// Errors is the rest that did not succeed.
	Shed   uint64
	Errors uint64
	P50Ms  float64
	P95Ms  float64
	P99Ms  float64
	MaxMs  float64
}

// loadColumnsV1 are the columns every load.csv of schema v1 has (see
// sampleColumnsV1).
var loadColumnsV1 = []string{"target", "t_seconds", "offered_per_second", "sent", "done", "successes", "errors",
	"p50_ms", "p95_ms", "p99_ms", "max_ms"}

// LoadHeader is the header row of load.csv.
var LoadHeader = append(append([]string(nil), loadColumnsV1...), "shed")

// Record renders the row for csv.Writer.
func (r LoadRow) Record() []string {
	return []string{r.Target, ftoa(r.TSeconds, 3), ftoa(r.OfferedPerSecond, 2), utoa(r.Sent), utoa(r.Done),
		utoa(r.Successes), utoa(r.Errors), ftoa(r.P50Ms, 2), ftoa(r.P95Ms, 2), ftoa(r.P99Ms, 2), ftoa(r.MaxMs, 2),
		utoa(r.Shed)}
}

// ReadSamples streams samples.csv, calling fn for each row in order. It
// keeps one row in memory at a time. Columns are found by their header
// name, so a file with columns added (by a later sampler) or in another
// order reads the same; a missing column of schema v1 is an error naming
// it, a missing later column reads as unknown.
func ReadSamples(r io.Reader, fn func(SampleRow) error) error {
	return readCSV(r, sampleColumnsV1, func(c *columns) error {
		row := SampleRow{Target: c.s("target"), TSeconds: c.f("t_seconds"), RSSBytes: c.i("rss_bytes"),
			HWMBytes: c.i("hwm_bytes"), CPUPercent: c.f("cpu_percent"), Threads: int32(c.i("threads")),
			FDs: int32(c.i("fds")), CgroupUsageBytes: c.i("cgroup_usage_bytes"), CgroupFailCount: c.i("cgroup_failcnt"),
			GCCount: c.i("gc_count"), HeapBytes: c.i("heap_bytes"), HarnessRSSBytes: c.i("harness_rss_bytes"),
			HeapCommittedBytes: c.iOr("heap_committed_bytes", -1)}
		if c.err != nil {
			return c.err
		}
		return fn(row)
	})
}

// ReadLoad streams load.csv, calling fn for each row in order; columns are
// found by header name, as in ReadSamples.
func ReadLoad(r io.Reader, fn func(LoadRow) error) error {
	return readCSV(r, loadColumnsV1, func(c *columns) error {
		row := LoadRow{Target: c.s("target"), TSeconds: c.f("t_seconds"), OfferedPerSecond: c.f("offered_per_second"),
			Sent: c.u("sent"), Done: c.u("done"), Successes: c.u("successes"), Errors: c.u("errors"),
			P50Ms: c.f("p50_ms"), P95Ms: c.f("p95_ms"), P99Ms: c.f("p99_ms"), MaxMs: c.f("max_ms"),
			Shed: uint64(c.iOr("shed", 0))}
		if c.err != nil {
			return c.err
		}
		return fn(row)
	})
}

// readCSV reads the header, checks that every column of required is
// there, and calls fn once per row with the row's fields reachable by
// name. Columns the file has beyond what fn reads are ignored.
func readCSV(r io.Reader, required []string, fn func(*columns) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("results: reading header: %w", err)
	}
	c := &columns{index: make(map[string]int, len(head))}
	for i, h := range head {
		if _, dup := c.index[h]; dup {
			return fmt.Errorf("results: header names column %q twice", h)
		}
		c.index[h] = i
	}
	for _, h := range required {
		if _, ok := c.index[h]; !ok {
			return fmt.Errorf("results: header has no column %q", h)
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
		c.rec, c.err = rec, nil
		if err := fn(c); err != nil {
			return fmt.Errorf("results: row %d: %w", line, err)
		}
	}
}

// columns is the current row of a CSV file, read by column name. The
// first parse error is kept in err, naming the column.
type columns struct {
	index map[string]int
	rec   []string
	err   error
}

func (c *columns) s(name string) string { return c.rec[c.index[name]] }

func (c *columns) keep(name string, err error) {
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("column %s: %w", name, err)
	}
}

func (c *columns) f(name string) float64 {
	v, err := strconv.ParseFloat(c.s(name), 64)
	c.keep(name, err)
	return v
}

func (c *columns) i(name string) int64 {
	v, err := strconv.ParseInt(c.s(name), 10, 64)
	c.keep(name, err)
	return v
}

// iOr reads an integer column that older files may lack: def when the
// header has no such column.
func (c *columns) iOr(name string, def int64) int64 {
	if _, ok := c.index[name]; !ok {
		return def
	}
	return c.i(name)
}

func (c *columns) u(name string) uint64 {
	v, err := strconv.ParseUint(c.s(name), 10, 64)
	c.keep(name, err)
	return v
}

func ftoa(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }
func itoa(i int64) string             { return strconv.FormatInt(i, 10) }
func utoa(u uint64) string            { return strconv.FormatUint(u, 10) }
