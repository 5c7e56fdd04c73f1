package load

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// minChunkBytes keeps tiny bandwidths from moving a byte at a time;
// maxChunkBytes is the most a throttled reader passes in one Read.
const (
	minChunkBytes = 512
	maxChunkBytes = 32 << 10
)

// chunkFor is the read size for a bandwidth of bps bytes/s: bps/16 within
// [minChunkBytes, maxChunkBytes], about 16 waits a second.
func chunkFor(bps int64) int {
	return int(min(max(bps/16, minChunkBytes), maxChunkBytes))
}

// throttledReader passes a stream on at B bytes/s, the speed of one slow
// client's link. Each Read passes at most one chunk (chunkFor(B)), then
// takes its bytes from a token bucket (golang.org/x/time/rate) filled at B
// with a burst of two chunks, waiting until they are there. The bucket
// starts empty, so over the first d seconds at most chunk + B·d bytes
// pass, and a wake-up that comes late is made up from the burst.
//
// Wrapped around a response body it reads the socket at B: the kernel's
// buffers fill and the server's writes block, real TCP backpressure.
// Wrapped around a request body the transport writes to the socket at B.
// A wait ends early, with an error, when ctx ends (the request's timeout)
// or abort is closed (the attack was interrupted). It holds one timer
// and no buffer of its own; WriteTo, which io.Copy prefers, borrows a
// buffer for each read and gives it back before it waits, so a client
// that waits holds no buffer.
type throttledReader struct {
	r     io.ReadCloser
	lim   *rate.Limiter
	chunk int
	ctx   context.Context
	abort <-chan struct{}
	timer *time.Timer
	// meter, when set, counts the bytes whose wait is over: those the
	// client has received at its rate (see slowReads). Bytes whose wait
	// was cut short by ctx or abort are passed on but not counted.
	meter *readMeter
}

func newThrottledReader(ctx context.Context, abort <-chan struct{}, r io.ReadCloser, bps int64) *throttledReader {
	chunk := chunkFor(bps)
	lim := rate.NewLimiter(rate.Limit(bps), 2*chunk)
	lim.ReserveN(time.Now(), 2*chunk) // start empty
	return &throttledReader{r: r, lim: lim, chunk: chunk, ctx: ctx, abort: abort}
}

// Read implements io.Reader.
func (t *throttledReader) Read(p []byte) (int, error) {
	if len(p) > t.chunk {
		p = p[:t.chunk]
	}
	n, err := t.r.Read(p)
	if n > 0 {
		if werr := t.wait(n); werr != nil && err == nil {
			err = werr
		}
	}
	return n, err
}

// wait takes n ≤ 2·chunk bytes' tokens from the bucket, waiting for
// them; once it has them, the client has received the n bytes, and the
// meter (if any) counts them.
func (t *throttledReader) wait(n int) error {
	if d := t.lim.ReserveN(time.Now(), n).Delay(); d > 0 {
		if t.timer == nil {
			t.timer = time.NewTimer(d)
		} else {
			t.timer.Reset(d)
		}
		select {
		case <-t.timer.C:
		case <-t.ctx.Done():
			t.timer.Stop()
			return t.ctx.Err()
		case <-t.abort:
			t.timer.Stop()
			return errAborted
		}
	}
	if t.meter != nil {
		t.meter.read(int64(n))
	}
	return nil
}

// chunkPool holds the buffers WriteTo reads into, maxChunkBytes each.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, maxChunkBytes); return &b }}

// WriteTo implements io.WriterTo: it passes the stream to w at the rate,
// as Read does, until the end of the stream (a nil error) or an error.
// Like Read, it returns only once the bucket has the tokens of every byte
// it passed, so N bytes take at least N/B.
func (t *throttledReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		bp := chunkPool.Get().(*[]byte)
		n, err := t.r.Read((*bp)[:t.chunk])
		if n > 0 {
			var werr error
			n, werr = w.Write((*bp)[:n])
			if werr != nil && err == nil {
				err = werr
			}
		}
		chunkPool.Put(bp)
		total += int64(n)
		// Bytes that come with an error, io.EOF or another, are waited
		// for as well, as in Read: a client on a link of B has N bytes no
		// sooner than N/B. The read's own error wins over the wait's.
		if n > 0 {
			if werr := t.wait(n); werr != nil && err == nil {
				err = werr
			}
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Close closes the stream below.
func (t *throttledReader) Close() error {
	if t.timer != nil {
		t.timer.Stop()
	}
	return t.r.Close()
}
