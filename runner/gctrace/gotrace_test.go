package gctrace

import "testing"

func TestParseGo(t *testing.T) {
	tests := []struct {
		name string
		line string
		ok   bool
		want Event
	}{
		{
			name: "brief example",
			line: "gc 20 @18.272s 0%: 0.21+14+0.25 ms clock, 0.42+0/1.8/12+0.51 ms cpu, 123->123->63 MB, 126 MB goal, 0 MB stacks, 0 MB globals, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 20, AtSeconds: 18.272, HeapBeforeBytes: 123 << 20,
				HeapAfterBytes: 63 << 20, HeapGoalBytes: 126 << 20, PauseMs: 0.21 + 0.25},
		},
		{
			name: "recorded, forced",
			line: "gc 14 @0.871s 1%: 0.25+2.5+0.006 ms clock, 0.50+0/0.48/0.25+0.012 ms cpu, 312->312->125 MB, 428 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 14, AtSeconds: 0.871, HeapBeforeBytes: 312 << 20,
				HeapAfterBytes: 125 << 20, HeapGoalBytes: 428 << 20, PauseMs: 0.25 + 0.006},
		},
		{
			name: "recorded, first cycle at zero",
			line: "gc 1 @0.000s 16%: 0.11+0.23+0.010 ms clock, 0.22+0.12/0.098/0.099+0.020 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 1, AtSeconds: 0, HeapBeforeBytes: 3 << 20,
				HeapAfterBytes: 3 << 20, HeapGoalBytes: 4 << 20, PauseMs: 0.11 + 0.010},
		},
		{
			name: "recorded, glued to app output without newline",
			line: "app: partial line gc 7 @0.267s 2%: 0.044+1.1+0.23 ms clock, 0.088+0/0.22/0.24+0.47 ms cpu, 220->221->96 MB, 259 MB goal, 0 MB stacks, 0 MB globals, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 7, AtSeconds: 0.267, HeapBeforeBytes: 220 << 20,
				HeapAfterBytes: 96 << 20, HeapGoalBytes: 259 << 20, PauseMs: 0.044 + 0.23},
		},
		{
			name: "Go 1.11 format, no stacks or globals",
			line: "gc 3 @0.021s 4%: 0.012+1.5+0.034 ms clock, 0.049+0.31/1.3/2.9+0.13 ms cpu, 4->5->1 MB, 5 MB goal, 4 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 3, AtSeconds: 0.021, HeapBeforeBytes: 4 << 20,
				HeapAfterBytes: 1 << 20, HeapGoalBytes: 5 << 20, PauseMs: 0.012 + 0.034},
		},
		{
			name: "Go 1.5 format, five clock phases",
			line: "gc 1 @0.015s 1%: 0.15+0.35+0.24+0.72+0.33 ms clock, 0.30+0.35+0+0.60/0.50/0.22+0.66 ms cpu, 4->4->1 MB, 4 MB goal, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 1, AtSeconds: 0.015, HeapBeforeBytes: 4 << 20,
				HeapAfterBytes: 1 << 20, HeapGoalBytes: 4 << 20, PauseMs: 0.15 + 0.33},
		},
		{
			name: "no goal",
			line: "gc 9 @2.5s 0%: 1+2+3 ms clock, 1+2/3/4+5 ms cpu, 10->11->7 MB",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 9, AtSeconds: 2.5, HeapBeforeBytes: 10 << 20,
				HeapAfterBytes: 7 << 20, HeapGoalBytes: -1, PauseMs: 4},
		},
		{
			name: "goroutine leak checking (Go 1.26 experiment)",
			line: "gc 5 @1.000s 2% (checking for goroutine leaks): 0.1+1+0.2 ms clock, 0.2+0/1/1+0.4 ms cpu, 8->8->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 5, AtSeconds: 1, HeapBeforeBytes: 8 << 20,
				HeapAfterBytes: 4 << 20, HeapGoalBytes: 9 << 20, PauseMs: 0.1 + 0.2},
		},
		{
			name: "truncated GC line glued to a whole one",
			line: "gc 4 @0.1s 0%: 0.1+gc 5 @0.2s 0%: 0.1+1+0.1 ms clock, 0.2+0/1/1+0.2 ms cpu, 6->6->2 MB, 7 MB goal, 2 P",
			ok:   true,
			want: Event{Runtime: "go", Kind: "gc", Seq: 5, AtSeconds: 0.2, HeapBeforeBytes: 6 << 20,
				HeapAfterBytes: 2 << 20, HeapGoalBytes: 7 << 20, PauseMs: 0.2},
		},
		{name: "truncated before the heap", line: "gc 20 @18.272s 0%: 0.21+14+0.25 ms clock, 0.42+0/1.8/12+0.51 ms cpu, 123->12"},
		{name: "scavenger, recorded", line: "scav 0 KiB work (bg), 537064 KiB work (eager), 541184 KiB now, 99% util (forced)"},
		{name: "scvg, Go 1.12", line: "scvg0: inuse: 426, idle: 0, sys: 427, released: 0, consumed: 427 (MB)"},
		{name: "gctrace=2 scan stats", line: "gc 1 @0.003s 2%: scanned stacks 1 KB"},
		{name: "word ending in gc", line: "xgc 1 @0.5s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB"},
		{name: "garbage, recorded", line: "app: \xff\xfe\x00garbage gc \x01@"},
		{name: "empty", line: ""},
		{name: "node line", line: "[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / 0.00 ms"},
		{name: "negative-looking heap", line: "gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, -1->1->1 MB"},
		{name: "absurd heap", line: "gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->99999999999999999 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseGo(tt.line)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseGo(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestParseGoRecorded parses the whole recorded trace: 26 cycles among
// scavenger lines, app output, a 100 kB line and bytes that are not UTF-8.
func TestParseGoRecorded(t *testing.T) {
	recordedGolden(t, "go.trace", ParseGo, 26)
}

func TestParseGoPrefixes(t *testing.T) {
	checkPrefixes(t, "go.trace", ParseGo)
}

func FuzzParseGo(f *testing.F) {
	for _, line := range readLines(f, "go.trace") {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok := ParseGo(line)
		if !ok {
			if ev != (Event{}) {
				t.Fatalf("ParseGo(%q) = %+v, false; want zero Event", line, ev)
			}
			return
		}
		if ev.Runtime != RuntimeGo || ev.Kind != "gc" || ev.Seq < 0 || ev.HeapBeforeBytes < 0 ||
			ev.HeapAfterBytes < 0 || ev.HeapGoalBytes < -1 || ev.PauseMs < 0 || ev.AtSeconds < 0 {
			t.Fatalf("ParseGo(%q) = %+v; a field is out of range", line, ev)
		}
		if again, _ := ParseGo(line); again != ev {
			t.Fatalf("ParseGo(%q) twice = %+v then %+v", line, ev, again)
		}
	})
}

func BenchmarkParseGo(b *testing.B) {
	lines := map[string]string{
		"event":    "gc 20 @18.272s 0%: 0.21+14+0.25 ms clock, 0.42+0/1.8/12+0.51 ms cpu, 123->123->63 MB, 126 MB goal, 0 MB stacks, 0 MB globals, 2 P",
		"scav":     "scav 0 KiB work (bg), 0 KiB work (eager), 4120 KiB now, 72% util",
		"long100k": "app: long " + string(make([]byte, 100_000)),
	}
	for _, name := range []string{"event", "scav", "long100k"} {
		line := lines[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				ParseGo(line)
			}
		})
	}
}
