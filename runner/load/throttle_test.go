package load

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestChunkFor(t *testing.T) {
	for _, tt := range []struct {
		bps  int64
		want int
	}{{1024, minChunkBytes}, {64 << 10, 4 << 10}, {1 << 30, maxChunkBytes}} {
		if got := chunkFor(tt.bps); got != tt.want {
			t.Errorf("chunkFor(%d) = %d; want %d", tt.bps, got, tt.want)
		}
	}
}

// TestThrottledReaderPasses: Read and WriteTo pass the stream unchanged,
// in reads of at most one chunk, and no faster than the rate: both return
// only once the bucket has had the time of every byte, the last ones too,
// also when they come with io.EOF (as an HTTP body's last bytes do).
func TestThrottledReaderPasses(t *testing.T) {
	src := make([]byte, 256<<10)
	for i := range src {
		src[i] = byte(i * 7)
	}
	const bps = 2 << 20 // 256 KiB take about 125 ms
	for _, name := range []string{"Read", "WriteTo", "Read data with EOF", "WriteTo data with EOF"} {
		t.Run(name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(src)
			if strings.HasSuffix(name, "with EOF") {
				r = dataWithEOF{bytes.NewReader(src)}
			}
			tr := newThrottledReader(context.Background(), nil, io.NopCloser(r), bps)
			var dst bytes.Buffer
			begin := time.Now()
			var err error
			if strings.HasPrefix(name, "WriteTo") {
				_, err = tr.WriteTo(&dst)
			} else {
				_, err = io.Copy(&dst, struct{ io.Reader }{tr})
			}
			el := time.Since(begin)
			if err != nil || !bytes.Equal(dst.Bytes(), src) {
				t.Fatalf("passed %d bytes, error %v; want the %d bytes unchanged", dst.Len(), err, len(src))
			}
			// The bucket starts empty and fills at B: d ≥ size/B (less 2 %
			// for the limiter's rounding; one chunk less would be 12.5 %).
			if least := time.Duration(0.98 * float64(len(src)) / bps * float64(time.Second)); el < least {
				t.Errorf("passed %d bytes in %v; want at least %v at %d B/s", len(src), el, least, bps)
			}
			if tr.Close() != nil {
				t.Error("Close() failed")
			}
		})
	}
}

// dataWithEOF returns io.EOF with the last bytes, as an HTTP body of a
// known length does (iotest.DataErrReader would read ahead in 1 KiB).
type dataWithEOF struct{ r *bytes.Reader }

func (d dataWithEOF) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err == nil && d.r.Len() == 0 {
		err = io.EOF
	}
	return n, err
}

// TestThrottledReaderEnds: a wait ends with the request's context or the
// attack's abort.
func TestThrottledReaderEnds(t *testing.T) {
	src := func() io.ReadCloser { return io.NopCloser(bytes.NewReader(make([]byte, 64<<10))) }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	aborted := make(chan struct{})
	close(aborted)
	for _, tt := range []struct {
		name  string
		ctx   context.Context
		abort chan struct{}
		want  error
	}{
		{"context", ctx, nil, context.Canceled},
		{"abort", context.Background(), aborted, errAborted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// 1 KiB/s: without the end, the second read would wait 0.5 s.
			tr := newThrottledReader(tt.ctx, tt.abort, src(), 1<<10)
			if _, err := tr.WriteTo(io.Discard); !errors.Is(err, tt.want) {
				t.Errorf("WriteTo() error = %v; want %v", err, tt.want)
			}
			tr = newThrottledReader(tt.ctx, tt.abort, src(), 1<<10)
			if _, err := io.Copy(io.Discard, struct{ io.Reader }{tr}); !errors.Is(err, tt.want) {
				t.Errorf("Read() error = %v; want %v", err, tt.want)
			}
		})
	}
}
