package edge

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

// simTarget is a simulated target: it holds every rate up to edge and
// fails above it; the load generator falls behind on every probe above
// behindAbove (> 0), on the first behindTimes[r] probes at rate r, and on
// every probe at r after the first behindFrom[r]; flaky lists rates whose
// second probe fails.
type simTarget struct {
	edge        float64
	behindAbove float64
	behindTimes map[float64]int
	behindFrom  map[float64]int
	flaky       []float64
	rates       []float64
}

func (s *simTarget) Probe(_ context.Context, r float64) (results.EdgeProbe, error) {
	runs := 0
	for _, q := range s.rates {
		if q == r {
			runs++
		}
	}
	s.rates = append(s.rates, r)
	switch {
	case s.behindAbove > 0 && r > s.behindAbove || runs < s.behindTimes[r] || s.behindFrom[r] > 0 && runs >= s.behindFrom[r]:
		return results.EdgeProbe{Inconclusive: true, Behind: true, AchievedRatePerSecond: 0.9 * r, MaxLagSeconds: 1.5,
			Reasons: []string{"the load generator fell behind (load-generator bound)"}}, nil
	case r > s.edge || runs > 0 && slices.Contains(s.flaky, r):
		return results.EdgeProbe{Reasons: []string{"RSS climbing"}}, nil
	}
	return results.EdgeProbe{Holds: true}, nil
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name       string
		cfg        SearchConfig
		sim        simTarget
		wantRate   float64
		wantFailed float64
		wantAtMax  bool
		wantBound  results.EdgeBound
		wantLimit  results.EdgeLimit
		wantRates  []float64
		wantConf   []string // substrings of Confidence
	}{
		{
			name: "naive proxy: edge at the downstream's capacity", cfg: SearchConfig{StartRate: 10, MaxRate: 640, BehindRetries: 1},
			sim:      simTarget{edge: 10.5},
			wantRate: 10, wantFailed: 10.63, wantBound: results.BoundEdge, // bisection 10|20 → 15, 12.5, 11.25, 10.63 (within 10 %), then 10 again
			wantRates: []float64{10, 20, 15, 12.5, 11.25, 10.63, 10},
			wantConf:  []string{"held 10/s, failed 10.63/s", "[10, 10.63)/s", "bracket of 6 %", "a second run at 10/s held too"},
		},
		{
			name: "ceiling reached: a lower bound", cfg: SearchConfig{StartRate: 10, MaxRate: 100, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1)},
			wantRate: 100, wantAtMax: true, wantBound: results.BoundLower, wantLimit: results.LimitCeiling,
			wantRates: []float64{10, 20, 40, 80, 100, 100},
			wantConf:  []string{"holds ≥ 100/s (the search's ceiling)", "a second run at 100/s held too"},
		},
		{
			name: "fails at the start: halves", cfg: SearchConfig{StartRate: 16, MaxRate: 64},
			sim:      simTarget{edge: 3},
			wantRate: 3, wantFailed: 3.25, wantBound: results.BoundEdge,
			wantRates: []float64{16, 8, 4, 2, 3, 3.5, 3.25, 3},
		},
		{
			name: "holds nothing", cfg: SearchConfig{StartRate: 8, MinRate: 1},
			sim:      simTarget{edge: 0.5},
			wantRate: 0, wantFailed: 1, wantBound: results.BoundNone,
			wantRates: []float64{8, 4, 2, 1},
			wantConf:  []string{"held no rate tried"},
		},
		{
			name: "generator bound, no retry: stops there", cfg: SearchConfig{StartRate: 10, MaxRate: 1000},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 50},
			wantRate: 40, wantBound: results.BoundLower, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20, 40, 80},
			wantConf: []string{"holds ≥ 40/s (the highest rate offered in full; the load generator, not the target, limited the search)",
				"could not offer 80/s in one run (the last: 72.0 requests/s sent, up to 1.5 s behind its schedule)"},
		},
		{
			name: "generator bound twice: a lower bound", cfg: SearchConfig{StartRate: 10, MaxRate: 1000, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 50},
			wantRate: 40, wantBound: results.BoundLower, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20, 40, 80, 80},
			wantConf:  []string{"holds ≥ 40/s (the highest rate offered in full", "could not offer 80/s in both runs"},
		},
		{
			name: "generator behind once: the retry is judged", cfg: SearchConfig{StartRate: 10, MaxRate: 80, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindTimes: map[float64]int{40: 1}},
			wantRate: 80, wantAtMax: true, wantBound: results.BoundLower, wantLimit: results.LimitCeiling,
			wantRates: []float64{10, 20, 40, 40, 80, 80},
			wantConf:  []string{"holds ≥ 80/s (the search's ceiling): it held every rate judged (6 probes)", "1 of the 6 probes could not be judged (the load generator fell behind on them)"},
		},
		{
			name: "both bounds: the generator falls behind at the ceiling", cfg: SearchConfig{StartRate: 10, MaxRate: 100, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 90},
			wantRate: 80, wantBound: results.BoundLower, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20, 40, 80, 100, 100},
			wantConf:  []string{"holds ≥ 80/s (the highest rate offered in full", "could not offer 100/s in both runs"},
		},
		{
			name: "both bounds: the ceiling held once, its second run generator bound", cfg: SearchConfig{StartRate: 10, MaxRate: 40, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindFrom: map[float64]int{40: 1}},
			wantRate: 40, wantAtMax: true, wantBound: results.BoundLower, wantLimit: results.LimitCeiling,
			wantRates: []float64{10, 20, 40, 40, 40},
			wantConf: []string{"holds ≥ 40/s (the search's ceiling)", "2 of the 5 probes could not be judged",
				"the second run at 40/s could not be judged", "rests on one run"},
		},
		{
			name: "generator bound inside the bisection: the bracket stays wide", cfg: SearchConfig{StartRate: 10, MaxRate: 640, BehindRetries: 1},
			sim:      simTarget{edge: 12, behindTimes: map[float64]int{15: 2}},
			wantRate: 10, wantFailed: 20, wantBound: results.BoundEdge, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20, 15, 15},
			wantConf:  []string{"[10, 20)/s", "the bisection stopped there", "could not offer 15/s in both runs"},
		},
		{
			name: "generator bound from the start: nothing judged", cfg: SearchConfig{StartRate: 10, BehindRetries: 2},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 1},
			wantRate: 0, wantBound: results.BoundNone, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 10, 10},
			wantConf:  []string{"no rate could be judged (3 probes)", "could not offer 10/s in all 3 runs"},
		},
		{
			name: "probe budget", cfg: SearchConfig{StartRate: 1, MaxRate: 1024, MaxProbes: 6, Resolution: 0.01},
			sim:      simTarget{edge: 100},
			wantRate: 32, wantBound: results.BoundLower, wantLimit: results.LimitProbeBudget,
			wantRates: []float64{1, 2, 4, 8, 16, 32},
			wantConf:  []string{"holds ≥ 32/s (the probe budget, 6, ran out below the search's ceiling of 1024/s)"},
		},
		{
			name: "probe budget spent on generator retries", cfg: SearchConfig{StartRate: 10, MaxRate: 1000, MaxProbes: 3, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 15},
			wantRate: 10, wantBound: results.BoundLower, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20, 20},
		},
		{
			name: "probe budget ends the retries: still generator bound", cfg: SearchConfig{StartRate: 10, MaxRate: 1000, MaxProbes: 2, BehindRetries: 1},
			sim:      simTarget{edge: math.Inf(1), behindAbove: 15},
			wantRate: 10, wantBound: results.BoundLower, wantLimit: results.LimitLoadGenerator,
			wantRates: []float64{10, 20},
			wantConf:  []string{"could not offer 20/s in one run"},
		},
		{
			name: "flaky edge: the confirmation fails", cfg: SearchConfig{StartRate: 8, MaxRate: 640},
			sim:      simTarget{edge: 10.5, flaky: []float64{10}},
			wantRate: 9.5, wantFailed: 10, wantBound: results.BoundEdge, // the bisection resumes below 10 and confirms 9.5
			wantRates: []float64{8, 16, 12, 10, 11, 10, 9, 9.5, 9.5},
			wantConf:  []string{"inconsistent: held 10/s but failed 10/s", "a second run at 9.5/s held too"},
		},
		{
			name: "flaky start rate: halves below it", cfg: SearchConfig{StartRate: 10, MaxRate: 640},
			sim:      simTarget{edge: 10.5, flaky: []float64{10}},
			wantRate: 9.38, wantFailed: 10, wantBound: results.BoundEdge,
			wantRates: []float64{10, 20, 15, 12.5, 11.25, 10.63, 10, 5, 7.5, 8.75, 9.38, 9.38},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := tt.sim
			e, err := Search(context.Background(), tt.cfg, &sim)
			if err != nil {
				t.Fatalf("Search = %v; want nil", err)
			}
			if e.RatePerSecond != tt.wantRate || e.FailedRatePerSecond != tt.wantFailed || e.AtMax != tt.wantAtMax ||
				e.Bound != tt.wantBound || e.LimitedBy != tt.wantLimit {
				t.Errorf("Search = rate %v failed %v atMax %v bound %q limited by %q; want %v %v %v %q %q (%s)", e.RatePerSecond,
					e.FailedRatePerSecond, e.AtMax, e.Bound, e.LimitedBy, tt.wantRate, tt.wantFailed, tt.wantAtMax, tt.wantBound, tt.wantLimit, e.Confidence)
			}
			if tt.wantRates != nil && !slices.Equal(sim.rates, tt.wantRates) {
				t.Errorf("rates probed = %v; want %v", sim.rates, tt.wantRates)
			}
			if len(e.Probes) != len(sim.rates) {
				t.Errorf("%d probes recorded for %d run", len(e.Probes), len(sim.rates))
			}
			for _, c := range tt.wantConf {
				if !strings.Contains(e.Confidence, c) {
					t.Errorf("Confidence = %q; want it to contain %q", e.Confidence, c)
				}
			}
		})
	}
}

