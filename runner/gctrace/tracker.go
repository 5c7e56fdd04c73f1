package gctrace

import "sync"

// Tracker keeps the running GC figures of one target from its trace
// lines. Feed and Snapshot may be called from different goroutines (a
// stream reader and a sampler); its memory does not grow with the number
// of lines or events.
//
// A nil *Tracker stands for a runtime whose GC cannot be read: its
// methods are safe to call, Feed does nothing and Snapshot reports -1.
type Tracker struct {
	parse func(string) (Event, bool)
	// seqCounts is true for Go and the JVM, whose traces number their
	// cycles.
	seqCounts bool
	// dropOlder is true for Go, whose lines for one cycle are one line:
	// an older number is a stale line. The JVM prints several lines per
	// collection (G1's Remark and Cleanup come after younger pauses), in
	// the order of time.
	dropOlder bool

	// perPID is true for the JVM: each process of a tree (a JVM behind
	// a shell, several JVMs) numbers its own collections, so the count
	// is the sum of each one's and the heap the sum of each one's latest.
	perPID bool

	mu        sync.Mutex
	count     int64
	heapAfter int64
	committed int64   // heap committed after the latest event that says, 0 unknown
	pauseMs   float64 // the pauses of every event counted, summed
	procs     map[int]*procGC
}

// procGC is one process's figures in a perPID Tracker.
type procGC struct {
	seq, heapAfter, committed int64
}

// maxTrackedPIDs bounds the processes a perPID Tracker keeps apart; the
// lines of any later one are counted with PID 0's (those without a pid
// decorator).
const maxTrackedPIDs = 64

// NewTracker returns a Tracker for runtime RuntimeGo, RuntimeNode or
// RuntimeJVM, and nil for any other runtime ("other", ""), whose GC it
// cannot read.
//
// What is counted: for Go, completed GC cycles, taken from the cycle
// number the runtime prints ("gc 20 ..."), so a garbled or lost line does
// not make the count fall behind; scavenger lines are not cycles. For
// Node, every event V8 prints counts as one, minor collections
// (Scavenge, Minor Mark-Sweep) included: in V8 those are the frequent
// ones, and a rate of GC events is what the report shows. For the JVM,
// collections by their number (GC(N) + 1, see ParseJVM): a concurrent
// cycle is one, as are each young and full pause; the pauses of every
// line are summed (G1's Remark and Cleanup, Shenandoah's four pauses).
// Several JVMs of one tree (told apart by the pid decorator) are counted
// each by its own numbering, and their heaps summed.
func NewTracker(runtime string) *Tracker {
	switch runtime {
	case RuntimeGo:
		return &Tracker{parse: ParseGo, seqCounts: true, dropOlder: true, heapAfter: -1}
	case RuntimeJVM:
		return &Tracker{parse: ParseJVM, seqCounts: true, perPID: true, heapAfter: -1, procs: map[int]*procGC{}}
	case RuntimeNode:
		return &Tracker{parse: ParseNode, heapAfter: -1}
	}
	return nil
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
	if t.perPID {
		t.feedPID(ev)
		return
	}
	switch {
	case t.dropOlder && ev.Seq < t.count:
		return // older than what was seen: keep the latest figures
	case t.seqCounts:
		t.count = max(t.count, ev.Seq)
	default:
		t.count++
	}
	if ev.HeapAfterBytes >= 0 { // a JVM pause line without figures leaves them
		t.heapAfter = ev.HeapAfterBytes
		t.committed = ev.HeapCommittedBytes
	}
	t.pauseMs += ev.PauseMs
}

// feedPID takes ev into its process's figures and the sums; t.mu is
// held.
func (t *Tracker) feedPID(ev Event) {
	pid := ev.PID
	if _, ok := t.procs[pid]; !ok && len(t.procs) >= maxTrackedPIDs {
		pid = 0 // counted with the lines without a pid, from here on
	}
	p := t.procs[pid]
	if p == nil {
		p = &procGC{heapAfter: -1}
		t.procs[pid] = p
	}
	if ev.Seq > p.seq {
		t.count += ev.Seq - p.seq
		p.seq = ev.Seq
	}
	t.pauseMs += ev.PauseMs
	if ev.HeapAfterBytes < 0 {
		return
	}
	if p.heapAfter < 0 {
		t.heapAfter = max(t.heapAfter, 0) + ev.HeapAfterBytes
	} else {
		t.heapAfter += ev.HeapAfterBytes - p.heapAfter
	}
	t.committed += ev.HeapCommittedBytes - p.committed
	p.heapAfter, p.committed = ev.HeapAfterBytes, ev.HeapCommittedBytes
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

// Heap returns the heap left by the latest collection that printed it
// (-1 before the first) and the heap the runtime had committed then (0
// when its trace does not say: Go, Node, ZGC). A nil Tracker returns
// (-1, 0).
func (t *Tracker) Heap() (afterBytes, committedBytes int64) {
	if t == nil {
		return -1, 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.heapAfter, t.committed
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
	return t.count, t.pauseMs
}
