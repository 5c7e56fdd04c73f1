package runner

import (
	"testing"
	"time"

	fxtimeline "github.com/oomlab/oomlab/fixtures/timeline"
	"github.com/oomlab/oomlab/scenarios"
)

func TestTimelinePhases(t *testing.T) {
	sec := func(n int) scenarios.Duration { return scenarios.Duration(time.Duration(n) * time.Second) }
	tests := []struct {
		name  string
		phase scenarios.Phase
		want  fxtimeline.Phase
	}{
		{
			name:  "mock: a slow database for 30s",
			phase: scenarios.Phase{Name: "slow db", At: sec(10), Duration: sec(30), Latency: sec(2), ReadBandwidth: 1_000_000, Capacity: 32, ErrorRate: 0.1},
			want: fxtimeline.Phase{Name: "slow db", Start: 10 * time.Second, End: 40 * time.Second, Latency: 2 * time.Second,
				ReadBytesPerSecond: 1_000_000, Capacity: 32, ErrorRate: 0.1},
		},
		{
			name:  "proxy: open-ended, both ways, resets",
			phase: scenarios.Phase{Name: "flaky", At: sec(5), ReadBandwidth: 4 << 20, WriteBandwidth: 1 << 20, ResetRate: 0.25, Stall: true},
			want:  fxtimeline.Phase{Name: "flaky", Start: 5 * time.Second, ReadBytesPerSecond: 4 << 20, WriteBytesPerSecond: 1 << 20, ResetRate: 0.25, Stall: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &scenarios.Scenario{Downstream: scenarios.Downstream{Phases: []scenarios.Phase{tt.phase}}}
			got := timelinePhases(sc)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("timelinePhases = %+v; want [%+v]", got, tt.want)
			}
		})
	}
}

// TestTimelinePhasesBuiltins: in every built-in scenario, the phase the
// fixtures put in force at each phase's start is that phase.
func TestTimelinePhasesBuiltins(t *testing.T) {
	for _, info := range scenarios.Builtins() {
		sc, err := scenarios.Builtin(info.Name)
		if err != nil {
			t.Fatalf("Builtin(%q) = %v", info.Name, err)
		}
		phases := timelinePhases(sc)
		for i, p := range sc.Downstream.Phases {
			if j, _ := fxtimeline.At(phases, p.At.D()); j != i {
				t.Errorf("%s: phase in force at %v = %d; want %d (%q)", info.Name, p.At, j, i, p.Name)
			}
		}
	}
}
