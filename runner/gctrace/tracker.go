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
	// pyProcs is set for Python, whose lines number each process's
	// collections (a forked child from 0): the latest number of each
	// process of the tree (feedPython).
	pyProcs map[int]pidSeq
	tick    int64 // lines counted, to find the process heard from least recently

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
// each by its own numbering, and their heaps summed. For Python, every
// collection of every generation of every process of the tree that
// imported PythonPreload (a gunicorn master and its workers), counted by
// each process's own numbering (feedPython); Python reports no heap
// figure, so the heap after is -1, and the count is -1 until the first
// line.
func NewTracker(runtime string) *Tracker {
	switch runtime {
	case RuntimeGo:
		return &Tracker{parse: ParseGo, seqCounts: true, dropOlder: true, heapAfter: -1}
	case RuntimeJVM:
		return &Tracker{parse: ParseJVM, seqCounts: true, perPID: true, heapAfter: -1, procs: map[int]*procGC{}}
	case RuntimeNode:
		return &Tracker{parse: ParseNode, heapAfter: -1}
	case RuntimePython:
		// Unknown (-1) until the preload's first line: a python run with
		// -S or -I never imports it, and its GC is not "0".
		return &Tracker{parse: ParsePython, pyProcs: map[int]pidSeq{}, count: -1, heapAfter: -1}
	}
	return nil
}

// pidSeq is what a Tracker keeps of one Python process.
type pidSeq struct {
	seq  int64 // its latest SEQ
	seen int64 // Tracker.tick when last heard from
}

// A Python Tracker keeps the numbers of at most maxTrackedPIDs
// processes; past it, the one heard from least recently is forgotten
// (its collections stay counted).

// feedPython counts a Python event: each process numbers its own
// collections, so the count grows by how far the process's number moved.
// A process not known yet counts all its number says (it may have
// collected before its first line was read); a number lower than the
// last one is a new process under the same PID (a forked child numbers
// from 0). The caller holds mu.
func (t *Tracker) feedPython(ev Event) {
	t.tick++
	t.count = max(t.count, 0)
	p, known := t.pyProcs[ev.PID]
	var added int64
	switch {
	case !known:
		added = ev.Seq
		if len(t.pyProcs) >= maxTrackedPIDs {
			t.forgetOldest()
		}
	case ev.Seq >= p.seq:
		added = ev.Seq - p.seq
	default:
		added = ev.Seq
	}
	t.pyProcs[ev.PID] = pidSeq{seq: ev.Seq, seen: t.tick}
	if added > 0 {
		t.count += added
		t.pauseMs += ev.PauseMs
	}
}

func (t *Tracker) forgetOldest() {
	oldest, at := 0, int64(math.MaxInt64)
	for pid, p := range t.pyProcs {
		if p.seen < at {
			oldest, at = pid, p.seen
		}
	}
	delete(t.pyProcs, oldest)
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
	if t.pyProcs != nil {
		t.feedPython(ev)
		return
	}
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
	if t.count < 0 {
		return -1, -1
	}
	return t.count, t.pauseMs
}
