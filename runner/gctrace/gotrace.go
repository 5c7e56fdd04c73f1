package gctrace

import "math"

// ParseGo reads one line of Go's GODEBUG=gctrace=1 output, such as
//
//	gc 20 @18.272s 0%: 0.21+14+0.25 ms clock, 0.42+0/1.8/12+0.51 ms cpu, 123->123->63 MB, 126 MB goal, 0 MB stacks, 0 MB globals, 2 P
//
// and reports false for anything else: scavenger lines ("scav ...",
// "scvg0: ..."), application output, truncated or garbled lines. Older
// formats (no goal, stacks or globals), the " (forced)" suffix and
// "(checking for goroutine leaks)" after the percentage are accepted.
// When application output was written without a newline just before the
// runtime's line ("app: partial line gc 7 @0.267s ..."), the GC line is
// still found; a line holds at most one event, the first complete one.
//
// Field mapping: HeapBeforeBytes, HeapAfterBytes are A and C of
// "A->B->C MB" (C is the live heap marked by the cycle, the figure that
// tracks a leak), HeapGoalBytes is "N MB goal" (-1 when absent), PauseMs
// is the first plus the last "ms clock" figure (the stop-the-world sweep
// termination and mark termination). ParseGo does not allocate.
func ParseGo(line string) (Event, bool) {
	for from := 0; ; {
		j := indexFrom(line, "gc ", from)
		if j < 0 {
			return Event{}, false
		}
		if j == 0 || !isWordByte(line[j-1]) {
			if ev, ok := parseGoAt(line, j+len("gc ")); ok {
				return ev, true
			}
		}
		from = j + 1
	}
}

// parseGoAt parses the text after "gc ".
func parseGoAt(line string, at int) (Event, bool) {
	c := cursor{s: line, i: at}
	ev := Event{Runtime: RuntimeGo, Kind: "gc", HeapGoalBytes: -1}
	var ok bool
	if ev.Seq, ok = c.uint(); !ok || !c.lit(" @") {
		return Event{}, false
	}
	if ev.AtSeconds, ok = c.float(); !ok || !c.lit("s ") {
		return Event{}, false
	}
	// "0%: " or "0% (checking for goroutine leaks): ".
	if _, ok = c.uint(); !ok || !c.lit("%") || !c.skipPast(": ") {
		return Event{}, false
	}
	if ev.PauseMs, ok = parseClock(&c); !ok {
		return Event{}, false
	}
	if !c.skipPast(" ms cpu, ") {
		return Event{}, false
	}
	heap0, ok0 := c.uint()
	if !ok0 || !c.lit("->") {
		return Event{}, false
	}
	if _, ok = c.uint(); !ok || !c.lit("->") {
		return Event{}, false
	}
	heap2, ok2 := c.uint()
	if !ok2 || !c.lit(" MB") || heap0 > maxMiB || heap2 > maxMiB {
		return Event{}, false
	}
	ev.HeapBeforeBytes, ev.HeapAfterBytes = heap0*mib, heap2*mib
	if c.lit(", ") {
		if goal, ok := c.uint(); ok && goal <= maxMiB && c.lit(" MB goal") {
			ev.HeapGoalBytes = goal * mib
		}
	}
	return ev, true
}

// maxMiB keeps MiB→bytes far from int64 overflow (1<<40 MiB = 1 EiB).
const maxMiB = 1 << 40

// parseClock reads "0.21+14+0.25 ms clock, " and returns the first plus
// the last figure (Go 1.5 printed five phases; the rule is the same).
func parseClock(c *cursor) (float64, bool) {
	start := c.i
	first, ok := c.float()
	if !ok {
		return 0, false
	}
	pause := first
	for n := 1; c.lit("+"); n++ {
		last, ok := c.float()
		if !ok || n > 8 {
			c.i = start
			return 0, false
		}
		pause = first + last
	}
	if !c.lit(" ms clock, ") {
		c.i = start
		return 0, false
	}
	// Round to the nanosecond so that 0.21+0.25 reads 0.46, not 0.45999...
	return math.Round(pause*1e6) / 1e6, true
}

// isWordByte reports whether b would make "gc" part of a longer word.
func isWordByte(b byte) bool {
	return isDigit(b) || b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}
