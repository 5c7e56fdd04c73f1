package evidence

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// TestSummariseHeapRecorded reads heap profiles recorded from the
// built-in upload proxies under the upload-proxy scenario (evidence of a
// real run, copied to testdata): the naive one's top site is the
// io.ReadAll that buffers each body; the aware one holds only
// net/http's connection buffers.
func TestSummariseHeapRecorded(t *testing.T) {
	tests := []struct {
		file         string
		wantFunction string
		wantCaller   string
		wantFile     string
		wantLine     int64
		minShare     float64 // of in-use bytes held by the top site
		maxInUse     int64
	}{
		{"upload-naive-80pct.heap.pb.gz", "io.ReadAll", "fixtures.(*uploadNaive).upload", "upload_naive.go", 41, 0.9, 1 << 30},
		{"upload-aware-end.heap.pb.gz", "bufio.NewWriterSize", "bufio.NewWriterSize", "bufio.go", 599, 0.3, 8 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			hp, err := SummariseHeap(f, DefaultTopSites)
			if err != nil {
				t.Fatalf("SummariseHeap = %v; want nil", err)
			}
			if len(hp.Sites) == 0 || len(hp.Sites) > DefaultTopSites {
				t.Fatalf("SummariseHeap: %d sites; want 1..%d", len(hp.Sites), DefaultTopSites)
			}
			top := hp.Sites[0]
			if top.Function != tt.wantFunction || top.Caller != tt.wantCaller || top.File != tt.wantFile || top.Line != tt.wantLine {
				t.Errorf("top site = %s in %s (%s:%d); want %s in %s (%s:%d)", top.Function, top.Caller, top.File, top.Line,
					tt.wantFunction, tt.wantCaller, tt.wantFile, tt.wantLine)
			}
			if share := float64(top.InUseBytes) / float64(hp.InUseBytes); share < tt.minShare {
				t.Errorf("top site holds %d of %d bytes (%.2f); want ≥ %.2f", top.InUseBytes, hp.InUseBytes, share, tt.minShare)
			}
			if hp.InUseBytes > tt.maxInUse {
				t.Errorf("in use %d bytes; want ≤ %d", hp.InUseBytes, tt.maxInUse)
			}
			for i := 1; i < len(hp.Sites); i++ {
				if hp.Sites[i].InUseBytes > hp.Sites[i-1].InUseBytes {
					t.Errorf("sites not sorted by bytes in use: %+v", hp.Sites)
				}
			}
		})
	}
}

