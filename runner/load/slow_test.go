package load

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oomlab/oomlab/runner/results"
)

const kib = 1 << 10

// zeros is the content every test answer is written from.
var zeros = make([]byte, 32*kib)

// answer writes size bytes in 32 KiB writes.
func answer(size int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for left := size; left > 0; left -= len(zeros) {
			if _, err := w.Write(zeros[:min(left, len(zeros))]); err != nil {
				return
			}
		}
	}
}

// attackResults runs cfg as Run does (same transport, mix and attacker)
// and returns every result, for tests that look at each request.
func attackResults(tb testing.TB, cfg Config) []*vegeta.Result {
	tb.Helper()
	cfg, err := cfg.withDefaults()
	if err != nil {
		tb.Fatal(err)
	}
	pacer := StagedPacer{Stages: cfg.Stages}
	abortCtx, abort := context.WithCancel(context.Background())
	defer abort()
	start := time.Now()
	cs := newConns(pacer, len(cfg.Kinds), start, abortCtx)
	tr := newKindTransport(cfg.Kinds, cs, newSlowReads(pacer, len(cfg.Kinds), start), cfg.MaxConnections, abortCtx.Done())
	defer tr.closeIdle()
	var out []*vegeta.Result
	for r := range newAttacker(cfg, tr).Attack(newMix(cfg.Kinds).target, pacer, 0, "") {
		out = append(out, r)
	}
	return out
}

// clientRates returns each successful client's read rate in bytes/s,
// sorted: size ÷ its request's latency. It fails the test on an error.
func clientRates(tb testing.TB, res []*vegeta.Result, size int) []float64 {
	tb.Helper()
	rates := make([]float64, 0, len(res))
	for _, r := range res {
		if r.Error != "" {
			tb.Fatalf("request %d: %s", r.Seq, r.Error)
		}
		rates = append(rates, float64(size)/r.Latency.Seconds())
	}
	slices.Sort(rates)
	return rates
}

// quantile of sorted xs, nearest rank.
func quantile(xs []float64, q float64) float64 {
	return xs[min(len(xs)-1, int(q*float64(len(xs))))]
}

// TestSlowClientsReadAtTheirRate: 100 clients reading 128 KiB answers at
// 64 KiB/s each take about 2 s, not the milliseconds loopback needs.
func TestSlowClientsReadAtTheirRate(t *testing.T) {
	const size, bps = 128 * kib, 64 * kib
	srv := server(t, answer(size))
	cfg := Config{MaxWorkers: 200, Stages: []Stage{{Rate: 100, Duration: time.Second}},
		Kinds: []Kind{{Name: "slow", URL: srv.URL, DownloadBytesPerSecond: bps, KeepAlive: true}}}
	rates := clientRates(t, attackResults(t, cfg), size)
	// A generator starved of CPU sends fewer than the 100 asked; the
	// rate of those it sent is what counts here.
	if len(rates) < 50 {
		t.Fatalf("%d clients; want 100", len(rates))
	}
	med, p5, p95 := quantile(rates, 0.5), quantile(rates, 0.05), quantile(rates, 0.95)
	t.Logf("%d clients at %d KiB/s: median %.1f KiB/s, p5 %.1f, p95 %.1f, min %.1f, max %.1f", len(rates), bps/kib,
		med/kib, p5/kib, p95/kib, rates[0]/kib, rates[len(rates)-1]/kib)
	// The throttle must never let a client read faster than its rate:
	// that bound is tight. A machine short of CPU can only make clients
	// slower, so the lower bounds leave room for it (at a load average
	// of 20 the median fell under 90 %); BenchmarkSlowClients measures
	// how close to the rate they read (63.9 KiB/s of 64).
	if med < 0.8*bps || med > 1.1*bps || p5 < 0.6*bps || p95 > 1.1*bps {
		t.Errorf("client rates median %.1f KiB/s, p5 %.1f, p95 %.1f; want p95 and median at most 64 + 10%%, median at least 64 - 20%%, p5 at least 64 - 40%%", med/kib, p5/kib, p95/kib)
	}
}

