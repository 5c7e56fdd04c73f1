package runner

import (
	"context"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// TestRunFailFast: a naive proxy under a 1 GiB limit and a minute of load
// would need most of that minute to fill it; with FailFast its load ends
// within seconds on a confident forecast, and the outcome says so.
func TestRunFailFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 10 s")
	}
	sc := parse(t, `
name: ff
targets:
  - {name: naive, builtin: upload-naive, role: naive}
memory_limit: 1GiB
load:
  stages:
    - {rate: 40, duration: 60s}
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases:
    - {name: slow, at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 8}
`)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, _, err := runScenario(t, ctx, sc, Options{FailFast: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	naive := res.Targets[0]
	if naive.Outcome != results.OutcomeForecastOOM || naive.Forecast == nil || !naive.Forecast.CutShort {
		t.Fatalf("naive = %s (%s), forecast %+v; want forecast-oom, cut short", naive.Outcome, naive.OutcomeDetail, naive.Forecast)
	}
	if naive.DurationSeconds > 30 {
		t.Errorf("load ran %.1f s of 60; want ended within 30 s", naive.DurationSeconds)
	}
	if f := naive.Forecast; f.LatestSeconds == nil || *f.LatestSeconds > 60 || f.AtSeconds < naive.DurationSeconds-5 {
		t.Errorf("forecast %+v; want a latest crossing before the load's end (60 s), after the cut", f)
	}
}
