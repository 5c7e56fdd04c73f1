package load

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// BenchmarkSlowClients measures how fast 1,000 clients throttled to
// 64 KiB/s each read 128 KiB answers from a server in another process:
// the median and spread of their rates in KiB/s. It fails when the median
// or the 5th/95th percentiles stray more than 10 % from 64. Run it alone:
//
//	go test -run '^$' -bench SlowClients -benchtime 1x ./runner/load/
func BenchmarkSlowClients(b *testing.B) {
	const size, bps, clients = 128 * kib, 64 * kib, 1000
	url := helperServer(b) + "/?bytes=" + strconv.Itoa(size)
	var rates []float64
	for b.Loop() {
		cfg := Config{MaxWorkers: clients + 100, Timeout: time.Minute,
			Stages: []Stage{{Rate: clients / 2, Duration: 2 * time.Second}},
			Kinds:  []Kind{{Name: "slow", URL: url, DownloadBytesPerSecond: bps, KeepAlive: true}}}
		rates = clientRates(b, attackResults(b, cfg), size)
	}
	med, p5, p95 := quantile(rates, 0.5), quantile(rates, 0.05), quantile(rates, 0.95)
	b.ReportMetric(float64(len(rates)), "clients")
	b.ReportMetric(med/kib, "median_KiB/s")
	b.ReportMetric(p5/kib, "p5_KiB/s")
	b.ReportMetric(p95/kib, "p95_KiB/s")
	b.ReportMetric(rates[0]/kib, "min_KiB/s")
	b.ReportMetric(rates[len(rates)-1]/kib, "max_KiB/s")
	if med < 0.9*bps || med > 1.1*bps || p5 < 0.9*bps || p95 > 1.1*bps {
		b.Errorf("client rates median %.1f KiB/s, p5 %.1f, p95 %.1f; want within 64 ± 10%%", med/kib, p5/kib, p95/kib)
	}
}

// BenchmarkSlowConnections holds 2,000 slow connections open together for
// 60 s — 2,000 clients reading at 64 KiB/s (OOMLAB_BENCH_BPS overrides)
// answers that last 70 s, sent over the first 10 s (a generator starved of
// CPU cannot open them faster) — against a server in another process,
// and samples the attacker's own RSS every second. It reports the peak
// (rss_mib) and the growth over the hold, from 15 s to 70 s (growth_mib):
// the harness is bounded by its workers and connections, so both stay
// small and flat. It takes over a minute: run it alone, once:
//
//	go test -run '^$' -bench SlowConnections -benchtime 1x -timeout 10m ./runner/load/
func BenchmarkSlowConnections(b *testing.B) {
	const conns, ramp, hold = 2000, 10 * time.Second, 60 * time.Second
	bps := int64(64 * kib)
	if v, err := strconv.ParseInt(os.Getenv("OOMLAB_BENCH_BPS"), 10, 64); err == nil && v > 0 {
		bps = v
	}
	size := bps * int64((ramp + hold).Seconds())
	url := helperServer(b) + "/?bytes=" + strconv.FormatInt(size, 10)
	var peak, growth, atHold, atEnd float64
	for b.Loop() {
		cfg := Config{MaxWorkers: conns + 100, Timeout: 2 * hold,
			Stages: []Stage{{Rate: conns / ramp.Seconds(), Duration: ramp}},
			Kinds:  []Kind{{Name: "slow", URL: url, DownloadBytesPerSecond: bps, KeepAlive: true}}}
		every, stop := sampleRSS(b)
		begin := time.Now()
		var heap, stacks float64
		fig, err := Run(context.Background(), cfg, func(row results.LoadRow) {
			if row.TSeconds >= (ramp + hold - time.Second).Seconds() && heap == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap, stacks = float64(ms.HeapInuse)/(1<<20), float64(ms.StackInuse)/(1<<20)
			}
		})
		rss := stop()
		if err != nil {
			b.Fatal(err)
		}
		s := fig.Stages[0]
		b.Logf("%d requests, %d successes, p50 %.1f s, errors %v; ran %v", s.Requests, s.Successes, s.LatencyP50Ms/1000, s.Errors, time.Since(begin).Round(time.Second))
		if s.Requests < conns || s.Successes != s.Requests || s.LatencyP50Ms < (ramp+hold-time.Second).Seconds()*1000 {
			b.Errorf("%d connections held %.1f s (p50); want %d held over %v", s.Requests, s.LatencyP50Ms/1000, conns, hold)
		}
		peak, atHold, atEnd = 0, rssAt(rss, every, ramp+5*time.Second), rssAt(rss, every, ramp+hold)
		for _, v := range rss {
			peak = max(peak, v)
		}
		growth = atEnd - atHold
		b.Logf("RSS MiB each second: %.1f", rss)
		b.Logf("at the end: Go heap in use %.1f MiB, goroutine stacks %.1f MiB", heap, stacks)
	}
	b.ReportMetric(peak, "rss_mib")
	b.ReportMetric(growth, "growth_mib")
	b.ReportMetric(atHold, "rss_at_15s_mib")
	b.ReportMetric(atEnd, "rss_at_70s_mib")
	if peak > 100 || growth > 5 {
		b.Errorf("RSS peak %.1f MiB, growth %.1f MiB; want at most 100 and 5", peak, growth)
	}
}

// sampleRSS samples this process's VmRSS in MiB every second until stop
// is called; stop returns the samples (sample i at i+1 seconds).
func sampleRSS(tb testing.TB) (every time.Duration, stop func() []float64) {
	var mu sync.Mutex
	var out []float64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v, err := vmRSS()
				if err != nil {
					tb.Error(err)
					return
				}
				mu.Lock()
				out = append(out, v)
				mu.Unlock()
			}
		}
	})
	return time.Second, func() []float64 {
		close(done)
		wg.Wait()
		return out
	}
}

// rssAt is the sample taken at about t.
func rssAt(rss []float64, every, t time.Duration) float64 {
	if len(rss) == 0 {
		return 0
	}
	return rss[min(len(rss)-1, max(0, int(t/every)-1))]
}

// vmRSS reads this process's VmRSS in MiB.
func vmRSS() (float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}
