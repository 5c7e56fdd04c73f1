package gctrace

import "strings"

// ParseNode reads one line of `node --trace-gc` output, such as
//
//	[15294:0x9defca0]  1673 ms: Scavenge 4.5 (6.0) -> 4.1 (6.2) MB, 2.47 / 0.00 ms (average mu = 1.000, current mu = 1.000) task;
//
// and reports false for anything else. Accepted variants: with or without
// the "[pid:isolate]" prefix; every collector name V8 prints
// ("Scavenge", "Mark-Compact", "Mark-Compact (reduce)", "Minor Mark-Sweep",
// "Minor Mark-Compact", old "Mark-sweep", "(interleaved)" suffixes); the
// "pooled: N MB, " field of newer V8; any reason text after the pause,
// including lines cut short after the pause. Application output glued in
// front of the line is skipped; a line holds at most one event, the first
// complete one. The --trace-gc-nvp format is not read.
//
// Field mapping: AtSeconds is the time stamp (ms since the isolate
// started) ÷ 1000; HeapBeforeBytes and HeapAfterBytes are the object
// sizes before and after (not the committed sizes in parentheses);
// HeapGoalBytes is -1; PauseMs is the first figure of "X / Y ms" (the
// collection's duration; Y is time in embedder callbacks). ParseNode
// does not allocate for the collector names listed above.
func ParseNode(line string) (Event, bool) {
	for from := 0; ; {
		j := indexFrom(line, " ms: ", from)
		if j < 0 {
			return Event{}, false
		}
		if ev, ok := parseNodeAt(line, j); ok {
			return ev, true
		}
		from = j + 1
	}
}

// parseNodeAt parses the event whose " ms: " starts at j.
func parseNodeAt(line string, j int) (Event, bool) {
	// The time stamp ends right before " ms: ".
	k := j
	for k > 0 && (isDigit(line[k-1]) || line[k-1] == '.') {
		k--
	}
	if k == j || (k > 0 && line[k-1] != ' ' && line[k-1] != ']') {
		return Event{}, false
	}
	c := cursor{s: line, i: k}
	ms, ok := c.float()
	if !ok || c.i != j {
		return Event{}, false
	}
	c.i = j + len(" ms: ")
	ev := Event{Runtime: RuntimeNode, AtSeconds: ms / 1000, HeapGoalBytes: -1}
	if ev.Kind, ok = nodeKind(&c); !ok {
		return Event{}, false
	}
	var before, after float64
	if before, ok = c.float(); !ok || !skipParenFloat(&c) || !c.lit(" -> ") {
		return Event{}, false
	}
	if after, ok = c.float(); !ok || !skipParenFloat(&c) || !c.lit(" MB, ") {
		return Event{}, false
	}
	if c.lit("pooled: ") {
		if _, ok = c.float(); !ok || !c.lit(" MB, ") {
			return Event{}, false
		}
	}
	if ev.PauseMs, ok = c.float(); !ok || !(c.lit(" / ") || c.lit(" ms")) {
		return Event{}, false
	}
	if ev.HeapBeforeBytes, ok = mibToBytes(before); !ok {
		return Event{}, false
	}
	if ev.HeapAfterBytes, ok = mibToBytes(after); !ok {
		return Event{}, false
	}
	return ev, true
}

// skipParenFloat consumes " (6.0)".
func skipParenFloat(c *cursor) bool {
	start := c.i
	if c.lit(" (") {
		if _, ok := c.float(); ok && c.lit(")") {
			return true
		}
	}
	c.i = start
	return false
}

// maxKindLen bounds a collector name; longer text is not a GC line.
const maxKindLen = 48

// nodeKind consumes the collector name and the space after it: the text
// up to the first figure. Known names are returned as constants so that
// an Event does not keep a (possibly long) line alive.
func nodeKind(c *cursor) (string, bool) {
	start := c.i
	end := start
	for ; end < len(c.s) && end-start <= maxKindLen; end++ {
		b := c.s[end]
		if b == ' ' && end+1 < len(c.s) && isDigit(c.s[end+1]) {
			break
		}
		if !isKindByte(b) {
			return "", false
		}
	}
	if end == start || end >= len(c.s) || c.s[end] != ' ' || !isLetter(c.s[start]) {
		return "", false
	}
	c.i = end + 1
	return internKind(c.s[start:end]), true
}

// internKind returns a constant for the names V8 prints, a copy otherwise.
func internKind(k string) string {
	switch k {
	case "Scavenge":
		return "Scavenge"
	case "Mark-Compact":
		return "Mark-Compact"
	case "Mark-Compact (reduce)":
		return "Mark-Compact (reduce)"
	case "Minor Mark-Sweep":
		return "Minor Mark-Sweep"
	case "Minor Mark-Compact":
		return "Minor Mark-Compact"
	case "Mark-sweep":
		return "Mark-sweep"
	}
	return strings.Clone(k)
}

func isLetter(b byte) bool { return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }

func isKindByte(b byte) bool {
	return isLetter(b) || b == '-' || b == ' ' || b == '(' || b == ')' || b == '_'
}

// mibToBytes converts V8's one-decimal MiB to bytes.
func mibToBytes(f float64) (int64, bool) {
	if f < 0 || f > maxMiB {
		return 0, false
	}
	return int64(f*mib + 0.5), true
}
