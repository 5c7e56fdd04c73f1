package load

import (
	"sync/atomic"
	"time"
)

// slowReads counts, per stage and request kind, what the slow readers
// (the slow clients of a kind with a download bandwidth) did with the
// time they were connected: the client-seconds each request held its
// client, from the moment it was sent until its answer's body ended, or
// it failed or timed out, and the body bytes it read. A request counts in
// the stage it was sent in. With a kind's bandwidth B, B × seconds is
// what its slow readers could have read and bytes ÷ (B × seconds) the
// share of it they did (results.KindFigures.ReadSeconds, SlowBytesIn).
//
// Its counters are fixed at creation, two per stage and kind; a request
// keeps only its own readMeter, which lives as long as the request.
type slowReads struct {
	pacer StagedPacer
	start time.Time
	kinds int
	nanos []atomic.Int64  // client-nanoseconds, [stage·kinds + kind]
	bytes []atomic.Uint64 // body bytes read, likewise
}

func newSlowReads(p StagedPacer, kinds int, start time.Time) *slowReads {
	kinds = max(kinds, 1)
	n := max(len(p.Stages), 1) * kinds
	return &slowReads{pacer: p, start: start, kinds: kinds, nanos: make([]atomic.Int64, n), bytes: make([]atomic.Uint64, n)}
}

// begin starts the meter of one slow read of kind k, sent now.
func (s *slowReads) begin(k int) *readMeter {
	now := time.Now()
	return &readMeter{owner: s, slot: s.pacer.stageIndex(now.Sub(s.start))*s.kinds + k, sent: now}
}

// stages is how many stages slowReads counts for.
func (s *slowReads) stages() int { return len(s.nanos) / s.kinds }

// figures returns the client-seconds and body bytes of kind k's slow
// reads sent in stage i.
func (s *slowReads) figures(i, k int) (seconds float64, bytes uint64) {
	if i < 0 || k < 0 || k >= s.kinds || i*s.kinds+k >= len(s.nanos) {
		return 0, 0
	}
	j := i*s.kinds + k
	return time.Duration(s.nanos[j].Load()).Seconds(), s.bytes[j].Load()
}

// readMeter is one slow read in progress. read may be called from the
// goroutine reading the body (its throttledReader, once the client has
// received the bytes at its rate); end from any, any number of times: the
// first call counts the time.
type readMeter struct {
	owner *slowReads
	slot  int
	sent  time.Time
	ended atomic.Bool
}

// read counts n body bytes read.
func (m *readMeter) read(n int64) {
	if n > 0 {
		m.owner.bytes[m.slot].Add(uint64(n))
	}
}

// end counts the time since the request was sent, once.
func (m *readMeter) end() {
	if m.ended.CompareAndSwap(false, true) {
		m.owner.nanos[m.slot].Add(int64(time.Since(m.sent)))
	}
}
