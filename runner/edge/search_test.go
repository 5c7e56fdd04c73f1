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
// fails above it; behindAbove > 0 makes the load generator fall behind
// above that rate; flaky lists rates whose second probe fails.
type simTarget struct {
	edge        float64
	behindAbove float64
	flaky       []float64
	rates       []float64
}

func (s *simTarget) Probe(_ context.Context, r float64) (results.EdgeProbe, error) {
	seen := slices.Contains(s.rates, r)
	s.rates = append(s.rates, r)
	switch {
	case s.behindAbove > 0 && r > s.behindAbove:
		return results.EdgeProbe{Inconclusive: true, Behind: true, Reasons: []string{"the load generator fell behind"}}, nil
	case r > s.edge || seen && slices.Contains(s.flaky, r):
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
		wantRates  []float64
		wantConf   []string // substrings of Confidence
	}{
		{
			name: "naive proxy: edge at the downstream's capacity", cfg: SearchConfig{StartRate: 10, MaxRate: 640},
			sim:      simTarget{edge: 10.5},
			wantRate: 10, wantFailed: 10.63, // bisection 10|20 → 15, 12.5, 11.25, 10.63 (within 10 %), then 10 again
			wantRates: []float64{10, 20, 15, 12.5, 11.25, 10.63, 10},
			wantConf:  []string{"held 10/s, failed 10.63/s", "[10, 10.63)/s", "bracket of 6 %", "a second run at 10/s held too"},
		},
		{
			name: "aware proxy: holds up to the largest rate", cfg: SearchConfig{StartRate: 10, MaxRate: 100},
			sim:      simTarget{edge: math.Inf(1)},
			wantRate: 100, wantAtMax: true,
			wantRates: []float64{10, 20, 40, 80, 100, 100},
			wantConf:  []string{"at least that"},
		},
		{
			name: "fails at the start: halves", cfg: SearchConfig{StartRate: 16, MaxRate: 64},
			sim:      simTarget{edge: 3},
			wantRate: 3, wantFailed: 3.25,
			wantRates: []float64{16, 8, 4, 2, 3, 3.5, 3.25, 3},
		},
		{
			name: "holds nothing", cfg: SearchConfig{StartRate: 8, MinRate: 1},
			sim:      simTarget{edge: 0.5},
			wantRate: 0, wantFailed: 1,
			wantRates: []float64{8, 4, 2, 1},
			wantConf:  []string{"held no rate tried"},
		},
		{
			name: "load generator behind: stops there", cfg: SearchConfig{StartRate: 10, MaxRate: 1000},
			sim:       simTarget{edge: math.Inf(1), behindAbove: 50},
			wantRate:  40,
			wantRates: []float64{10, 20, 40, 80},
			wantConf:  []string{"could not be judged", "fell behind"},
		},
		{
			name: "probe budget", cfg: SearchConfig{StartRate: 1, MaxRate: 1024, MaxProbes: 6, Resolution: 0.01},
			sim:       simTarget{edge: 100},
			wantRate:  32,
			wantRates: []float64{1, 2, 4, 8, 16, 32},
			wantConf:  []string{"at least that", "the probe budget ran out"},
		},
		{
			name: "flaky edge: the confirmation fails", cfg: SearchConfig{StartRate: 8, MaxRate: 640},
			sim:      simTarget{edge: 10.5, flaky: []float64{10}},
			wantRate: 9.5, wantFailed: 10, // the bisection resumes below 10 and confirms 9.5
			wantRates: []float64{8, 16, 12, 10, 11, 10, 9, 9.5, 9.5},
			wantConf:  []string{"inconsistent: held 10/s but failed 10/s", "a second run at 9.5/s held too"},
		},
		{
			name: "flaky start rate: halves below it", cfg: SearchConfig{StartRate: 10, MaxRate: 640},
			sim:      simTarget{edge: 10.5, flaky: []float64{10}},
			wantRate: 9.38, wantFailed: 10,
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
			if e.RatePerSecond != tt.wantRate || e.FailedRatePerSecond != tt.wantFailed || e.AtMax != tt.wantAtMax {
				t.Errorf("Search = rate %v failed %v atMax %v; want %v %v %v (%s)", e.RatePerSecond, e.FailedRatePerSecond, e.AtMax,
					tt.wantRate, tt.wantFailed, tt.wantAtMax, e.Confidence)
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
