package evidence

import (
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"
	"github.com/oomlab/oomlab/runner/results"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(proctest.Main(m)) }

// pprofServer serves net/http/pprof's heap profile on /debug/pprof/ in
// this test process, which stands in for the target (its PID is ours).
func pprofServer(t *testing.T, serve bool) string {
	t.Helper()
	mux := http.NewServeMux()
	if serve {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCapturerMarks(t *testing.T) {
	// In use for the whole test: the heap profile's sampling (one sample
	// per 512 KiB on average) always catches it.
	ballast := make([]byte, 8<<20)
	defer runtime.KeepAlive(ballast)
	tests := []struct {
		name      string
		runtime   string
		serve     bool
		samples   []int64 // RSS of each sample (cgroup usage -1)
		end       bool
		wantMarks []float64
		wantEnd   bool
		wantHeap  bool
		wantErr   string
		noPprof   bool // a target not known to serve pprof: no request
	}{
		{name: "go passes both marks", runtime: "go", serve: true, samples: []int64{10, 60, 70, 90, 95}, wantMarks: []float64{0.5, 0.8}, wantHeap: true},
		{name: "go jumps both marks in one sample", runtime: "go", serve: true, samples: []int64{10, 99}, wantMarks: []float64{0.5, 0.8}, wantHeap: true},
		{name: "go bounded: end of load", runtime: "go", serve: true, samples: []int64{10, 20, 30}, end: true, wantMarks: []float64{0.3}, wantEnd: true, wantHeap: true},
		{name: "go without pprof", runtime: "go", serve: false, samples: []int64{60}, wantMarks: []float64{0.5}, wantErr: "404"},
		{name: "go not known to serve pprof", runtime: "go", serve: true, noPprof: true, samples: []int64{60}, wantMarks: []float64{0.5}},
		{name: "other runtime: smaps only", runtime: "other", serve: true, samples: []int64{85}, wantMarks: []float64{0.5, 0.8}},
		{name: "end after every mark: nothing more", runtime: "other", samples: []int64{85}, end: true, wantMarks: []float64{0.5, 0.8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			c := New(Config{Target: "t", Runtime: tt.runtime, PID: os.Getpid(), BaseURL: pprofServer(t, tt.serve),
				PprofPath: "/debug/pprof/", Pprof: !tt.noPprof, OutDir: out, LimitBytes: 100, Marks: []float64{0.5, 0.8}})
			var last int64
			for i, rss := range tt.samples {
				c.Observe(time.Duration(i)*time.Second, rss, -1)
				last = rss
			}
			if tt.end {
				c.End(time.Duration(len(tt.samples))*time.Second, last, -1)
			}
			evs := c.Close()
			if len(evs) != len(tt.wantMarks) {
				t.Fatalf("Close = %d evidence; want %d: %+v", len(evs), len(tt.wantMarks), evs)
			}
			for i, ev := range evs {
				if ev.Share != tt.wantMarks[i] || ev.EndOfLoad != (tt.wantEnd && i == len(evs)-1) {
					t.Errorf("evidence %d: share %v end %v; want %v end %v", i, ev.Share, ev.EndOfLoad, tt.wantMarks[i], tt.wantEnd)
				}
				if ev.Smaps == nil || ev.Smaps.RSSBytes <= 0 {
					t.Errorf("evidence %d: smaps %+v; want this process's", i, ev.Smaps)
				}
				if (ev.Heap != nil) != tt.wantHeap {
					t.Errorf("evidence %d: heap %+v; want one: %v (errors %q)", i, ev.Heap, tt.wantHeap, ev.Errors)
				}
				if tt.wantHeap && (ev.Heap.InUseBytes <= 0 || ev.Cost.Millis <= 0 || ev.Cost.RSSBeforeBytes <= 0) {
					t.Errorf("evidence %d: heap %+v cost %+v; want bytes in use and a measured cost", i, ev.Heap, ev.Cost)
				}
				if tt.wantErr != "" && !strings.Contains(strings.Join(ev.Errors, "; "), tt.wantErr) {
					t.Errorf("evidence %d: errors %q; want one containing %q", i, ev.Errors, tt.wantErr)
				}
				for _, f := range ev.Files {
					if !strings.HasPrefix(f, results.EvidenceDir+"/") {
						t.Errorf("file %q is not under %s/", f, results.EvidenceDir)
					}
					if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
						t.Errorf("file %s: %v; want it written", f, err)
					}
				}
			}
		})
	}
}

// TestCapturerAfterStop: marks passed just before the target stopped are
// recorded with what could not be captured, without waiting long on a
// target that is gone.
func TestCapturerAfterStop(t *testing.T) {
	c := New(Config{Target: "t", Runtime: "go", PID: os.Getpid(), BaseURL: "http://127.0.0.1:1", PprofPath: "/debug/pprof/", Pprof: true,
		OutDir: t.TempDir(), LimitBytes: 100, Marks: []float64{0.5, 0.8}})
	c.Observe(0, 90, 95)
	start := time.Now()
	evs := c.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %s; want it quick once the target is gone", d)
	}
	if len(evs) != 2 {
		t.Fatalf("Close = %+v; want two entries", evs)
	}
	for _, ev := range evs {
		if len(ev.Errors) == 0 || ev.Heap != nil {
			t.Errorf("evidence %+v; want an error and no heap", ev)
		}
		if ev.CgroupUsageBytes != 95 {
			t.Errorf("evidence cgroup usage %d; want the sample's 95", ev.CgroupUsageBytes)
		}
	}
}

