package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func sampleCSV(t *testing.T, header []string, rows ...[]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	for _, r := range rows {
		w.Write(r)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSamplesRoundTrip(t *testing.T) {
	want := []SampleRow{
		{Target: "a", TSeconds: 0.1, RSSBytes: 10 << 20, HWMBytes: 11 << 20, CPUPercent: 12.5, Threads: 7, FDs: 9,
			CgroupUsageBytes: -1, CgroupFailCount: -1, GCCount: 3, HeapBytes: 4 << 20, HarnessRSSBytes: 30 << 20, HeapCommittedBytes: 64 << 20},
		{Target: "b", TSeconds: 0.2, RSSBytes: 1, HWMBytes: 2, CgroupUsageBytes: 5, CgroupFailCount: 6, GCCount: -1, HeapBytes: -1, HarnessRSSBytes: 7, HeapCommittedBytes: -1},
	}
	var rows [][]string
	for _, r := range want {
		rows = append(rows, r.Record())
	}
	var got []SampleRow
	err := ReadSamples(strings.NewReader(sampleCSV(t, SampleHeader, rows...)), func(r SampleRow) error {
		got = append(got, r)
		return nil
	})
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ReadSamples = %+v, %v; want %+v", got, err, want)
	}
}

// addColumn returns header and row with a column inserted at i, as a later
// sampler would write it.
func addColumn(rec []string, i int, v string) []string {
	return slices.Insert(slices.Clone(rec), i, v)
}

// A new sampler column, added in the middle of the header, does not move
// what the reader finds; and a reader that knows the new column still reads
// a file written before it existed.
func TestSamplesAddedColumn(t *testing.T) {
	row := SampleRow{Target: "naive", TSeconds: 1.5, RSSBytes: 100, HWMBytes: 120, CPUPercent: 3, Threads: 4, FDs: 5,
		CgroupUsageBytes: 90, CgroupFailCount: 1, GCCount: 2, HeapBytes: 50, HarnessRSSBytes: 60, HeapCommittedBytes: 70}
	newer := sampleCSV(t, addColumn(SampleHeader, 3, "tree_rss_bytes"), addColumn(row.Record(), 3, "777"))
	var got []SampleRow
	if err := ReadSamples(strings.NewReader(newer), func(r SampleRow) error { got = append(got, r); return nil }); err != nil {
		t.Fatalf("ReadSamples(file with an added column): %v", err)
	}
	if len(got) != 1 || got[0] != row {
		t.Fatalf("ReadSamples(file with an added column) = %+v; want %+v", got, row)
	}

	// The reader side of the new column: an older run's file, from the
	// report's testdata, lacks it and still reads, the column unknown.
	old, err := os.ReadFile(filepath.Join("..", "..", "report", "testdata", "upload-proxy", SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = readCSV(bytes.NewReader(old), sampleColumnsV1, func(c *columns) error {
		if v := c.iOr("tree_rss_bytes", -1); v != -1 {
			t.Errorf("tree_rss_bytes of an old file = %d; want -1", v)
		}
		if v := c.iOr("heap_committed_bytes", -1); v != -1 {
			t.Errorf("heap_committed_bytes of an old file = %d; want -1 (unknown)", v)
		}
		if c.i("rss_bytes") <= 0 {
			t.Errorf("rss_bytes = %d; want > 0", c.i("rss_bytes"))
		}
		n++
		return c.err
	})
	if err != nil || n == 0 {
		t.Fatalf("reading an older run with a newer column list: %d rows, %v", n, err)
	}
	// The same file with the new column present reads it.
	err = readCSV(strings.NewReader(newer), sampleColumnsV1, func(c *columns) error {
		if v := c.iOr("tree_rss_bytes", -1); v != 777 {
			t.Errorf("tree_rss_bytes = %d; want 777", v)
		}
		return c.err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadColumnsReordered(t *testing.T) {
	row := LoadRow{Target: "x", TSeconds: 2, OfferedPerSecond: 10, Sent: 10, Done: 9, Successes: 8, Errors: 1,
		P50Ms: 5, P95Ms: 6, P99Ms: 7, MaxMs: 8, Shed: 2}
	head, rec := slices.Clone(LoadHeader), row.Record()
	slices.Reverse(head)
	slices.Reverse(rec)
	head, rec = append(head, "future_column"), append(rec, "3")
	var got []LoadRow
	if err := ReadLoad(strings.NewReader(sampleCSV(t, head, rec)), func(r LoadRow) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != row {
		t.Fatalf("ReadLoad(reordered) = %+v; want %+v", got, row)
	}
}

// TestLoadWithoutShed reads a load.csv written before the shed column:
// shed reads as 0.
func TestLoadWithoutShed(t *testing.T) {
	row := LoadRow{Target: "x", TSeconds: 1, Done: 3, Successes: 1, Errors: 2}
	var got []LoadRow
	in := sampleCSV(t, loadColumnsV1, row.Record()[:len(loadColumnsV1)])
	if err := ReadLoad(strings.NewReader(in), func(r LoadRow) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != row {
		t.Fatalf("ReadLoad(v1 columns) = %+v; want %+v", got, row)
	}
}

func TestReadCSVErrors(t *testing.T) {
	good := (SampleRow{Target: "a"}).Record()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "reading header"},
		{"missing column", sampleCSV(t, sampleColumnsV1[:len(sampleColumnsV1)-1], good[:len(sampleColumnsV1)-1]), `no column "harness_rss_bytes"`},
		{"duplicate column", sampleCSV(t, append(slices.Clone(SampleHeader), "fds"), append(slices.Clone(good), "1")), `"fds" twice`},
		{"bad number", sampleCSV(t, SampleHeader, slices.Replace(slices.Clone(good), 2, 3, "lots")), "row 2: column rss_bytes"},
		{"short row", sampleCSV(t, SampleHeader) + "a,1\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadSamples(strings.NewReader(tt.in), func(SampleRow) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "results: ") {
				t.Fatalf("ReadSamples = %v; want an error containing %q", err, tt.want)
			}
		})
	}
	stop := errors.New("stop")
	err := ReadSamples(strings.NewReader(sampleCSV(t, SampleHeader, good)), func(SampleRow) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("ReadSamples with a failing callback = %v; want it wrapped", err)
	}
}

func FuzzReadSamples(f *testing.F) {
	f.Add(strings.Join(SampleHeader, ",") + "\n" + strings.Join((SampleRow{Target: "a"}).Record(), ",") + "\n")
	f.Add("target,t_seconds\n")
	f.Fuzz(func(t *testing.T, in string) {
		_ = ReadSamples(strings.NewReader(in), func(SampleRow) error { return nil })
		_ = ReadLoad(strings.NewReader(in), func(LoadRow) error { return nil })
	})
}
