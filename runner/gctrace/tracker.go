package gctrace

import (
	"math"
	"sync"
)

// Tracker keeps the running GC figures of one target from its trace
// lines. Feed and Snapshot may be called from different goroutines (a
// stream reader and a sampler); its memory does not grow with the number
// of lines or events.
//
// A nil *Tracker stands for a runtime whose GC cannot be read: its
// methods are safe to call, Feed does nothing and Snapshot reports -1.
type Tracker struct {
	parse func(string) (Event, bool)
	// seqCounts is true for Go, whose trace numbers its cycles.
	seqCounts bool
	// perPID is set for Python, whose lines number each process's
	// collections: the latest number of each process of the tree.
	perPID map[int]pidSeq
	tick   int64 // lines counted, to find the process heard from least recently

	mu        sync.Mutex
	count     int64
	heapAfter int64
	pauseMs   float64 // the pauses of every event counted, summed
}

// NewTracker returns a Tracker for runtime RuntimeGo or RuntimeNode, and
// nil for any other runtime ("other", ""), whose GC it cannot read.
//
// What is counted: for Go, completed GC cycles, taken from the cycle
// number the runtime prints ("gc 20 ..."), so a garbled or lost line does
// not make the count fall behind; scavenger lines are not cycles. For
// Node, every event V8 prints counts as one, minor collections
// (Scavenge, Minor Mark-Sweep) included: in V8 those are the frequent
// ones, and a rate of GC events is what the report shows. For Python,
// every collection of every generation of every process of the tree that
// imported PythonPreload (a gunicorn master and its workers), counted by
// each process's own numbering (feedPID); Python reports no heap figure,
// so the heap after is -1, and the count is -1 until the first line.
func NewTracker(runtime string) *Tracker {
	switch runtime {
	case RuntimeGo:
		return &Tracker{parse: ParseGo, seqCounts: true, heapAfter: -1}
	case RuntimeNode:
		return &Tracker{parse: ParseNode, heapAfter: -1}
	case RuntimePython:
		// Unknown (-1) until the preload's first line: a python run with
		// -S or -I never imports it, and its GC is not "0".
		return &Tracker{parse: ParsePython, perPID: map[int]pidSeq{}, count: -1, heapAfter: -1}
	}
	return nil
}

// pidSeq is what a Tracker keeps of one Python process.
type pidSeq struct {
	seq  int64 // its latest SEQ
	seen int64 // Tracker.tick when last heard from
}

// maxPIDs bounds the processes a Python Tracker keeps a number of; past
// it, the one heard from least recently is forgotten (its collections
// stay counted).
const maxPIDs = 64

// feedPID counts a Python event: each process numbers its own
// collections, so the count grows by how far the process's number moved.
// A process not known yet counts all its number says (it may have
// collected before its first line was read); a number lower than the
// last one is a new process under the same PID (a forked child numbers
// from 0). The caller holds mu.
func (t *Tracker) feedPID(ev Event) {
	t.tick++
	t.count = max(t.count, 0)
	p, known := t.perPID[ev.PID]
	var added int64
	switch {
	case !known:
		added = ev.Seq
		if len(t.perPID) >= maxPIDs {
			t.forgetOldest()
		}
	case ev.Seq >= p.seq:
		added = ev.Seq - p.seq
	default:
		added = ev.Seq
	}
	t.perPID[ev.PID] = pidSeq{seq: ev.Seq, seen: t.tick}
	if added > 0 {
		t.count += added
		t.pauseMs += ev.PauseMs
	}
}

func (t *Tracker) forgetOldest() {
	oldest, at := 0, int64(math.MaxInt64)
	for pid, p := range t.perPID {
		if p.seen < at {
			oldest, at = pid, p.seen
		}
	}
	delete(t.perPID, oldest)
}

// Feed reads one line of the target's output (without its newline);
// lines that are not GC events are ignored. Feed is safe to call
// concurrently with Snapshot and with itself.
func (t *Tracker) Feed(line string) {
	if t == nil {
		return
	}
	ev, ok := t.parse(line)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.perPID != nil {
		t.feedPID(ev)
		return
	}
	if t.seqCounts {
		if ev.Seq < t.count {
			return // older than what was seen: keep the latest figures
		}
		t.count = ev.Seq
	} else {
		t.count++
	}
	t.heapAfter = ev.HeapAfterBytes
	t.pauseMs += ev.PauseMs
}

// Snapshot returns the number of GC cycles so far and the heap left by
// the latest one (-1 before the first). A nil Tracker returns (-1, -1):
// not available, which is not the same as zero.
func (t *Tracker) Snapshot() (count int64, heapAfterBytes int64) {
	if t == nil {
		return -1, -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count, t.heapAfter
}

// Pauses returns the number of GC cycles so far, as Snapshot does, and
// the sum of their pauses (Event.PauseMs) in milliseconds: the time the
// runtime stopped the program for its collections. Two readings bracket
// a span: the difference is how long the program was stopped for GC in
// it, once the trace lines of its cycles have been read. A nil Tracker
// returns (-1, -1).
func (t *Tracker) Pauses() (count int64, pauseMs float64) {
	if t == nil {
		return -1, -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.count < 0 {
		return -1, -1
	}
	return t.count, t.pauseMs
}