// TestSlowClientBlocksServerWrites watches the server: the handler writes
// a 16 MiB answer under a write deadline. A client reading at 64 KiB/s
// fills the sockets' buffers and the server's Write blocks until the
// deadline passes, short of the answer; a fast client takes it all.
func TestSlowClientBlocksServerWrites(t *testing.T) {
	const size = 16 << 20
	type written struct {
		n   int
		err error
	}
	tests := []struct {
		name     string
		bps      int64
		deadline time.Duration
		timeout  time.Duration // the client's
		blocks   bool
	}{
		// The server gives up at 1 s; the client, with megabytes still in
		// its socket's buffer, at 2 s.
		{"slow", 64 * kib, time.Second, 2 * time.Second, true},
		{"fast", 0, 20 * time.Second, 20 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan written, 1)
			srv := server(t, func(w http.ResponseWriter, r *http.Request) {
				http.NewResponseController(w).SetWriteDeadline(time.Now().Add(tt.deadline))
				var wr written
				for wr.n < size && wr.err == nil {
					var n int
					n, wr.err = w.Write(zeros)
					wr.n += n
				}
				got <- wr
			})
			cfg := Config{Timeout: tt.timeout, Stages: []Stage{{Rate: 1, Duration: time.Second}},
				Kinds: []Kind{{Name: tt.name, URL: srv.URL, DownloadBytesPerSecond: tt.bps, KeepAlive: true}}}
			fig, err := Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			var wr written
			select {
			case wr = <-got:
			default:
				t.Fatal("the handler did not finish by the end of the load")
			}
			t.Logf("server wrote %.1f MiB of 16 before %v; client read %d bytes", float64(wr.n)/(1<<20), wr.err, fig.Stages[0].BytesIn)
			if tt.blocks {
				if !errors.Is(wr.err, os.ErrDeadlineExceeded) || wr.n >= size {
					t.Errorf("server wrote %d bytes, error %v; want its writes blocked until the deadline", wr.n, wr.err)
				}
				// In its 2 s the client read at most 2 s of its rate and
				// its burst, far below what the server wrote.
				if in := fig.Stages[0].BytesIn; in > 3*64*kib {
					t.Errorf("slow client read %d bytes; want at most about 64 KiB/s", in)
				}
				return
			}
			if wr.err != nil || wr.n != size {
				t.Errorf("server wrote %d bytes, error %v; want all %d", wr.n, wr.err, size)
			}
		})
	}
}

// TestSlowUpload: the server reads each 128 KiB body at the 64 KiB/s its
// client sends it.
func TestSlowUpload(t *testing.T) {
	const size, bps = 128 * kib, 64 * kib
	var mu sync.Mutex
	var rates []float64
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		begin := time.Now()
		n, _ := io.Copy(io.Discard, r.Body)
		mu.Lock()
		rates = append(rates, float64(n)/time.Since(begin).Seconds())
		mu.Unlock()
	})
	body := make([]byte, size)
	cfg := Config{Stages: []Stage{{Rate: 20, Duration: 500 * time.Millisecond}},
		Kinds: []Kind{{Name: "upload", URL: srv.URL, Body: body, UploadBytesPerSecond: bps, KeepAlive: true}}}
	fig, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := fig.Stages[0]
	if s.Successes != s.Requests || len(rates) != int(s.Requests) || s.Requests < 5 {
		t.Fatalf("%d requests, %d successes, %d bodies read; want all (10)", s.Requests, s.Successes, len(rates))
	}
	slices.Sort(rates)
	t.Logf("%d uploads at %d KiB/s: server read at %.1f to %.1f KiB/s", len(rates), bps/kib, rates[0]/kib, rates[len(rates)-1]/kib)
	// Tight above (the throttle's promise), looser below: a busy machine
	// only slows the sender (see TestSlowClientsReadAtTheirRate).
	if med := quantile(rates, 0.5); med < 0.8*bps || med > 1.1*bps || rates[len(rates)-1] > 1.15*bps {
		t.Errorf("server read bodies at %.1f KiB/s (median), up to %.1f; want the median within 64 - 20%% and 64 + 10%%, none above 64 + 15%%", med/kib, rates[len(rates)-1]/kib)
	}
	if k := fig.Kinds[0]; k.BytesOut < s.Requests*size || k.UploadBytesPerSecond <= 0 {
		t.Errorf("kind BytesOut %d, upload rate %v; want at least the bodies", k.BytesOut, k.UploadBytesPerSecond)
	}
}