// TestSearchConverges runs the search on simulated targets with edges
// over three decades: the edge found is never above the true one and
// within the resolution below it, and the probes stay within budget.
func TestSearchConverges(t *testing.T) {
	for edge := 0.7; edge < 900; edge *= 1.37 {
		sim := simTarget{edge: edge}
		cfg := SearchConfig{StartRate: 10, MaxRate: 1280, MinRate: 0.5, MaxProbes: 20}
		e, err := Search(context.Background(), cfg, &sim)
		if err != nil {
			t.Fatal(err)
		}
		if e.RatePerSecond > edge || e.RatePerSecond < edge/(1+DefaultResolution)-0.01 {
			t.Errorf("edge %.2f: found %.2f (failed %.2f); want within %.0f %% below", edge, e.RatePerSecond, e.FailedRatePerSecond, 100*DefaultResolution)
		}
		if len(e.Probes) > cfg.MaxProbes {
			t.Errorf("edge %.2f: %d probes; want ≤ %d", edge, len(e.Probes), cfg.MaxProbes)
		}
	}
}

func TestSearchErrors(t *testing.T) {
	boom := errors.New("boom")
	failing := ProbeFunc(func(context.Context, float64) (results.EdgeProbe, error) { return results.EdgeProbe{}, boom })
	if _, err := Search(context.Background(), SearchConfig{StartRate: 1}, failing); !errors.Is(err, boom) {
		t.Errorf("Search with a failing prober = %v; want %v", err, boom)
	}
	for _, cfg := range []SearchConfig{{StartRate: 0}, {StartRate: math.NaN()}, {StartRate: 10, MaxRate: 5}} {
		if _, err := Search(context.Background(), cfg, &simTarget{}); err == nil {
			t.Errorf("Search(%+v) = nil error; want one", cfg)
		}
	}
}

