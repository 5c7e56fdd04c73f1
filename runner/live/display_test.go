package live

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oomlab/oomlab/runner/results"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func info() results.RunInfo {
	return results.RunInfo{
		Scenario: "upload-proxy", MemoryLimitBytes: 256 << 20, Parallel: true,
		Stages:  []results.StageSpan{{Index: 0, RatePerSecond: 10, EndSeconds: 10}, {Index: 1, RatePerSecond: 20, StartSeconds: 10, EndSeconds: 20}},
		Phases:  []results.PhaseSpan{{Name: "slow", EndSeconds: 20}},
		Targets: []results.TargetInfo{{Name: "upload-naive", Runtime: "go"}, {Name: "upload-aware", Runtime: "go"}},
	}
}

// feed plays a short run into d: both loads start at t0, the naive target
// climbs and dies at 12.5 s.
func feed(d *Display, clock *atomic.Int64, t0 time.Time) {
	clock.Store(t0.UnixNano())
	d.RunStarted(info())
	for _, n := range []string{"upload-naive", "upload-aware"} {
		d.Event(results.RunEvent{Kind: results.EventLoadStarted, Target: n})
		d.Event(results.RunEvent{Kind: results.EventStage, Target: n, Stage: 0})
		d.Event(results.RunEvent{Kind: results.EventPhase, Target: n, Phase: "slow"})
	}
	for i := range 120 {
		ts := float64(i) / 10
		d.Sample(results.SampleRow{Target: "upload-naive", TSeconds: ts, RSSBytes: int64(20+i) << 20, GCCount: int64(i / 5)})
		d.Sample(results.SampleRow{Target: "upload-aware", TSeconds: ts, RSSBytes: 23 << 20, GCCount: int64(i / 20)})
	}
	d.Event(results.RunEvent{Kind: results.EventStage, Target: "upload-naive", Stage: 1})
	d.LoadWindow(results.LoadRow{Target: "upload-naive", TSeconds: 12, OfferedPerSecond: 20, Done: 5, Successes: 4, Errors: 1, P95Ms: 2310})
	d.LoadWindow(results.LoadRow{Target: "upload-aware", TSeconds: 12, OfferedPerSecond: 20, Done: 20, Successes: 6, Shed: 13, Errors: 1, P95Ms: 850})
	clock.Store(t0.Add(12 * time.Second).UnixNano())
}

// fakeClock returns a clock that starts at noon and the function reading it.
func fakeClock() (*atomic.Int64, time.Time, func() time.Time) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var c atomic.Int64
	c.Store(t0.UnixNano())
	return &c, t0, func() time.Time { return time.Unix(0, c.Load()).UTC() }
}

func TestPlain(t *testing.T) {
	var out, errw bytes.Buffer
	clock, t0, now := fakeClock()
	d := newDisplay(&out, &errw, true, time.Hour, now)
	feed(d, clock, t0)
	d.printPlain()
	d.Event(results.RunEvent{Kind: results.EventDeath, Target: "upload-naive", AtSeconds: 12.5, Outcome: "oom-killed"})
	d.Event(results.RunEvent{Kind: results.EventTargetDone, Target: "upload-naive", Outcome: "oom-killed"})
	d.Event(results.RunEvent{Kind: results.EventWarning, Target: "upload-aware", Detail: "stage 2 fell behind"})
	clock.Add(int64(5 * time.Second))
	d.printPlain()
	d.Close()
	golden(t, out.String())
	if got := errw.String(); got != "warning: upload-aware: stage 2 fell behind\n" {
		t.Errorf("stderr = %q; want the warning", got)
	}
	if n := strings.Count(out.String(), "target"); n != 1 {
		t.Errorf("header printed %d times; want once", n)
	}
	for i, line := range strings.Split(out.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("plain line %d is %d columns (> 80): %q", i+1, n, line)
		}
	}
}

// TestTerminal draws through mpb as on a terminal and checks what a
// person would read: each target's name, RSS against the limit, the stage
// and the outcome once a target has ended.
func TestTerminal(t *testing.T) {
	var errw bytes.Buffer
	clock, t0, now := fakeClock()
	var out syncBuffer
	d := newDisplay(&out, &errw, false, 10*time.Millisecond, now)
	d.tty = true
	feed(d, clock, t0)
	out.waitFor(t, "stage 2/2", 10*time.Second) // a frame of mpb's own, drawn from the fed state
	d.Log().Write([]byte("target      upload-naive: oom-killed\n"))
	d.Event(results.RunEvent{Kind: results.EventTargetDone, Target: "upload-naive", Outcome: "oom-killed"})
	d.Close()
	text := out.String()
	for _, want := range []string{"upload-naive", "upload-aware", "23.0 MiB / 256.0 MiB  slow", "stage 2/2", "ok   6/20/s", "p95  850ms", "shed  13/s", "oom-killed", "target      upload-naive"} {
		if !strings.Contains(text, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "[#") {
		t.Errorf("terminal output has no bar:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if n := len([]rune(strings.TrimRight(l, " "))); n > 80 && strings.Contains(l, "/s") {
			t.Errorf("terminal line of %d columns; want ≤ 80: %q", n, l)
		}
	}
}

func TestCloseWithoutStart(t *testing.T) {
	d := NewPlain(&bytes.Buffer{}, &bytes.Buffer{})
	d.Close()
	d.Close()
}

func golden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("testdata", t.Name()+".txt")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// syncBuffer is a bytes.Buffer safe for mpb's goroutine and the test,
// which can wait for a text to be written.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // closed at the next write; nil until waited on
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote != nil {
		close(s.wrote)
		s.wrote = nil
	}
	return s.b.Write(p)
}