// TestSummariseHeapSynthetic builds profiles whose answer is known:
// inlined frames, runtime frames, program code through the standard
// library, and samples summed per site.
func TestSummariseHeapSynthetic(t *testing.T) {
	fn := func(id uint64, name, file string) *profile.Function {
		return &profile.Function{ID: id, Name: name, SystemName: name, Filename: "/src/" + file}
	}
	growslice := fn(1, "runtime.growslice", "slice.go")
	readAll := fn(2, "io.ReadAll", "io.go")
	handler := fn(3, "example.com/svc/api.(*Server).upload", "upload.go")
	serve := fn(4, "net/http.(*conn).serve", "server.go")
	mainLoop := fn(5, "main.fill", "main.go")
	newReader := fn(6, "bufio.NewReaderSize", "bufio.go")
	loc := func(id uint64, lines ...profile.Line) *profile.Location {
		return &profile.Location{ID: id, Line: lines}
	}
	lGrow := loc(1, profile.Line{Function: growslice, Line: 10})
	lRead := loc(2, profile.Line{Function: readAll, Line: 40})
	lHandler := loc(3, profile.Line{Function: handler, Line: 41})
	lServe := loc(4, profile.Line{Function: serve, Line: 2000})
	// main.fill inlined into nothing: one location holding two lines, the
	// innermost (io.ReadAll inlined) first.
	lInlined := loc(5, profile.Line{Function: readAll, Line: 40}, profile.Line{Function: mainLoop, Line: 7})
	lReader := loc(6, profile.Line{Function: newReader, Line: 57})
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{lGrow, lRead, lHandler, lServe}, Value: []int64{9, 900, 3, 300}},
			{Location: []*profile.Location{lRead, lHandler, lServe}, Value: []int64{1, 100, 1, 100}},
			{Location: []*profile.Location{lInlined}, Value: []int64{1, 50, 1, 50}},
			{Location: []*profile.Location{lReader, lServe}, Value: []int64{2, 20, 2, 20}},
			{Location: []*profile.Location{lReader, lServe}, Value: []int64{5, 500, 0, 0}}, // freed: not in use
			{Location: []*profile.Location{lGrow}, Value: []int64{1, 10, 1, 10}},           // the runtime's own
		},
		Function: []*profile.Function{growslice, readAll, handler, serve, mainLoop, newReader},
		Location: []*profile.Location{lGrow, lRead, lHandler, lServe, lInlined, lReader},
	}
	hp, err := SummariseHeap(encode(t, p), 10)
	if err != nil {
		t.Fatal(err)
	}
	type site struct {
		fn, caller, file string
		line, bytes      int64
	}
	want := []site{
		{"io.ReadAll", "api.(*Server).upload", "upload.go", 41, 400},
		{"io.ReadAll", "main.fill", "main.go", 7, 50},
		{"bufio.NewReaderSize", "bufio.NewReaderSize", "bufio.go", 57, 20},
		{"runtime.growslice", "runtime.growslice", "slice.go", 10, 10},
	}
	if hp.InUseBytes != 480 {
		t.Errorf("InUseBytes = %d; want 480", hp.InUseBytes)
	}
	if len(hp.Sites) != len(want) {
		t.Fatalf("sites = %+v; want %d", hp.Sites, len(want))
	}
	for i, w := range want {
		g := hp.Sites[i]
		if (site{g.Function, g.Caller, g.File, g.Line, g.InUseBytes}) != w {
			t.Errorf("site %d = %+v; want %+v", i, g, w)
		}
	}
}

// encode writes p as pprof serves it (gzipped protobuf).
func encode(t *testing.T, p *profile.Profile) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestSummariseHeapErrors(t *testing.T) {
	if _, err := SummariseHeap(bytes.NewReader([]byte("not a profile")), 3); err == nil {
		t.Error("SummariseHeap(garbage) = nil error; want one")
	}
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}}}
	if _, err := SummariseHeap(encode(t, p), 3); err == nil {
		t.Error("SummariseHeap(CPU-like profile) = nil error; want one naming the missing inuse_space")
	}
}

// TestSummariseHeapBounded: a profile is the target's to send, so a
// hostile or broken one is refused within bounds: a gzip bomb (1 GiB of
// zeros in ~1 MiB) stops at MaxHeapProfileBytes rather than taking the
// harness's memory, a profile gzipped twice is refused before its inner
// layer is opened, and absurd values saturate rather than wrap.
func TestSummariseHeapBounded(t *testing.T) {
	gz := func(t *testing.T, data []byte) []byte {
		t.Helper()
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		_, _ = w.Write(data)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// A gzip stream may be many members one after another, read as one:
	// 1,024 members of 1 MiB of zeros are 1 GiB in about 1 MiB.
	bomb := bytes.Repeat(gz(t, make([]byte, 1<<20)), 1024)
	recorded, err := os.ReadFile(filepath.Join("testdata", "upload-naive-80pct.heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		raw     []byte
		wantErr string
	}{
		{"gzip bomb", bomb, "larger than 32 MiB uncompressed"},
		{"gzipped twice", gz(t, recorded), "gzipped twice"},
		{"too large as sent", bytes.Repeat([]byte{0}, MaxHeapProfileBytes+1), "larger than 32 MiB uncompressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := SummariseHeap(bytes.NewReader(tt.raw), DefaultTopSites)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SummariseHeap = %v; want an error containing %q", err, tt.wantErr)
			}
			// Reading up to the bound grows a buffer to it, allocating
			// ~150 MiB along the way (each growth a new array, most of
			// them garbage at once). Unbounded, the bomb alone is 1 GiB.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("SummariseHeap allocated %d MiB; want at most 256", alloc>>20)
			}
		})
	}
	t.Run("absurd values saturate", func(t *testing.T) {
		fn := &profile.Function{ID: 1, Name: "main.hog", Filename: "main.go"}
		loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn, Line: 3}}}
		p := &profile.Profile{
			SampleType: []*profile.ValueType{{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}},
			Sample: []*profile.Sample{
				{Location: []*profile.Location{loc}, Value: []int64{math.MaxInt64, math.MaxInt64}},
				{Location: []*profile.Location{loc}, Value: []int64{math.MaxInt64, math.MaxInt64}},
			},
			Function: []*profile.Function{fn}, Location: []*profile.Location{loc},
		}
		hp, err := SummariseHeap(encode(t, p), 3)
		if err != nil {
			t.Fatal(err)
		}
		if hp.InUseBytes != math.MaxInt64 || len(hp.Sites) != 1 || hp.Sites[0].InUseBytes != math.MaxInt64 || hp.Sites[0].Objects != math.MaxInt64 {
			t.Errorf("SummariseHeap = %+v; want every sum at math.MaxInt64, not wrapped", hp)
		}
	})
}

