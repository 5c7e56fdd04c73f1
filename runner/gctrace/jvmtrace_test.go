package gctrace

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseJVM(t *testing.T) {
	const k, m = 1 << 10, 1 << 20
	tests := []struct {
		name string
		line string
		ok   bool
		want Event
	}{
		{
			name: "G1 young pause, JDK 17",
			line: "[0.301s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 16.095ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Young (Normal) (G1 Evacuation Pause)", Seq: 1, AtSeconds: 0.301,
				HeapBeforeBytes: 6 * m, HeapAfterBytes: 2 * m, HeapCommittedBytes: 64 * m, HeapGoalBytes: -1, PauseMs: 16.095},
		},
		{
			name: "full pause with parentheses in the cause",
			line: "[0.831s][info][gc] GC(14) Pause Full (System.gc()) 39M->19M(64M) 31.668ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Full (System.gc())", Seq: 15, AtSeconds: 0.831,
				HeapBeforeBytes: 39 * m, HeapAfterBytes: 19 * m, HeapCommittedBytes: 64 * m, HeapGoalBytes: -1, PauseMs: 31.668},
		},
		{
			name: "pid decorator",
			line: "[0.572s][4219][info][gc] GC(49) Pause Cleanup 27M->27M(32M) 0.037ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Cleanup", Seq: 50, AtSeconds: 0.572, PID: 4219,
				HeapBeforeBytes: 27 * m, HeapAfterBytes: 27 * m, HeapCommittedBytes: 32 * m, HeapGoalBytes: -1, PauseMs: 0.037},
		},
		{
			name: "padded tags of -Xlog:gc*, kilobytes",
			line: "[0.380s][info][gc          ] GC(0) Pause Young (Allocation Failure) 17444K->2433K(62912K) 16.356ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Young (Allocation Failure)", Seq: 1, AtSeconds: 0.38,
				HeapBeforeBytes: 17444 * k, HeapAfterBytes: 2433 * k, HeapCommittedBytes: 62912 * k, HeapGoalBytes: -1, PauseMs: 16.356},
		},
		{
			name: "Shenandoah pause without figures",
			line: "[0.491s][info][gc] GC(0) Pause Init Mark (unload classes) 0.026ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Init Mark (unload classes)", Seq: 1, AtSeconds: 0.491,
				HeapBeforeBytes: -1, HeapAfterBytes: -1, HeapGoalBytes: -1, PauseMs: 0.026},
		},
		{
			name: "Shenandoah concurrent phase with figures: no pause",
			line: "[0.453s][info][gc] GC(3) Concurrent cleanup 24M->23M(64M) 0.009ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Concurrent cleanup", Seq: 4, AtSeconds: 0.453,
				HeapBeforeBytes: 24 * m, HeapAfterBytes: 23 * m, HeapCommittedBytes: 64 * m, HeapGoalBytes: -1},
		},
		{
			name: "ZGC, JDK 17",
			line: "[1.085s][info][gc] GC(0) Garbage Collection (Warmup) 8M(12%)->24M(38%)",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Garbage Collection (Warmup)", Seq: 1, AtSeconds: 1.085,
				HeapBeforeBytes: 8 * m, HeapAfterBytes: 24 * m, HeapGoalBytes: -1},
		},
		{
			name: "generational ZGC, JDK 25",
			line: "[0.583s][info][gc] GC(3) Minor Collection (Allocation Rate) 28M(44%)->20M(31%) 0.014s",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Minor Collection (Allocation Rate)", Seq: 4, AtSeconds: 0.583,
				HeapBeforeBytes: 28 * m, HeapAfterBytes: 20 * m, HeapGoalBytes: -1},
		},
		{
			name: "no decorators",
			line: "GC(2) Pause Young (Normal) (G1 Evacuation Pause) 1G->512M(2G) 100ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Young (Normal) (G1 Evacuation Pause)", Seq: 3,
				HeapBeforeBytes: 1 << 30, HeapAfterBytes: 512 * m, HeapCommittedBytes: 2 << 30, HeapGoalBytes: -1, PauseMs: 100},
		},
		{
			name: "glued to application output",
			line: "listening on 8080[0.384s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 14M->6M(64M) 28.171ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Young (Normal) (G1 Evacuation Pause)", Seq: 3, AtSeconds: 0.384,
				HeapBeforeBytes: 14 * m, HeapAfterBytes: 6 * m, HeapCommittedBytes: 64 * m, HeapGoalBytes: -1, PauseMs: 28.171},
		},
		{
			name: "two processes glued: the higher number",
			line: "[0.401s][5002][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 5M->1M(64M) 3.100ms[0.402s][5001][info][gc] GC(3) Pause Remark 20M->9M(64M) 9.500ms",
			ok:   true,
			want: Event{Runtime: "jvm", Kind: "Pause Remark", Seq: 4, AtSeconds: 0.402, PID: 5001,
				HeapBeforeBytes: 20 * m, HeapAfterBytes: 9 * m, HeapCommittedBytes: 64 * m, HeapGoalBytes: -1, PauseMs: 9.5},
		},
		{name: "cut before the pause's unit", line: "[0.410s][info][gc] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 22M->10M(64M) 4.2"},
		{name: "cut in the committed heap", line: "[0.420s][info][gc] GC(5) Pause Young (Normal) (G1 Evacuation Pause) 24M->11M(6"},
		{name: "cut after the arrow", line: "[0.420s][info][gc] GC(5) Concurrent cleanup 24M->"},
		{name: "pause without its duration", line: "[0.420s][info][gc] GC(5) Pause Young (Normal) (G1 Evacuation Pause) 24M->11M(64M)"},
		{name: "a finer tag with figures", line: "[0.431s][info][gc,heap     ] GC(6) DefNew: 17444K(19648K)->2176K(19648K) Eden: 17444K(17472K)->0K(17472K)"},
		{name: "a finer tag with a pause", line: "[0.431s][info][gc,start    ] GC(6) Pause Young (Allocation Failure) 1ms"},
		{name: "region counts are not sizes", line: "[0.430s][info][gc] GC(6) Eden regions: 12->0(14)"},
		{name: "concurrent cycle start", line: "[0.742s][info][gc] GC(9) Concurrent Mark Cycle"},
		{name: "concurrent cycle end: no figures, no pause", line: "[0.793s][info][gc] GC(9) Concurrent Mark Cycle 51.019ms"},
		{name: "to-space exhausted", line: "[0.572s][4219][info][gc] GC(51) To-space exhausted"},
		{name: "not a GC line", line: "[0.012s][info][gc] Using G1"},
		{name: "text before GC(", line: "we ran GC(3) Pause Full (x) 1M->1M(2M) 1ms"},
		{name: "phase of -Xlog:gc* without decorators", line: "GC(0)   Pre Evacuate Collection Set: 0.1ms"},
		{name: "sizes without units", line: "[0.3s][info][gc] GC(0) Pause Young 6->2(64) 1ms"},
		{name: "the OutOfMemoryError", line: `Exception in thread "main" java.lang.OutOfMemoryError: Java heap space`},
		{name: "empty", line: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseJVM(tt.line)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseJVM(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// jvmRecordings are the recorded logs and the events each holds.
var jvmRecordings = []struct {
	file   string
	events int
	count  int64 // collections: the highest GC(N) + 1
}{
	{"jdk17-G1.log", 16, 15},
	{"jdk17-Serial.log", 13, 13},
	{"jdk17-Parallel.log", 21, 21},
	{"jdk17-Z.log", 9, 9},
	{"jdk17-Shenandoah.log", 84, 14},
	{"jdk17-G1-oom-pid.log", 61, 54},
	{"jdk17-Serial-gcstar.log", 13, 13},
	{"jdk25-G1.log", 13, 12},
	{"jdk25-Serial.log", 12, 12},
	{"jdk25-Parallel.log", 12, 12},
	{"jdk25-Z.log", 19, 19},
	{"jdk25-Shenandoah.log", 42, 12},
	{"interleaved.log", 7, 9}, // GC(9) is cut: no figures, no count
}

func TestParseJVMRecorded(t *testing.T) {
	for _, r := range jvmRecordings {
		t.Run(strings.TrimSuffix(r.file, ".log"), func(t *testing.T) {
			var b strings.Builder
			events := 0
			for i, line := range readLines(t, filepath.Join("jvm", r.file)) {
				if ev, ok := ParseJVM(line); ok {
					events++
					fmt.Fprintf(&b, "line %d: %q seq=%d pid=%d at=%.3fs before=%d after=%d committed=%d pause=%.3fms\n",
						i+1, ev.Kind, ev.Seq, ev.PID, ev.AtSeconds, ev.HeapBeforeBytes, ev.HeapAfterBytes, ev.HeapCommittedBytes, ev.PauseMs)
				}
			}
			fmt.Fprintf(&b, "events: %d\n", events)
			if events != r.events {
				t.Errorf("events parsed from %s = %d; want %d", r.file, events, r.events)
			}
			checkGolden(t, b.String())
		})
	}
}

// TestParseJVMPrefixes cuts every event line of the recordings at every
// byte: a cut line gives no event or the whole line's. interleaved.log is
// left out: a cut of two glued events may rightly give the first one; its
// cut lines are TestParseJVM's.
func TestParseJVMPrefixes(t *testing.T) {
	for _, r := range jvmRecordings {
		if r.file == "interleaved.log" {
			continue
		}
		t.Run(r.file, func(t *testing.T) {
			checkPrefixes(t, filepath.Join("jvm", r.file), ParseJVM)
		})
	}
}

// TestTrackerJVM feeds each recording to a Tracker: the count is the
// JVM's own numbering (so a lost or cut line does not make it fall
// behind), the heap is the latest printed.
func TestTrackerJVM(t *testing.T) {
	for _, r := range jvmRecordings {
		t.Run(r.file, func(t *testing.T) {
			tr := NewTracker(RuntimeJVM)
			var lastAfter, lastCommitted int64 = -1, 0
			for _, line := range readLines(t, filepath.Join("jvm", r.file)) {
				tr.Feed(line)
				if ev, ok := ParseJVM(line); ok && ev.HeapAfterBytes >= 0 {
					lastAfter, lastCommitted = ev.HeapAfterBytes, ev.HeapCommittedBytes
				}
			}
			n, heap := tr.Snapshot()
			after, committed := tr.Heap()
			if n != r.count || heap != lastAfter || after != lastAfter || committed != lastCommitted {
				t.Errorf("%s: Snapshot() = %d, %d; Heap() = %d, %d; want %d, %d; %d, %d",
					r.file, n, heap, after, committed, r.count, lastAfter, lastAfter, lastCommitted)
			}
		})
	}
}

// TestTrackerJVMPauses: a cycle's pauses printed after a younger pause
// (G1's Remark and Cleanup) are summed, not dropped as stale.
func TestTrackerJVMPauses(t *testing.T) {
	tr := NewTracker(RuntimeJVM)
	for _, l := range []string{
		"[0.440s][info][gc] GC(7) Concurrent Mark Cycle",
		"[0.450s][info][gc] GC(8) Pause Young (Normal) (G1 Evacuation Pause) 30M->14M(64M) 6.000ms",
		"[0.460s][info][gc] GC(7) Pause Remark 31M->20M(64M) 0.500ms",
		"[0.461s][info][gc] GC(7) Pause Cleanup 20M->19M(64M) 0.250ms",
	} {
		tr.Feed(l)
	}
	n, pause := tr.Pauses()
	after, committed := tr.Heap()
	if n != 9 || pause != 6.75 || after != 19<<20 || committed != 64<<20 {
		t.Errorf("Pauses() = %d, %g; Heap() = %d, %d; want 9, 6.75; %d, %d", n, pause, after, committed, 19<<20, 64<<20)
	}
}

// TestTrackerJVMPerProcess: two JVMs of one tree number their
// collections each from 0: the count is the sum, the heap the sum of
// each one's latest.
func TestTrackerJVMPerProcess(t *testing.T) {
	tr := NewTracker(RuntimeJVM)
	for _, l := range []string{
		"[0.3s][100][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 1.000ms",
		"[0.3s][200][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(32M) 2.000ms",
		"[0.4s][100][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 8M->4M(64M) 1.000ms",
		"[0.5s][200][info][gc] GC(1) Pause Init Mark 0.500ms", // no figures: 200's heap stays 3M
		"[0.6s][100][info][gc] GC(1) Pause Remark 5M->5M(64M) 0.250ms",
	} {
		tr.Feed(l)
	}
	n, heap := tr.Snapshot()
	_, committed := tr.Heap()
	_, pause := tr.Pauses()
	if n != 4 || heap != 8<<20 || committed != 96<<20 || pause != 4.75 {
		t.Errorf("Snapshot() = %d, %d MiB; committed %d MiB; pauses %g ms; want 4, 8 MiB (5 + 3), 96 MiB, 4.75 ms", n, heap>>20, committed>>20, pause)
	}
	// Past maxTrackedPIDs processes, the rest are counted together.
	many := NewTracker(RuntimeJVM)
	for pid := 1; pid <= maxTrackedPIDs+10; pid++ {
		many.Feed(fmt.Sprintf("[0.1s][%d][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 2M->1M(4M) 1.000ms", pid))
	}
	if n, _ := many.Snapshot(); n < maxTrackedPIDs || len(many.procs) > maxTrackedPIDs+1 {
		t.Errorf("%d JVMs: count %d, %d kept apart; want ≥ %d, at most %d", maxTrackedPIDs+10, n, len(many.procs), maxTrackedPIDs, maxTrackedPIDs+1)
	}
}

func FuzzParseJVM(f *testing.F) {
	for _, r := range jvmRecordings {
		for _, line := range readLines(f, filepath.Join("jvm", r.file)) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok := ParseJVM(line)
		if !ok {
			if ev != (Event{}) {
				t.Fatalf("ParseJVM(%q) = %+v, false; want zero Event", line, ev)
			}
			return
		}
		if ev.Runtime != RuntimeJVM || ev.Kind == "" || ev.Seq < 1 || ev.HeapBeforeBytes < -1 || ev.HeapAfterBytes < -1 ||
			(ev.HeapAfterBytes < 0) != (ev.HeapBeforeBytes < 0) || ev.HeapCommittedBytes < 0 || ev.HeapGoalBytes != -1 ||
			ev.PauseMs < 0 || ev.AtSeconds < 0 || ev.PID < 0 || (ev.HeapAfterBytes < 0 && ev.PauseMs == 0 && !strings.Contains(line, "Pause ")) {
			t.Fatalf("ParseJVM(%q) = %+v; a field is out of range", line, ev)
		}
		if !strings.Contains(line, ev.Kind) {
			t.Fatalf("ParseJVM(%q).Kind = %q; not in the line", line, ev.Kind)
		}
		if again, _ := ParseJVM(line); again != ev {
			t.Fatalf("ParseJVM(%q) twice = %+v then %+v", line, ev, again)
		}
	})
}

func BenchmarkParseJVM(b *testing.B) {
	lines := map[string]string{
		"event":  "[0.301s][12345][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 16.095ms",
		"other":  "[0.012s][info][gc] Using G1",
		"app":    "GET /upload 200 12ms",
		"gcstar": "[0.380s][info][gc,heap     ] GC(0) DefNew: 17444K(19648K)->2176K(19648K) Eden: 17444K(17472K)->0K(17472K)",
	}
	for name, line := range lines {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseJVM(line)
			}
		})
	}
}
