package scenarios

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// TestExpectedSecondsTied: every builtin has a row in expectedSeconds and
// every row names a builtin, each at least its load long: a new builtin
// cannot be planned on a guess unnoticed.
func TestExpectedSecondsTied(t *testing.T) {
	names := builtinNames()
	for _, name := range names {
		if _, ok := expectedSeconds[name]; !ok {
			t.Errorf("expectedSeconds has no row for builtin %q", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(expectedSeconds)) {
		if !slices.Contains(names, name) {
			t.Errorf("expectedSeconds row %q names no builtin", name)
		}
	}
	for _, info := range Builtins() {
		if info.ExpectedSeconds < info.LoadSeconds || info.LoadSeconds <= 0 || info.Targets == 0 {
			t.Errorf("%s: expected %.1f s, load %.1f s, %d targets; want expected ≥ load > 0 and targets",
				info.Name, info.ExpectedSeconds, info.LoadSeconds, info.Targets)
		}
	}
}

func TestExpectedDuration(t *testing.T) {
	load := Load{Stages: []Stage{{Rate: 1, Duration: Duration(10 * time.Second)}, {Rate: 2, Duration: Duration(5 * time.Second)}}}
	two := []Target{{Name: "a"}, {Name: "b"}}
	tests := []struct {
		name     string
		sc       Scenario
		parallel bool
		want     time.Duration
	}{
		{"one after another", Scenario{Targets: two, Load: load}, false, 2 * (15*time.Second + StartupAllowance)},
		{"--parallel", Scenario{Targets: two, Load: load}, true, 15*time.Second + StartupAllowance},
		{"parallel: true", Scenario{Targets: two, Load: load, Parallel: true}, false, 15*time.Second + StartupAllowance},
		{"no targets", Scenario{Load: load}, false, 15*time.Second + StartupAllowance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sc.ExpectedDuration(tt.parallel); got != tt.want {
				t.Errorf("ExpectedDuration(%v) = %s; want %s", tt.parallel, got, tt.want)
			}
		})
	}
}