// TestSummariseHeapParserPanic: a fault of the profile parser on a
// target's odd bytes is one capture's error, not the harness's crash.
func TestSummariseHeapParserPanic(t *testing.T) {
	orig := parseData
	t.Cleanup(func() { parseData = orig })
	parseData = func([]byte) (*profile.Profile, error) {
		panic("a parser's fault on these bytes")
	}
	_, err := SummariseHeap(strings.NewReader("anything"), DefaultTopSites)
	if err == nil || !strings.Contains(err.Error(), "the profile parser failed on it") {
		t.Errorf("SummariseHeap = %v; want the parser's panic as an error", err)
	}
}

// FuzzSummariseHeap: whatever a target serves, SummariseHeap returns an
// error or a summary that adds up — no panic, at most top sites, each
// holding some memory, together no more than the total in use.
func FuzzSummariseHeap(f *testing.F) {
	for _, name := range []string{"upload-naive-80pct.heap.pb.gz", "upload-aware-end.heap.pb.gz"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
			var plain bytes.Buffer
			if _, err := plain.ReadFrom(zr); err == nil {
				f.Add(plain.Bytes())
			}
		}
	}
	f.Add([]byte("not a profile"))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, raw []byte) {
		hp, err := SummariseHeap(bytes.NewReader(raw), DefaultTopSites)
		if err != nil {
			return
		}
		if len(hp.Sites) > DefaultTopSites || hp.InUseBytes < 0 {
			t.Fatalf("summary %+v; want at most %d sites and a total ≥ 0", hp, DefaultTopSites)
		}
		var sum int64
		for _, s := range hp.Sites {
			if s.InUseBytes <= 0 {
				t.Fatalf("site %+v holds nothing", s)
			}
			sum = addSat(sum, s.InUseBytes)
		}
		if sum > hp.InUseBytes {
			t.Fatalf("sites hold %d bytes of %d in use", sum, hp.InUseBytes)
		}
	})
}

func TestShortNameOwnCode(t *testing.T) {
	tests := []struct {
		fn, short string
		own       bool
	}{
		{"io.ReadAll", "io.ReadAll", false},
		{"net/http.(*conn).serve", "http.(*conn).serve", false},
		{"github.com/oomlab/oomlab/fixtures.(*uploadNaive).upload", "fixtures.(*uploadNaive).upload", true},
		{"main.main", "main.main", true},
		{"vendor/golang.org/x/net/http2/hpack.newDecoder", "hpack.newDecoder", false},
		{"gonum.org/v1/plot/font.(*Cache).Add", "font.(*Cache).Add", true},
	}
	for _, tt := range tests {
		if got := shortName(tt.fn); got != tt.short {
			t.Errorf("shortName(%q) = %q; want %q", tt.fn, got, tt.short)
		}
		if got := ownCode(tt.fn); got != tt.own {
			t.Errorf("ownCode(%q) = %v; want %v", tt.fn, got, tt.own)
		}
	}
}

func BenchmarkSummariseHeap(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "upload-naive-80pct.heap.pb.gz"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SummariseHeap(bytes.NewReader(raw), DefaultTopSites); err != nil {
			b.Fatal(err)
		}
	}
}
