package load

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"
)

// TestSlowReads: a slow reader is metered from the moment its request is
// sent until its answer's body ends or it fails. Each answer of 128 KiB
// read at 256 KiB/s takes at least 0.5 s (the throttle only makes it
// slower), plus whatever the server waits before its first byte; a
// request that times out awaiting headers is connected for its timeout
// and reads nothing; one that times out reading the body counts only the
// bytes it received at its rate. So the bytes are never more than the
// bandwidth × the time (client goodput ≤ 1), and every request's metered
// time is within Vegeta's own latency for it, which spans from before the
// request to after its body is closed. Only slow clients are metered: a kind without a download
// bandwidth and the fast half of a kind with slow share ½ are not.
func TestSlowReads(t *testing.T) {
	const size, bps = 128 * kib, 256 * kib
	tests := []struct {
		name    string
		delay   time.Duration // before the server's first byte
		share   float64
		timeout time.Duration
		// each is the least time one slow read holds its client, reads
		// the bytes of a slow read's body (partial: some, not all).
		each    time.Duration
		reads   uint64
		partial bool
	}{
		{name: "answered at once", share: 1, each: 500 * time.Millisecond, reads: size},
		{name: "1 s before the first byte", delay: time.Second, share: 1, each: 1500 * time.Millisecond, reads: size},
		{name: "half slow", share: 0.5, each: 500 * time.Millisecond, reads: size},
		{name: "timed out awaiting headers", delay: 10 * time.Second, share: 1, timeout: 300 * time.Millisecond, each: 300 * time.Millisecond, reads: 0},
		{name: "timed out reading the body", share: 1, timeout: 300 * time.Millisecond, each: 300 * time.Millisecond, reads: size, partial: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := server(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.RawQuery != "fast" {
					select {
					case <-time.After(tt.delay):
					case <-r.Context().Done():
						return
					}
				}
				answer(size)(w, r)
			})
			cfg := Config{Stages: []Stage{{Rate: 10, Duration: 300 * time.Millisecond}, {Rate: 10, Duration: 300 * time.Millisecond}},
				Kinds: []Kind{
					{Name: "slow", URL: srv.URL, DownloadBytesPerSecond: bps, SlowShare: tt.share, Timeout: tt.timeout, KeepAlive: true},
					{Name: "fast", URL: srv.URL + "/?fast", Weight: 0.5, KeepAlive: true},
				}}
			fig, err := Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reads > 0 && !tt.partial { // checkKindsAddUp wants bytes read, and successes
				checkKindsAddUp(t, fig)
			}
			slow, fast := fig.Kinds[0], fig.Kinds[1]
			// Request n of the kind is slow when ⌊(n+1)·s⌋ > ⌊n·s⌋.
			n := uint64(math.Floor(float64(slow.Requests) * tt.share))
			var latencies float64 // seconds, every request of the run
			for _, st := range fig.Stages {
				latencies += float64(st.Requests) * st.LatencyMeanMs / 1000
			}
			t.Logf("%d of %d requests slow: %.2f client-seconds, %d bytes read, %.3f of what they could read; all latencies %.2f s",
				n, slow.Requests, slow.ReadSeconds, slow.SlowBytesIn, float64(slow.SlowBytesIn)/(bps*slow.ReadSeconds), latencies)
			if slow.Requests < 3 || n == 0 {
				t.Fatalf("%d slow requests of %d; want at least 3 requests of the kind", n, slow.Requests)
			}
			if want := n * tt.reads; !tt.partial && slow.SlowBytesIn != want || tt.partial && (slow.SlowBytesIn == 0 || slow.SlowBytesIn >= want) {
				t.Errorf("SlowBytesIn = %d; want %d (%d slow reads of %d bytes, partial %v)", slow.SlowBytesIn, want, n, tt.reads, tt.partial)
			}
			if most := bps * slow.ReadSeconds * (1 + 1e-3); float64(slow.SlowBytesIn) > most {
				t.Errorf("SlowBytesIn = %d in %.3f client-seconds; want ≤ %.0f, what %d B/s carry", slow.SlowBytesIn, slow.ReadSeconds, most, bps)
			}
			if least := 0.9 * float64(n) * tt.each.Seconds(); slow.ReadSeconds < least {
				t.Errorf("ReadSeconds = %.3f; want ≥ %.3f (%d × %v, less 10 %%)", slow.ReadSeconds, least, n, tt.each)
			}
			if slow.ReadSeconds > latencies*(1+1e-9) {
				t.Errorf("ReadSeconds = %.3f; want ≤ %.3f, the requests' latencies together", slow.ReadSeconds, latencies)
			}
			if fast.Requests == 0 || fast.ReadSeconds != 0 || fast.SlowBytesIn != 0 {
				t.Errorf("fast kind %+v; want requests, and no slow reads metered", fast)
			}
		})
	}
}
