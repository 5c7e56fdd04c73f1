package load

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// errAborted is returned by dials after the attack was interrupted.
var errAborted = errors.New("load: attack interrupted")

// conns dials and owns the attack's connections. It counts the bytes they
// carry per stage, by the time the bytes moved, and per request kind, by
// the kind of the request using the connection (HTTP/1.1 carries one at a
// time; kindTransport tells the connection), and closes every one of
// them at once when the attack is interrupted, so that requests in flight
// end now rather than at their timeout. Its set of open connections is
// bounded by the transport's connection limit.
type conns struct {
	dialer net.Dialer
	pacer  StagedPacer
	start  time.Time
	abort  context.Context // done when the attack is interrupted

	kinds   int
	in, out []atomic.Uint64 // bytes read and written, per stage and kind: [stage·kinds + kind]

	mu     sync.Mutex
	open   map[*conn]struct{}
	closed bool
}

func newConns(p StagedPacer, kinds int, start time.Time, abort context.Context) *conns {
	kinds = max(kinds, 1)
	return &conns{
		dialer: net.Dialer{KeepAlive: 30 * time.Second},
		pacer:  p,
		start:  start,
		abort:  abort,
		kinds:  kinds,
		in:     make([]atomic.Uint64, max(len(p.Stages), 1)*kinds),
		out:    make([]atomic.Uint64, max(len(p.Stages), 1)*kinds),
		open:   make(map[*conn]struct{}),
	}
}

// dialContext is the transport's DialContext. A dial in progress when the
// attack is interrupted is cancelled; later dials fail with errAborted.
func (cs *conns) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(cs.abort, cancel)
	defer stop()
	nc, err := cs.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, owner: cs}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed {
		nc.Close()
		return nil, errAborted
	}
	cs.open[c] = struct{}{}
	return c, nil
}

// closeAll closes every open connection and refuses new ones. It is safe
// to call more than once.
func (cs *conns) closeAll() {
	cs.mu.Lock()
	open := cs.open
	cs.open, cs.closed = nil, true
	cs.mu.Unlock()
	for c := range open {
		c.Conn.Close()
	}
}

func (cs *conns) forget(c *conn) {
	cs.mu.Lock()
	delete(cs.open, c)
	cs.mu.Unlock()
}

// slot is the counter index for kind k in the stage running now (the
// last one after the end).
func (cs *conns) slot(k int32) int {
	return cs.pacer.stageIndex(time.Since(cs.start))*cs.kinds + int(k)
}

// stages is how many stages conns counts bytes for.
func (cs *conns) stages() int { return len(cs.in) / cs.kinds }

// bytes returns the bytes of kind k read and written while stage i ran.
func (cs *conns) bytes(i, k int) (in, out uint64) {
	if i < 0 || k < 0 || k >= cs.kinds || i*cs.kinds+k >= len(cs.in) {
		return 0, 0
	}
	return cs.in[i*cs.kinds+k].Load(), cs.out[i*cs.kinds+k].Load()
}

// conn is a connection owned by conns.
type conn struct {
	net.Conn
	owner *conns
	// kind is the kind of the request using the connection, set by
	// kindTransport before the request is written.
	kind atomic.Int32
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.owner.in[c.owner.slot(c.kind.Load())].Add(uint64(n))
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.owner.out[c.owner.slot(c.kind.Load())].Add(uint64(n))
	}
	return n, err
}

func (c *conn) Close() error {
	c.owner.forget(c)
	return c.Conn.Close()
}
