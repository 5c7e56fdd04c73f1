package gctrace

import "strings"

// ParseJVM reads one line of the JVM's unified GC log at the gc tag
// (-Xlog:gc), such as
//
//	[0.301s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 16.095ms
//	[0.453s][info][gc] GC(3) Concurrent cleanup 24M->23M(64M) 0.009ms
//	[1.085s][info][gc] GC(0) Garbage Collection (Warmup) 8M(12%)->24M(38%)
//	[0.446s][info][gc] GC(0) Major Collection (Warmup) 8M(12%)->8M(12%) 0.021s
//	[0.491s][info][gc] GC(0) Pause Init Mark (unload classes) 0.026ms
//
// and reports false for anything else. The formats are those of JDK 17
// and JDK 25 (G1, Serial, Parallel, ZGC and generational ZGC,
// Shenandoah; testdata/jvm holds recordings of each).
//
// A line is an event when its message, after "GC(N) ", is a pause with
// its duration ("Pause ... 16.095ms": G1, Serial, Parallel, Shenandoah's
// pauses) or carries the heap's transition ("A->B(C)", ZGC's
// "A(p%)->B(q%)"). Lines without either ("Concurrent Mark Cycle",
// "To-space exhausted", "Using G1") are not. Decorators may be any set
// (uptime, pid, time, level, tags, in any order) or none; when there
// are decorators, the tag set must be exactly "gc" (padded with spaces
// when -Xlog:gc* aligns the tags), so that the finer tags' lines of
// -Xlog:gc* ("[gc,heap] GC(0) DefNew: 17444K(19648K)->2176K(19648K)")
// are not read as collections. Text glued in front of the decorators is
// skipped; of several events on one line (two processes writing at
// once), the one with the highest GC number is returned.
//
// Field mapping: PID is the pid decorator (oomlab's JVMLogOption asks
// for it), 0 without one. Kind is the message before its figures ("Pause Young
// (Normal) (G1 Evacuation Pause)"); Seq is N+1 for "GC(N)", the JVM
// numbering its collections from 0, so that Seq of the latest is the
// count so far, as for Go; several lines of one collection (G1's Remark
// and Cleanup, Shenandoah's pauses) share it. AtSeconds is the uptime
// decorator ("[0.301s]"), 0 without it. HeapBeforeBytes, HeapAfterBytes
// and HeapCommittedBytes are A, B and C of "A->B(C)"; A and B are -1
// when the line has no transition, C is 0 then and for ZGC, which prints
// shares of the maximum heap instead. The JVM's units are B, K, M and G, powers of
// 1024, rounded down. PauseMs is the duration of a "Pause" line, 0 for
// the others: a concurrent phase does not stop the program. HeapGoalBytes
// is -1.
func ParseJVM(line string) (Event, bool) {
	var best Event
	found := false
	for from := 0; ; {
		j := indexFrom(line, "GC(", from)
		if j < 0 {
			return best, found
		}
		from = j + 1
		ev, ok := parseJVMAt(line, j)
		if ok && (!found || ev.Seq > best.Seq) {
			best, found = ev, true
		}
	}
}

