package gctrace

import (
	"math"
	"sync"
	"testing"
	"time"
)

func TestNewTracker(t *testing.T) {
	tests := []struct {
		runtime string
		wantNil bool
	}{
		{RuntimeGo, false},
		{RuntimeNode, false},
		{"other", true},
		{"", true},
		{RuntimePython, false},
		{RuntimeJVM, false},
	}
	for _, tt := range tests {
		t.Run(tt.runtime, func(t *testing.T) {
			if got := NewTracker(tt.runtime); (got == nil) != tt.wantNil {
				t.Errorf("NewTracker(%q) = %v; want nil %v", tt.runtime, got, tt.wantNil)
			}
		})
	}
}

func TestTrackerRecorded(t *testing.T) {
	tests := []struct {
		runtime, file string
		wantCount     int64
		wantHeap      int64
	}{
		// Go: the last cycle is gc 26, "540->540->102 MB".
		{RuntimeGo, "go.trace", 26, 102 << 20},
		// Node: every event counts (44 lines, one repeated by the OOM
		// report on stderr); the last is that repeat, 18.1 MB after.
		{RuntimeNode, "node.trace", 44, (181<<20 + 5) / 10},
	}
	for _, tt := range tests {
		t.Run(tt.runtime, func(t *testing.T) {
			tr := NewTracker(tt.runtime)
			if c, h := tr.Snapshot(); c != 0 || h != -1 {
				t.Errorf("Snapshot() before any line = %d, %d; want 0, -1", c, h)
			}
			for _, line := range readLines(t, tt.file) {
				tr.Feed(line)
			}
			if c, h := tr.Snapshot(); c != tt.wantCount || h != tt.wantHeap {
				t.Errorf("Snapshot() after %s = %d, %d; want %d, %d", tt.file, c, h, tt.wantCount, tt.wantHeap)
			}
		})
	}
}

func TestTrackerGoCountsCycles(t *testing.T) {
	line := func(seq, after string) string {
		return "gc " + seq + " @0.5s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 9->9->" + after + " MB, 12 MB goal, 2 P"
	}
	tests := []struct {
		name      string
		lines     []string
		wantCount int64
		wantHeap  int64
	}{
		{"in order", []string{line("1", "3"), line("2", "4")}, 2, 4 << 20},
		{"a lost line does not lose a cycle", []string{line("1", "3"), "gc 2 @0.4s 0%: 1+", line("3", "5")}, 3, 5 << 20},
		{"an older line is ignored", []string{line("5", "7"), line("4", "1")}, 5, 7 << 20},
		{"scavenger lines are not cycles", []string{"scav 0 KiB work (bg), 0 KiB work (eager), 4120 KiB now, 72% util"}, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker(RuntimeGo)
			for _, l := range tt.lines {
				tr.Feed(l)
			}
			if c, h := tr.Snapshot(); c != tt.wantCount || h != tt.wantHeap {
				t.Errorf("Snapshot() = %d, %d; want %d, %d", c, h, tt.wantCount, tt.wantHeap)
			}
		})
	}
}

func TestNilTracker(t *testing.T) {
	var tr *Tracker
	tr.Feed("gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB")
	if c, h := tr.Snapshot(); c != -1 || h != -1 {
		t.Errorf("nil Tracker Snapshot() = %d, %d; want -1, -1", c, h)
	}
}

// TestTrackerConcurrent feeds from two goroutines while a third takes
// snapshots, as a stream reader and a sampler do; run it with -race.
func TestTrackerConcurrent(t *testing.T) {
	lines := readLines(t, "node.trace")
	tr := NewTracker(RuntimeNode)
	const feeders, rounds = 2, 50
	var wg sync.WaitGroup
	for range feeders {
		wg.Go(func() {
			for range rounds {
				for _, l := range lines {
					tr.Feed(l)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	deadline := time.After(30 * time.Second)
	var last int64
	for stop := false; !stop; {
		select {
		case <-done:
			stop = true
		case <-deadline:
			t.Fatal("feeders did not finish within 30s")
		default:
		}
		c, _ := tr.Snapshot()
		if c < last {
			t.Fatalf("Snapshot() count went back from %d to %d", last, c)
		}
		last = c
	}
	if c, _ := tr.Snapshot(); c != feeders*rounds*44 {
		t.Errorf("Snapshot() count = %d; want %d", c, feeders*rounds*44)
	}
}

func BenchmarkTrackerFeed(b *testing.B) {
	tr := NewTracker(RuntimeNode)
	line := "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / 0.00 ms  (average mu = 1.000, current mu = 1.000) task; "
	b.ReportAllocs()
	for b.Loop() {
		tr.Feed(line)
	}
}

// TestTrackerPauses: Pauses sums the stop-the-world pauses of the cycles
// counted (Go: the first and last "ms clock" figures), so two readings
// bracket how long a span stopped the program; a line ignored by the
// count adds no pause either.
func TestTrackerPauses(t *testing.T) {
	line := func(seq, clock string) string {
		return "gc " + seq + " @0.5s 0%: " + clock + " ms clock, 1+1/1/1+1 ms cpu, 9->9->3 MB, 12 MB goal, 2 P"
	}
	tests := []struct {
		name      string
		lines     []string
		wantCount int64
		wantPause float64
	}{
		{"none", nil, 0, 0},
		{"summed", []string{line("1", "0.25+40+0.5"), line("2", "1+2+3")}, 2, 4.75},
		{"an older line adds nothing", []string{line("5", "1+9+1"), line("4", "100+1+100")}, 5, 2},
		{"a garbled line adds nothing", []string{line("1", "1+1+1"), "gc 2 @0.4s 0%: 7+"}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker(RuntimeGo)
			for _, l := range tt.lines {
				tr.Feed(l)
			}
			if c, p := tr.Pauses(); c != tt.wantCount || math.Abs(p-tt.wantPause) > 1e-9 {
				t.Errorf("Pauses() = %d, %v; want %d, %v", c, p, tt.wantCount, tt.wantPause)
			}
		})
	}
	var nilTracker *Tracker
	if c, p := nilTracker.Pauses(); c != -1 || p != -1 {
		t.Errorf("nil Tracker Pauses() = %d, %v; want -1, -1", c, p)
	}
}