// fakeGC stands in for a target's GC trace: a served heap profile adds
// one collection of pause ms, as the forced GC's trace line would.
type fakeGC struct {
	mu    sync.Mutex
	n     int64
	pause float64
}

func (f *fakeGC) read() (int64, float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n, f.pause
}

func (f *fakeGC) add(pause float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.pause += pause
}

// TestCapturerStall: the stall of a heap profile is the pauses of the
// collections its GC trace reports during the capture; when the trace
// says nothing within gcLineWait, the stall is unknown and says why.
func TestCapturerStall(t *testing.T) {
	tests := []struct {
		name      string
		pause     float64 // added per profile served; < 0: no trace line
		wantStall *float64
	}{
		{name: "the forced collection's pause", pause: 0.75, wantStall: ptr(0.75)},
		{name: "no trace line", pause: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gc := &fakeGC{n: 7, pause: 100}
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {
				pprof.Index(w, r)
				if tt.pause >= 0 {
					gc.add(tt.pause)
				}
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c := New(Config{Target: "t", Runtime: "go", PID: os.Getpid(), BaseURL: srv.URL, PprofPath: "/debug/pprof/", Pprof: true,
				OutDir: t.TempDir(), LimitBytes: 100, Marks: []float64{0.5}, GC: gc.read})
			c.Observe(0, 60, -1)
			evs := c.Close()
			if len(evs) != 1 || evs[0].Heap == nil {
				t.Fatalf("Close = %+v; want one capture with a heap profile", evs)
			}
			cost := evs[0].Cost
			switch {
			case tt.wantStall == nil && (cost.StallMs != nil || !strings.Contains(strings.Join(evs[0].Errors, "; "), "no GC trace line")):
				t.Errorf("cost %+v, errors %q; want no stall and the reason", cost, evs[0].Errors)
			case tt.wantStall != nil && (cost.StallMs == nil || *cost.StallMs != *tt.wantStall || cost.Collections != 1):
				t.Errorf("cost %+v; want a stall of %v ms over 1 collection", cost, *tt.wantStall)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestCapturerFollowsRestart: after Attach, captures ask the new process
// (its smaps_rollup, its GC trace), not the first one, which is gone.
func TestCapturerFollowsRestart(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("no process to stand for the first one: %v", err)
	}
	oldGC, newGC := &fakeGC{n: 3}, &fakeGC{n: 1}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {
		pprof.Index(w, r)
		newGC.add(0.5) // the process serving the profile collects
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := New(Config{Target: "t", Runtime: "go", PID: dead.Process.Pid, BaseURL: srv.URL, PprofPath: "/debug/pprof/", Pprof: true,
		OutDir: t.TempDir(), LimitBytes: 100, Marks: []float64{0.5}, GC: oldGC.read})
	c.Attach(os.Getpid(), nil, newGC.read)
	c.Observe(0, 60, -1)
	evs := c.Close()
	if len(evs) != 1 {
		t.Fatalf("Close = %+v; want one capture", evs)
	}
	ev := evs[0]
	if ev.Smaps == nil || ev.Heap == nil || ev.Cost.StallMs == nil || *ev.Cost.StallMs != 0.5 || ev.Cost.RSSBeforeBytes <= 0 {
		t.Errorf("evidence smaps %+v, heap set %v, cost %+v, errors %q; want the new process's smaps_rollup, RSS and a 0.5 ms stall from its GC trace",
			ev.Smaps, ev.Heap != nil, ev.Cost, ev.Errors)
	}
}

// panicking is a RoundTripper that panics, as a fault in the harness's
// own capture code would.
type panicking struct{}

func (panicking) RoundTrip(*http.Request) (*http.Response, error) { panic("a capture fault") }

// TestCapturerPanic: a panic while capturing is recorded as that mark's
// error and reported to OnPanic; it does not end the process (the
// Capturer runs on a goroutine of its own, beyond the run's recover).
func TestCapturerPanic(t *testing.T) {
	var got []any
	c := New(Config{Target: "t", Runtime: "go", PID: os.Getpid(), BaseURL: "http://127.0.0.1:1", PprofPath: "/debug/pprof/", Pprof: true,
		OutDir: t.TempDir(), LimitBytes: 100, Marks: []float64{0.5}, Client: &http.Client{Transport: panicking{}},
		OnPanic: func(v any) { got = append(got, v) }})
	c.Observe(0, 60, -1)
	evs := c.Close() // waits for the capture: got is written before
	if len(evs) != 1 || len(evs[0].Errors) != 1 || !strings.Contains(evs[0].Errors[0], "internal error while capturing: a capture fault") || evs[0].Share != 0.5 {
		t.Errorf("Close = %+v; want the mark recorded with the fault as its error", evs)
	}
	if len(got) != 1 {
		t.Errorf("OnPanic called %d times; want once", len(got))
	}
}

// TestCapturerOnTaken: each capture is told as it is recorded, before
// Close — once Flush returns, the marks passed so far have been told, in
// the order taken — so the run log prints it in time order.
func TestCapturerOnTaken(t *testing.T) {
	var mu sync.Mutex
	var told []results.Evidence
	c := New(Config{Target: "t", Runtime: "other", PID: os.Getpid(), BaseURL: "http://127.0.0.1:1", OutDir: t.TempDir(),
		LimitBytes: 100, Marks: []float64{0.5, 0.8}, OnTaken: func(e results.Evidence) {
			mu.Lock()
			defer mu.Unlock()
			told = append(told, e)
		}})
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(told) }
	c.Observe(time.Second, 60, -1)
	c.Flush()
	if n := count(); n != 1 {
		t.Fatalf("after the 50%% mark and Flush: told %d; want 1", n)
	}
	c.Observe(2*time.Second, 90, -1)
	c.Flush()
	if n := count(); n != 2 {
		t.Fatalf("after the 80%% mark and Flush: told %d; want 2", n)
	}
	evs := c.Close()
	if len(evs) != 2 || count() != 2 {
		t.Fatalf("Close = %d evidence, told %d; want 2 and 2", len(evs), count())
	}
	for i := range evs {
		if told[i].Share != evs[i].Share || told[i].AtSeconds != evs[i].AtSeconds {
			t.Errorf("told %d = %.1f at %.1f s; Close has %.1f at %.1f s", i, told[i].Share, told[i].AtSeconds, evs[i].Share, evs[i].AtSeconds)
		}
	}
	if told[0].AtSeconds >= told[1].AtSeconds {
		t.Errorf("told out of order: %.1f s then %.1f s", told[0].AtSeconds, told[1].AtSeconds)
	}
}