func TestDefaultMaxRate(t *testing.T) {
	tests := []struct {
		start     float64
		bodyBytes int64
		want      float64
	}{
		{10, 1 << 20, 160},  // 1309/s ÷ 8 = 164
		{7, 1 << 20, 112},   // 7 × 16
		{4, 256 << 10, 512}, // 4148/s ÷ 8 = 518: 4 × 128
		{10, 0, 1280},       // 15000/s ÷ 8 = 1875
		{500, 1 << 20, 500}, // the start rate is above the share: the search probes it alone
		{160, 1 << 20, 160}, // exactly on the grid
	}
	for _, tt := range tests {
		got, src := DefaultMaxRate(tt.start, tt.bodyBytes)
		if got != tt.want {
			t.Errorf("DefaultMaxRate(%v, %d) = %v; want %v", tt.start, tt.bodyBytes, got, tt.want)
		}
		if !strings.Contains(src, "load generator's measured ceiling") {
			t.Errorf("DefaultMaxRate source = %q; want the reasoning", src)
		}
	}
	if c := GeneratorCeiling(1 << 20); math.Abs(c-1309) > 1 {
		t.Errorf("GeneratorCeiling(1 MiB) = %.1f; want 1 ÷ (1/15000 + 1/1433.6) ≈ 1309", c)
	}
}
