package gctrace

import (
	"strings"
	"testing"
)

func TestParseNode(t *testing.T) {
	const mb = 1 << 20
	// v8mb is V8's one-decimal MiB in bytes, rounded as ParseNode does.
	v8mb := func(tenths int64) int64 { return (tenths*mb + 5) / 10 }
	tests := []struct {
		name string
		line string
		ok   bool
		want Event
	}{
		{
			name: "brief example, scavenge",
			line: "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / 0.00 ms (average mu = 1.000, current mu = 1.000) task;",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Scavenge", AtSeconds: 1.673, HeapBeforeBytes: v8mb(45),
				HeapAfterBytes: v8mb(41), HeapGoalBytes: -1, PauseMs: 2.47},
		},
		{
			name: "brief example, incremental mark-compact",
			line: "[15294:0x9defca0] 22561 ms: Mark-Compact 5.7 (8.0) -> 5.3 (8.0) MB, 1.39 / 0.00 ms (+ 0.0 ms in 1 steps ...) finalize incremental marking via task; GC in old space requested",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Mark-Compact", AtSeconds: 22.561, HeapBeforeBytes: v8mb(57),
				HeapAfterBytes: v8mb(53), HeapGoalBytes: -1, PauseMs: 1.39},
		},
		{
			name: "recorded Node 20, memory reducer",
			line: "[8726:0x333c7ee0]     8194 ms: Mark-Compact (reduce) 10.9 (19.7) -> 2.6 (5.0) MB, 1.84 / 0.00 ms  (+ 0.2 ms in 4 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 4 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via task; GC in old space requested",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Mark-Compact (reduce)", AtSeconds: 8.194, HeapBeforeBytes: v8mb(109),
				HeapAfterBytes: v8mb(26), HeapGoalBytes: -1, PauseMs: 1.84},
		},
		{
			name: "recorded Node 20 --minor-mc",
			line: "[4914:0x3eaa1ee0]       27 ms: Minor Mark-Compact 3.9 (4.0) -> 3.5 (4.2) MB, 2.61 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Minor Mark-Compact", AtSeconds: 0.027, HeapBeforeBytes: v8mb(39),
				HeapAfterBytes: v8mb(35), HeapGoalBytes: -1, PauseMs: 2.61},
		},
		{
			name: "recorded, last GC before heap OOM",
			line: "[9326:0xfdd6ec0]      107 ms: Mark-Compact 34.8 (51.8) -> 34.0 (67.1) MB, 31.51 / 0.00 ms  (average mu = 0.225, current mu = 0.225) allocation failure; scavenge might not succeed",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Mark-Compact", AtSeconds: 0.107, HeapBeforeBytes: v8mb(348),
				HeapAfterBytes: v8mb(340), HeapGoalBytes: -1, PauseMs: 31.51},
		},
		{
			name: "recorded, glued to app output without newline",
			line: "app: partial line [7219:0x378a2ce0]      246 ms: Scavenge 93.0 (112.3) -> 93.9 (111.9) MB, 21.31 / 0.00 ms  (average mu = 1.000, current mu = 1.000) task; ",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Scavenge", AtSeconds: 0.246, HeapBeforeBytes: v8mb(930),
				HeapAfterBytes: v8mb(939), HeapGoalBytes: -1, PauseMs: 21.31},
		},
		{
			name: "recorded OOM report: truncated event glued to the next",
			line: "[9326:0xfdd6ec0]       67 ms: Mark-Compact 18.7 (49.7) -> 18.1 (51.2) MB, 3.13 / 0.00 ms  (+ 2.0 ms in 23 steps since start of marking, finalize incrementa[9326:0xfdd6ec0]      107 ms: Mark-Compact 34.8 (51.8) -> 34.0 (67.1) MB, 31.51 / 0.00 ms  (average mu = 0.225, current mu = 0.225) allocation failure; scavenge might not succeed",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Mark-Compact", AtSeconds: 0.067, HeapBeforeBytes: v8mb(187),
				HeapAfterBytes: v8mb(181), HeapGoalBytes: -1, PauseMs: 3.13},
		},
		{
			name: "Node 22 --minor-ms, no pid prefix",
			line: "   48 ms: Minor Mark-Sweep 4.2 (4.5) -> 3.8 (5.5) MB, 0.94 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure;",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Minor Mark-Sweep", AtSeconds: 0.048, HeapBeforeBytes: v8mb(42),
				HeapAfterBytes: v8mb(38), HeapGoalBytes: -1, PauseMs: 0.94},
		},
		{
			name: "newer V8, pooled field and interleaved",
			line: "[1:0x2a0b000]    90 ms: Scavenge (interleaved) 7.1 (9.0) -> 6.9 (10.0) MB, pooled: 0 MB, 1.25 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure;",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Scavenge (interleaved)", AtSeconds: 0.09, HeapBeforeBytes: v8mb(71),
				HeapAfterBytes: v8mb(69), HeapGoalBytes: -1, PauseMs: 1.25},
		},
		{
			name: "old V8 (Node 6), Mark-sweep and bracketed reason",
			line: "[2424:0x103800000]      112 ms: Mark-sweep 9.6 (13.0) -> 8.5 (13.0) MB, 4.7 ms [allocation failure] [GC in old space requested].",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Mark-sweep", AtSeconds: 0.112, HeapBeforeBytes: v8mb(96),
				HeapAfterBytes: v8mb(85), HeapGoalBytes: -1, PauseMs: 4.7},
		},
		{
			name: "truncated right after the pause",
			line: "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / ",
			ok:   true,
			want: Event{Runtime: "node", Kind: "Scavenge", AtSeconds: 1.673, HeapBeforeBytes: v8mb(45),
				HeapAfterBytes: v8mb(41), HeapGoalBytes: -1, PauseMs: 2.47},
		},
		{name: "truncated in the sizes", line: "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6"},
		{name: "OOM banner, recorded", line: "<--- Last few GCs --->"},
		{name: "garbage with ms:, recorded", line: "app: \xff\xfe\x00 ms: "},
		{name: "app line mentioning ms", line: "request took 12 ms: ok 5 (3) -> 4 (2) MB"},
		{name: "nvp format", line: "[1:0x1]    5 ms: pause=1.2 mutator=3.4 gc=s"},
		{name: "go line", line: "gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB"},
		{name: "kind too long", line: "1 ms: " + strings.Repeat("A", 60) + " 1.0 (2.0) -> 1.0 (2.0) MB, 1.0 / 0.0 ms"},
		{name: "empty", line: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseNode(tt.line)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseNode(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestParseNodeRecorded parses the whole recorded trace: Node 20 runs with
// app output, a 100 kB line, bytes that are not UTF-8, the memory
// reducer, --minor-mc, and a heap OOM whose stderr report repeats the
// last GCs (so one event appears twice: feed a Tracker stdout only).
func TestParseNodeRecorded(t *testing.T) {
	recordedGolden(t, "node.trace", ParseNode, 44)
}

func TestParseNodePrefixes(t *testing.T) {
	checkPrefixes(t, "node.trace", ParseNode)
}

func TestParseNodeKindDoesNotAllocate(t *testing.T) {
	line := "[8726:0x333c7ee0]     8194 ms: Mark-Compact (reduce) 10.9 (19.7) -> 2.6 (5.0) MB, 1.84 / 0.00 ms"
	if n := testing.AllocsPerRun(100, func() { ParseNode(line) }); n != 0 {
		t.Errorf("ParseNode allocations per line = %v; want 0", n)
	}
}

func FuzzParseNode(f *testing.F) {
	for _, line := range readLines(f, "node.trace") {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok := ParseNode(line)
		if !ok {
			if ev != (Event{}) {
				t.Fatalf("ParseNode(%q) = %+v, false; want zero Event", line, ev)
			}
			return
		}
		if ev.Runtime != RuntimeNode || ev.Kind == "" || ev.Seq != 0 || ev.HeapBeforeBytes < 0 ||
			ev.HeapAfterBytes < 0 || ev.HeapGoalBytes != -1 || ev.PauseMs < 0 || ev.AtSeconds < 0 {
			t.Fatalf("ParseNode(%q) = %+v; a field is out of range", line, ev)
		}
		if !strings.Contains(line, ev.Kind) {
			t.Fatalf("ParseNode(%q).Kind = %q; not in the line", line, ev.Kind)
		}
		if again, _ := ParseNode(line); again != ev {
			t.Fatalf("ParseNode(%q) twice = %+v then %+v", line, ev, again)
		}
	})
}

func BenchmarkParseNode(b *testing.B) {
	lines := map[string]string{
		"scavenge":     "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / 0.00 ms  (average mu = 1.000, current mu = 1.000) task; ",
		"mark-compact": "[4529:0x449b91b0]      352 ms: Mark-Compact 134.1 (168.0) -> 18.6 (55.0) MB, 1.79 / 0.00 ms  (+ 0.8 ms in 25 steps since start of marking, biggest step 0.2 ms, walltime since start of marking 5 ms) (average mu = 0.986, current mu = 0.986) finalize incremental marking via stack guard; GC in old space requested",
		"app":          "app: progress 401000",
		"long100k":     "app: long " + strings.Repeat("x", 100_000),
	}
	for _, name := range []string{"scavenge", "mark-compact", "app", "long100k"} {
		line := lines[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				ParseNode(line)
			}
		})
	}
}