// TestKeepAliveOff: a kind without keep-alive opens a connection per
// request and says "Connection: close"; with keep-alive, connections are
// reused.
func TestKeepAliveOff(t *testing.T) {
	for _, keep := range []bool{false, true} {
		var conns, closing atomic.Int64
		srv := httptestServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Close {
				closing.Add(1)
			}
			io.WriteString(w, "ok\n")
		}, func(c net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		})
		cfg := Config{Stages: []Stage{{Rate: 40, Duration: 500 * time.Millisecond}},
			Kinds: []Kind{{Name: "k", URL: srv.URL, KeepAlive: keep}}}
		fig, err := Run(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(fig.Stages[0].Successes)
		t.Logf("keep-alive %v: %d requests, %d connections", keep, n, conns.Load())
		switch {
		case n < 10:
			t.Errorf("keep-alive %v: %d successes; want 20", keep, n)
		case !keep && (conns.Load() != n || closing.Load() != n):
			t.Errorf("keep-alive off: %d requests on %d connections, %d asking to close; want one each", n, conns.Load(), closing.Load())
		case keep && (conns.Load() > n/2 || closing.Load() != 0):
			t.Errorf("keep-alive on: %d requests on %d connections, %d asking to close; want them reused", n, conns.Load(), closing.Load())
		}
	}
}

// httptestServer is server with a ConnState hook.
func httptestServer(t *testing.T, h http.HandlerFunc, state func(net.Conn, http.ConnState)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = state
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestSlowClientsFallBehind: slow clients holding every worker leave the
// attack behind, at its offered rate, with the figures of what it sent.
func TestSlowClientsFallBehind(t *testing.T) {
	srv := server(t, answer(128*kib))
	cfg := Config{MaxWorkers: 4, Stages: []Stage{{Rate: 20, Duration: 1500 * time.Millisecond}},
		Kinds: []Kind{{Name: "slow", URL: srv.URL, DownloadBytesPerSecond: 64 * kib, KeepAlive: true}}}
	fig, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := fig.Stages[0]
	// 4 workers each held ~2 s: at most 8 requests in 1.5 s, of 30 offered.
	if !s.Behind || s.OfferedRatePerSecond != 20 || s.Requests > 8 || s.MaxLagSeconds < 1 {
		t.Errorf("stage: Behind %v, Offered %v/s, Requests %d, lag %.2f s; want behind at 20/s, at most 8 sent, lag > 1 s", s.Behind, s.OfferedRatePerSecond, s.Requests, s.MaxLagSeconds)
	}
	if s.Successes != s.Requests || s.Kinds[0].Requests != s.Requests || s.Kinds[0].LatencyP50Ms < 1500 {
		t.Errorf("stage %+v; want every request read in full, slowly, counted in its kind", s)
	}
	checkKindsAddUp(t, fig)
}

// TestSlowKindTimeout: a kind's own timeout ends a slow read and says so.
func TestSlowKindTimeout(t *testing.T) {
	srv := server(t, answer(1<<20))
	cfg := Config{Stages: []Stage{{Rate: 10, Duration: 300 * time.Millisecond}}, Kinds: []Kind{
		{Name: "slow", URL: srv.URL, DownloadBytesPerSecond: 64 * kib, Timeout: 300 * time.Millisecond, KeepAlive: true},
		{Name: "fast", URL: srv.URL, KeepAlive: true},
	}}
	fig, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := fig.Stages[0]
	slow, fast := s.Kinds[0], s.Kinds[1]
	if slow.Requests == 0 || slow.Errors != slow.Requests || fast.Successes != fast.Requests || fast.Requests == 0 {
		t.Errorf("slow %+v, fast %+v; want every slow one timed out, every fast one served", slow, fast)
	}
	if len(s.Errors) != 1 || s.Errors[0].Error != "request timeout (300ms) exceeded reading the body" {
		t.Errorf("errors %+v; want the slow kind's timeout while reading the body", s.Errors)
	}
	checkKindsAddUp(t, fig)
}

// TestSlowClientsCancel: ending ctx ends slow reads at once.
func TestSlowClientsCancel(t *testing.T) {
	srv := server(t, answer(16<<20))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Window: 100 * time.Millisecond, Stages: []Stage{{Rate: 20, Duration: time.Minute}},
		Kinds: []Kind{{Name: "slow", URL: srv.URL, DownloadBytesPerSecond: kib, KeepAlive: true}}}
	var cancelled time.Time
	fig, err := Run(ctx, cfg, func(r results.LoadRow) {
		if r.Sent > 0 && cancelled.IsZero() {
			cancelled = time.Now()
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() error = %v; want context.Canceled", err)
	}
	if el := time.Since(cancelled); el > time.Second {
		t.Errorf("Run returned %v after cancel; want within 1 s", el)
	}
	if s := fig.Stages[0]; s.Requests == 0 || len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error, "interrupted") {
		t.Errorf("stage %+v; want its slow requests interrupted", s)
	}
}
