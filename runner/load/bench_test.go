package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// BenchmarkRunMaxRate measures the rate Run achieves against a trivial
// in-process server with MaxWorkers 100, one 3 s stage per offered rate.
// It is heavy: run it alone, once, on a quiet machine:
//
//	go test -run '^$' -bench RunMaxRate -benchtime 1x ./runner/load/
//
// OOMLAB_BENCH_URL points it at a server in another process instead
// (loopback only), so that the server does not share the attacker's
// runtime.
func BenchmarkRunMaxRate(b *testing.B) {
	url := os.Getenv("OOMLAB_BENCH_URL")
	if url == "" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello\n")
		}))
		defer srv.Close()
		url = srv.URL
	}
	for _, rate := range []float64{5000, 10000, 15000, 20000, 25000} {
		b.Run(fmt.Sprintf("offered=%.0f", rate), func(b *testing.B) {
			b.ReportAllocs()
			var achieved, success, p99 float64
			for b.Loop() {
				cfg := Config{URL: url, MaxWorkers: 100, Stages: []Stage{{Rate: rate, Duration: 3 * time.Second}}}
				stages, err := runStages(context.Background(), cfg, nil)
				if err != nil {
					b.Fatal(err)
				}
				achieved, success, p99 = stages[0].AchievedRatePerSecond, stages[0].SuccessRatio, stages[0].LatencyP99Ms
			}
			b.ReportMetric(achieved, "achieved/s")
			b.ReportMetric(success, "success")
			b.ReportMetric(p99, "p99-ms")
		})
	}
}
