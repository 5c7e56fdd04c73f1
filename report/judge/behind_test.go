package judge

import (
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestBehindSymptom(t *testing.T) {
	res := &results.Results{Stages: []results.StageSpan{
		{StartSeconds: 0, EndSeconds: 10}, {StartSeconds: 10, EndSeconds: 20}, {StartSeconds: 20, EndSeconds: 30},
	}}
	stage := func(offered, achieved, ran, lag float64, behind bool) results.Stage {
		return results.Stage{OfferedRatePerSecond: offered, AchievedRatePerSecond: achieved, DurationSeconds: ran, MaxLagSeconds: lag, Behind: behind}
	}
	tests := []struct {
		name   string
		stages []results.Stage
		want   string // "" for no symptom
	}{
		{"kept up", []results.Stage{stage(500, 500, 10, 0.1, false), stage(1000, 999, 10, 0.2, false)}, ""},
		{"one stage behind", []results.Stage{stage(500, 500, 10, 0.1, false), stage(1000, 768, 10, 2.6, true)},
			"load fell behind in stage 2: as little as 768 of 1000 requests/s sent (lag up to 2.6 s)"},
		{"the worst share is named", []results.Stage{stage(500, 450, 10, 1.9, true), stage(1000, 500, 10, 3, true), stage(3000, 621, 10, 13.2, true)},
			"load fell behind in stages 1, 2, 3: as little as 621 of 3000 requests/s sent (lag up to 13.2 s)"},
		{"a stage cut short by a death says nothing", []results.Stage{stage(500, 500, 10, 0.1, false), stage(1000, 200, 3, 4, true)}, ""},
		{"a stage past the scenario's says nothing", []results.Stage{stage(500, 500, 10, 0, false), stage(500, 500, 10, 0, false), stage(500, 500, 10, 0, false), stage(9, 1, 10, 5, true)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := behindSymptom(res, results.Target{Stages: tt.stages})
			if tt.want == "" {
				if got != "" {
					t.Errorf("behindSymptom = %q; want none", got)
				}
				return
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("behindSymptom = %q; want it to begin %q", got, tt.want)
			}
		})
	}
}