// waitFor returns once the buffer holds text, woken by each write; it
// fails t if that takes longer than within.
func (s *syncBuffer) waitFor(t *testing.T, text string, within time.Duration) {
	t.Helper()
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if strings.Contains(s.b.String(), text) {
			s.mu.Unlock()
			return
		}
		if s.wrote == nil {
			s.wrote = make(chan struct{})
		}
		wrote := s.wrote
		s.mu.Unlock()
		select {
		case <-wrote:
		case <-timer.C:
			t.Fatalf("%q not written within %s; got:\n%s", text, within, s.String())
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNarration(t *testing.T) {
	var out, errw bytes.Buffer
	clock, t0, now := fakeClock()
	d := newDisplay(&out, &errw, true, time.Hour, now)
	d.Narrate = true
	in := info()
	in.Targets[0].Role, in.Targets[1].Role = "naive", "aware"
	in.Phases[0].LatencySeconds, in.Phases[0].Capacity = 2, 32
	clock.Store(t0.UnixNano())
	d.RunStarted(in)
	for _, n := range []string{"upload-naive", "upload-aware"} {
		d.Event(results.RunEvent{Kind: results.EventStage, Target: n, Stage: 0})
		d.Event(results.RunEvent{Kind: results.EventPhase, Target: n, Phase: "slow"})
	}
	d.Event(results.RunEvent{Kind: results.EventStage, Target: "upload-naive", Stage: 1})
	d.Event(results.RunEvent{Kind: results.EventDeath, Target: "upload-naive", AtSeconds: 21.9, Outcome: "oom-killed"})
	d.Close()
	golden(t, out.String())
	for i, line := range strings.Split(out.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > narrationColumns {
			t.Errorf("narration line %d is %d columns (> %d): %q", i+1, n, narrationColumns, line)
		}
	}
}

// TestDrawingPanic makes the clock panic once the run is under way, as a
// fault in what the drawing goroutines render would: in plain mode on the
// display's own goroutine, on a terminal in mpb's (a decorator). Either
// way the process goes on, the fault is said once, log lines written
// afterwards still reach the output, and Close returns.
func TestDrawingPanic(t *testing.T) {
	for _, plain := range []bool{true, false} {
		t.Run(map[bool]string{true: "plain", false: "terminal"}[plain], func(t *testing.T) {
			var out, errw syncBuffer
			clock, t0, now := fakeClock()
			var broken atomic.Bool
			d := newDisplay(&out, &errw, plain, 10*time.Millisecond, func() time.Time {
				if broken.Load() {
					panic("injected fault in the clock")
				}
				return now()
			})
			d.tty = true
			feed(d, clock, t0)
			broken.Store(true)
			errw.waitFor(t, "internal error in the live display", 10*time.Second)
			fmt.Fprintf(d.Log(), "a line after the fault\n")
			broken.Store(false)
			d.Close()
			if !strings.Contains(out.String(), "a line after the fault") {
				t.Errorf("output lacks the log line written after the fault:\n%s", out.String())
			}
			if n := strings.Count(errw.String(), "internal error"); n != 1 {
				t.Errorf("fault said %d times; want once", n)
			}
		})
	}
}

func TestNarrationWraps(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"short", "downstream \"slow\": healthy", ">> downstream \"slow\": healthy\n"},
		{"80 columns exactly", strings.Repeat("x", 77), ">> " + strings.Repeat("x", 77) + "\n"},
		{"one past", strings.Repeat("x", 70) + " abcdefg", ">> " + strings.Repeat("x", 70) + "\n   abcdefg\n"},
		{"a long word keeps its own line", "a " + strings.Repeat("y", 90) + " b", ">> a\n   " + strings.Repeat("y", 90) + "\n   b\n"},
		{"runes, not bytes", strings.Repeat("—", 77), ">> " + strings.Repeat("—", 77) + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := narration(tc.text); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
