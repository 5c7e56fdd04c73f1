package gctrace

import (
	"strconv"
	"strings"
)

// Runtime names understood by NewTracker and TraceArgs; they match the
// scenario's Target.Runtime values.
const (
	RuntimeGo   = "go"
	RuntimeNode = "node"
	RuntimeJVM  = "jvm"
)

// mib is the size of the "MB" both traces print.
const mib = 1 << 20

// Event is one garbage collection as the runtime's trace reports it.
type Event struct {
	// Runtime is RuntimeGo, RuntimeNode, RuntimeJVM or RuntimePython.
	Runtime string
	// Kind is "gc" for Go; for Node it is V8's collector name as printed:
	// "Scavenge", "Mark-Compact", "Mark-Compact (reduce)",
	// "Minor Mark-Sweep", "Minor Mark-Compact", "Mark-sweep", ...; for
	// the JVM the message before its figures: "Pause Young (Normal) (G1
	// Evacuation Pause)", "Pause Full (System.gc())", "Pause Remark".
	Kind string
	// Seq is Go's GC number (1 for the first cycle), the JVM's GC(N) + 1;
	// 0 for Node, whose trace does not number its events.
	Seq int64
	// AtSeconds is the time of the event since the process started, as
	// the trace says (Go: the cycle's start; V8: the line's time stamp).
	AtSeconds float64
	// HeapBeforeBytes is the heap when the collection started.
	// Go: the first figure of "A->B->C MB"; V8: the first object size.
	HeapBeforeBytes int64
	// HeapAfterBytes is the heap the collection left.
	// Go: the live heap marked by the cycle (C in "A->B->C MB");
	// V8: the object size after the collection.
	HeapAfterBytes int64
	// HeapCommittedBytes is the heap the runtime holds from the system
	// after the collection, used or not: the JVM's C in "A->B(C)"; 0
	// when the trace does not say (Go, Node, ZGC).
	HeapCommittedBytes int64
	// HeapGoalBytes is Go's heap goal for the next cycle; -1 for V8, or
	// when an old Go trace does not print it.
	HeapGoalBytes int64
	// PID is the process that printed the line, from the JVM's pid
	// decorator or the Python preload's line; 0 when the trace does not
	// say (Go, Node, a JVM logging without it).
	PID int
	// PauseMs is how long the application was stopped. Go: the two
	// stop-the-world phases (first and last "ms clock" figures); V8: the
	// collection's duration on the main thread (the first figure of
	// "2.47 / 0.00 ms", the second being time spent in embedder callbacks).
	PauseMs float64
}

// cursor walks a line left to right without allocating. Each method
// either consumes what it matched and reports true, or leaves the cursor
// where it was and reports false.
type cursor struct {
	s string
	i int
}

// lit consumes p.
func (c *cursor) lit(p string) bool {
	if len(c.s)-c.i < len(p) || c.s[c.i:c.i+len(p)] != p {
		return false
	}
	c.i += len(p)
	return true
}

// skipPast moves the cursor just past the next p.
func (c *cursor) skipPast(p string) bool {
	j := indexFrom(c.s, p, c.i)
	if j < 0 {
		return false
	}
	c.i = j + len(p)
	return true
}

// uint consumes a run of decimal digits that fits an int64 comfortably.
func (c *cursor) uint() (int64, bool) {
	var n int64
	j := c.i
	for j < len(c.s) && isDigit(c.s[j]) {
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(c.s[j]-'0')
		j++
	}
	if j == c.i {
		return 0, false
	}
	c.i = j
	return n, true
}

// float consumes digits with an optional fraction ("12", "0.25").
func (c *cursor) float() (float64, bool) {
	j := c.i
	for j < len(c.s) && isDigit(c.s[j]) {
		j++
	}
	if j == c.i || j-c.i > 15 {
		return 0, false
	}
	if j+1 < len(c.s) && c.s[j] == '.' && isDigit(c.s[j+1]) {
		j++
		for j < len(c.s) && isDigit(c.s[j]) {
			j++
		}
	}
	// The text is digits[.digits] by now, so ParseFloat cannot fail or
	// allocate except on a fraction long enough to be absurd.
	f, err := strconv.ParseFloat(c.s[c.i:j], 64)
	if err != nil {
		return 0, false
	}
	c.i = j
	return f, true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// indexFrom is strings.Index(s[from:], p) counted from the start of s.
func indexFrom(s, p string, from int) int {
	if from > len(s) {
		return -1
	}
	j := strings.Index(s[from:], p)
	if j < 0 {
		return -1
	}
	return from + j
}
