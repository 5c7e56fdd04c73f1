package edge

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

func TestProbeScenario(t *testing.T) {
	sc, err := scenarios.Lookup("upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ProbeScenario(sc, "upload-aware", 12.5, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Targets) != 1 || p.Targets[0].Name != "upload-aware" || p.Targets[0].Env["MAX_IN_FLIGHT"] != "32" {
		t.Errorf("targets = %+v; want upload-aware alone, its env kept", p.Targets)
	}
	if p.Targets[0].Expect.MaxRSS != 0 || len(p.Targets[0].Expect.Outcomes) != 0 {
		t.Errorf("expectations kept: %+v", p.Targets[0].Expect)
	}
	if len(p.Load.Stages) != 1 || p.Load.Stages[0].Rate != 12.5 || p.Load.Stages[0].Duration.D() != 20*time.Second {
		t.Errorf("stages = %+v; want one of 12.5/s for 20s", p.Load.Stages)
	}
	if len(p.Downstream.Phases) != 1 || p.Downstream.Phases[0].At != 0 || p.Downstream.Phases[0].Capacity != 32 {
		t.Errorf("phases = %+v; want the slow phase from 0", p.Downstream.Phases)
	}
	if !p.Evidence.Off || p.Deadline.D() != 80*time.Second {
		t.Errorf("evidence %+v deadline %s; want off, 80s", p.Evidence, p.Deadline)
	}
	if len(sc.Targets) != 4 || len(sc.Load.Stages) != 4 {
		t.Errorf("ProbeScenario changed the scenario it was given: %d targets, %d stages", len(sc.Targets), len(sc.Load.Stages))
	}
	if _, err := ProbeScenario(sc, "nope", 1, time.Second); err == nil || !strings.Contains(err.Error(), "upload-naive") {
		t.Errorf("ProbeScenario(unknown target) = %v; want an error listing the targets", err)
	}
	if _, err := ProbeScenario(sc, "upload-aware", 0, time.Second); err == nil {
		t.Error("ProbeScenario(rate 0) = nil error; want one")
	}
}

func TestSteadyPhase(t *testing.T) {
	sec := func(s int) scenarios.Duration { return scenarios.Duration(time.Duration(s) * time.Second) }
	sc := &scenarios.Scenario{Load: scenarios.Load{Stages: []scenarios.Stage{{Rate: 1, Duration: sec(40)}}}}
	tests := []struct {
		name   string
		phases []scenarios.Phase
		want   string
		ok     bool
	}{
		{"none", nil, "", false},
		{"open-ended from the start", []scenarios.Phase{{Name: "slow", At: 0}}, "slow", true},
		{"the later of two", []scenarios.Phase{{Name: "a", At: 0, Duration: sec(10)}, {Name: "b", At: sec(10)}}, "b", true},
		{"one that ends before the load", []scenarios.Phase{{Name: "blip", At: sec(5), Duration: sec(5)}}, "", false},
		{"one that lasts to the end", []scenarios.Phase{{Name: "x", At: sec(20), Duration: sec(20)}}, "x", true},
	}
	for _, tt := range tests {
		sc.Downstream.Phases = tt.phases
		got, ok := SteadyPhase(sc)
		if ok != tt.ok || got.Name != tt.want {
			t.Errorf("%s: SteadyPhase = %q, %v; want %q, %v", tt.name, got.Name, ok, tt.want, tt.ok)
		}
	}
}

func TestLittleRate(t *testing.T) {
	ph := scenarios.Phase{Latency: scenarios.Duration(2 * time.Second), ReadBandwidth: 1_000_000, Capacity: 32}
	// 32 ÷ (2 s + 1,048,576 B ÷ 1,000,000 B/s) = 32 ÷ 3.048576 s.
	if got, want := LittleRate(ph, 1<<20), 32/3.048576; math.Abs(got-want) > 1e-9 {
		t.Errorf("LittleRate = %v; want %v", got, want)
	}
	if got := LittleRate(scenarios.Phase{Latency: ph.Latency}, 1<<20); got != 0 {
		t.Errorf("LittleRate without capacity = %v; want 0", got)
	}
	if got := LittleRate(scenarios.Phase{Capacity: 4, Latency: scenarios.Duration(time.Second / 4)}, 0); got != 16 {
		t.Errorf("LittleRate(4 slots, 250 ms) = %v; want 16", got)
	}
}

func TestCompare(t *testing.T) {
	naive := results.Edge{Target: "n", Role: "naive", RatePerSecond: 10, FailedRatePerSecond: 11, Bound: results.BoundEdge}
	aware := results.Edge{Target: "a", Role: "aware", RatePerSecond: 320, FailedRatePerSecond: 640, Bound: results.BoundEdge}
	awareMax := results.Edge{Target: "a", Role: "aware", RatePerSecond: 160, AtMax: true, Bound: results.BoundLower, LimitedBy: results.LimitCeiling}
	awareGen := results.Edge{Target: "a", Role: "aware", RatePerSecond: 80, Bound: results.BoundLower, LimitedBy: results.LimitLoadGenerator}
	naiveGen := results.Edge{Target: "n", Role: "naive", RatePerSecond: 20, Bound: results.BoundLower, LimitedBy: results.LimitLoadGenerator}
	legacyMax := results.Edge{Target: "a", Role: "aware", RatePerSecond: 640, AtMax: true} // an edge.json from before bound
	tests := []struct {
		edges []results.Edge
		want  string
	}{
		{[]results.Edge{naive, aware}, "the aware one (a) holds 32× the load of the naive one (n): 320/s against 10/s"},
		{[]results.Edge{awareMax, naive}, "the aware one (a) holds ≥ 16× the load of the naive one (n): ≥ 160/s (a lower bound: the search's ceiling) against 10/s"},
		{[]results.Edge{awareGen, naive}, "holds ≥ 8× the load of the naive one (n): ≥ 80/s (a lower bound: the highest rate offered in full; the load generator, not the target, limited the search)"},
		{[]results.Edge{legacyMax, {Target: "n", Role: "naive", RatePerSecond: 10.63, FailedRatePerSecond: 11.25}}, "holds ≥ 60.2× the load"},
		{[]results.Edge{awareGen, naiveGen}, "both figures are lower bounds — the aware one (a) holds ≥ 80/s, the naive one (n) ≥ 20/s — so no ratio can be told"},
		{[]results.Edge{aware, naiveGen}, "the naive one (n) ≥ 20/s (a lower bound: the highest rate offered in full; the load generator, not the target, limited the search): the aware one holds under 32× its load"},
		{[]results.Edge{{Target: "n", Role: "naive", Bound: results.BoundNone}, aware}, "the naive one (n) held no rate that could be judged; the aware one (a): edge 320/s (held 320/s, failed 640/s)"},
		{[]results.Edge{naive}, ""},
		{[]results.Edge{naive, naive, aware}, ""},
	}
	for _, tt := range tests {
		got := Compare(tt.edges)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("Compare(%+v) = %q; want %q", tt.edges, got, tt.want)
		}
	}
}
