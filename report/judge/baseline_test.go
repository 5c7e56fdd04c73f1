package judge

import (
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestChangeRules(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		got  Change
		want Change
	}{
		{"RSS within tolerance", higherIsWorse(100, 114, 0.15, floorRSSMiB), ChangeSame},
		{"RSS beyond tolerance", higherIsWorse(100, 116, 0.15, floorRSSMiB), ChangeWorse},
		{"RSS below the floor", higherIsWorse(10, 13.9, 0.15, floorRSSMiB), ChangeSame},
		{"RSS better", higherIsWorse(100, 80, 0.15, floorRSSMiB), ChangeBetter},
		{"slope noise near zero", higherIsWorse(0.02, 0.4, 0.15, floorSlope), ChangeSame},
		{"slope climbing", higherIsWorse(0.02, 0.6, 0.15, floorSlope), ChangeWorse},
		{"never to forecast", timeChange(nil, f(300), 0.15), ChangeWorse},
		{"forecast to never", timeChange(f(300), nil, 0.15), ChangeBetter},
		{"killed 3 s sooner", timeChange(f(21.8), f(18.8), 0.15), ChangeSame},
		{"killed 8 s sooner", timeChange(f(26), f(18), 0.15), ChangeWorse},
		{"survived to killed", outcomeChange(results.OutcomeSurvived, results.OutcomeOOMKilled), ChangeWorse},
		{"killed to survived", outcomeChange(results.OutcomeOOMKilled, results.OutcomeSurvived), ChangeBetter},
		{"killed to stalled", outcomeChange(results.OutcomeOOMKilled, results.OutcomeLimitStall), ChangeSame},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}