// parseJVMAt parses the event whose "GC(" starts at j.
func parseJVMAt(line string, j int) (Event, bool) {
	at, pid, ok := jvmDecorators(line, j)
	if !ok {
		return Event{}, false
	}
	c := cursor{s: line, i: j + len("GC(")}
	id, ok := c.uint()
	if !ok || !c.lit(") ") {
		return Event{}, false
	}
	msg := line[c.i:jvmMessageEnd(line, c.i)]
	if msg == "" || !isUpper(msg[0]) {
		return Event{}, false // "GC(0)   Pre Evacuate ...": a phase of -Xlog:gc* without tags
	}
	ev := Event{Runtime: RuntimeJVM, Seq: id + 1, AtSeconds: at, PID: pid, HeapBeforeBytes: -1, HeapAfterBytes: -1, HeapGoalBytes: -1}
	kindEnd, figures := jvmHeap(msg, &ev)
	if figures < 0 {
		return Event{}, false // a transition begun but not complete
	}
	pause := strings.HasPrefix(msg, "Pause ")
	if pause {
		ms, ok := jvmDuration(msg)
		if !ok {
			return Event{}, false
		}
		ev.PauseMs = ms
		if figures == 0 {
			kindEnd = len(msg) - len(trailingDuration(msg))
		}
	} else if figures == 0 {
		return Event{}, false
	}
	if ev.Kind = strings.TrimSpace(msg[:kindEnd]); ev.Kind == "" {
		return Event{}, false
	}
	return ev, true
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

// jvmDecorators checks what comes before "GC(" at j: nothing, or a run of
// decorators "[..][..]" and a space, whose last bracket, when it is a tag
// set, is "gc". It returns the uptime decorator in seconds (0 without
// one) and the pid decorator (0 without one): the first decorator of
// digits alone, since the JVM prints pid before tid.
func jvmDecorators(line string, j int) (at float64, pid int, ok bool) {
	if j == 0 {
		return 0, 0, true
	}
	if line[j-1] != ' ' {
		return 0, 0, false
	}
	k := j - 1
	for last := true; k > 0 && line[k-1] == ']'; last = false {
		open := strings.LastIndexByte(line[:k-1], '[')
		if open < 0 {
			return 0, 0, false
		}
		inner := line[open+1 : k-1]
		// Tags, when decorated, come last; -Xlog:gc* pads them with spaces.
		if t := strings.TrimRight(inner, " "); last && t != "gc" && !isLevel(t) && isTagSet(t) {
			return 0, 0, false // gc,heap, gc,start, safepoint: not the collections' lines
		}
		switch {
		case isUptime(inner):
			c := cursor{s: inner}
			at, _ = c.float()
		case inner != "" && len(inner) <= 9 && strings.Trim(inner, "0123456789") == "":
			c := cursor{s: inner}
			n, _ := c.uint()
			pid = int(n)
		}
		k = open
	}
	if k == j-1 {
		return 0, 0, false // text before "GC(", not decorators
	}
	return at, pid, true
}

// isTagSet reports a tag-set decorator: "gc", "gc,heap", "safepoint".
func isTagSet(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_,") == ""
}

// isLevel reports a level decorator: info, debug, trace, warning, error,
// padded.
func isLevel(s string) bool {
	switch strings.TrimRight(s, " ") {
	case "info", "debug", "trace", "warning", "error":
		return true
	}
	return false
}

// isUptime reports an uptime decorator: "0.301s" (also "301ms", "301ns"
// from uptimemillis and uptimenanos, read as no time).
func isUptime(s string) bool {
	s = strings.TrimRight(s, " ")
	if len(s) < 2 || s[len(s)-1] != 's' || !isDigit(s[0]) {
		return false
	}
	return strings.Trim(s[:len(s)-1], "0123456789.") == "" && strings.Count(s, ".") == 1
}

// jvmMessageEnd is where the message that starts at i ends: the line's
// end, or the start of another event's decorators glued onto it
// ("...16.095ms[0.302s][info][gc] GC(1) ...").
func jvmMessageEnd(line string, i int) int {
	for k := i; k < len(line); k++ {
		if line[k] == '[' && k+1 < len(line) && isDigit(line[k+1]) {
			return k
		}
	}
	return len(line)
}

// jvmHeap finds the transition "A->B(C)" or ZGC's "A(p%)->B(q%)" in msg
// and sets ev's figures. It returns where the figures start (the end of
// the kind) and 1 when they were read, 0 when msg has no "->", -1 when
// it has a transition that is cut short or malformed.
func jvmHeap(msg string, ev *Event) (kindEnd, figures int) {
	arrow := strings.Index(msg, "->")
	if arrow < 0 {
		return len(msg), 0
	}
	// Before the arrow: "A" or "A(p%)", preceded by a space.
	k := arrow
	zgc := k > 0 && msg[k-1] == ')'
	if zgc {
		open := strings.LastIndexByte(msg[:k], '(')
		if open < 0 || !isPercent(msg[open+1:k-1]) {
			return 0, -1
		}
		k = open
	}
	s := k
	for s > 0 && msg[s-1] != ' ' {
		s--
	}
	before, ok := jvmSize(msg[s:k])
	if !ok {
		return 0, -1
	}
	c := cursor{s: msg, i: arrow + len("->")}
	e := c.i
	for e < len(msg) && msg[e] != '(' && msg[e] != ' ' {
		e++
	}
	after, ok := jvmSize(msg[c.i:e])
	if !ok || e >= len(msg) || msg[e] != '(' {
		return 0, -1
	}
	closeP := strings.IndexByte(msg[e:], ')')
	if closeP < 0 {
		return 0, -1
	}
	inner := msg[e+1 : e+closeP]
	var committed int64
	if zgc {
		if !isPercent(inner) {
			return 0, -1
		}
	} else if committed, ok = jvmSize(inner); !ok {
		return 0, -1
	}
	ev.HeapBeforeBytes, ev.HeapAfterBytes, ev.HeapCommittedBytes = before, after, committed
	return s, 1
}

// isPercent reports "12%".
func isPercent(s string) bool {
	return len(s) >= 2 && s[len(s)-1] == '%' && strings.Trim(s[:len(s)-1], "0123456789") == ""
}

// jvmSize reads "17M", "2176K", "1G", "512B" (HotSpot's
// byte_size_in_proper_unit with exact units) into bytes.
func jvmSize(s string) (int64, bool) {
	if len(s) < 2 {
		return 0, false
	}
	shift, ok := JVMUnitShift(s[len(s)-1])
	if !ok {
		return 0, false
	}
	c := cursor{s: s[:len(s)-1]}
	n, ok := c.uint()
	if !ok || c.i != len(c.s) || n > (1<<62)>>shift {
		return 0, false
	}
	return n << shift, true
}

// jvmDuration reads the duration that ends msg, "16.095ms" (or "0.021s"),
// in milliseconds.
func jvmDuration(msg string) (float64, bool) {
	d := trailingDuration(msg)
	if d == "" {
		return 0, false
	}
	c := cursor{s: d}
	f, ok := c.float()
	if !ok {
		return 0, false
	}
	switch d[c.i:] {
	case "ms":
		return f, true
	case "s":
		return f * 1000, true
	}
	return 0, false
}

// trailingDuration is the last word of msg when it is a duration
// ("16.095ms", "0.021s") preceded by a space, else "".
func trailingDuration(msg string) string {
	sp := strings.LastIndexByte(msg, ' ')
	if sp < 0 {
		return ""
	}
	w := msg[sp+1:]
	num := strings.TrimRight(w, "ms")
	if num == "" || num == w || !isDigit(num[0]) || !isDigit(num[len(num)-1]) {
		return ""
	}
	if u := w[len(num):]; u != "ms" && u != "s" {
		return ""
	}
	return w
}

// JVMUnitShift is the power of 1024 of a HotSpot size unit, as its logs
// and jcmd print them: B 0, K 10, M 20, G 30; false for any other.
func JVMUnitShift(unit byte) (uint, bool) {
	switch unit {
	case 'B':
		return 0, true
	case 'K':
		return 10, true
	case 'M':
		return 20, true
	case 'G':
		return 30, true
	}
	return 0, false
}
