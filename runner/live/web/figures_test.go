package web

import (
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestRunFigures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stages []results.Stage
		want   RunFigures
	}{
		{"none", nil, RunFigures{}},
		{"summed over stages", []results.Stage{
			{Requests: 100, Successes: 90, Shed: 5, LatencyP95Ms: 300},
			{Requests: 200, Successes: 20, Shed: 170, LatencyP95Ms: 2500},
			{Requests: 50, Successes: 50, LatencyP95Ms: 40},
		}, RunFigures{Requests: 350, Successes: 160, Shed: 175, Errors: 15, WorstP95Ms: 2500}},
		{"never negative errors", []results.Stage{{Requests: 1, Successes: 1, Shed: 1}}, RunFigures{Requests: 1, Successes: 1, Shed: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := runFigures(tc.stages); got != tc.want {
				t.Errorf("got %+v; want %+v", got, tc.want)
			}
		})
	}
}

// TestFinishedCarriesRunFigures: the finished message a browser gets has
// each target's whole-run figures, which its card shows instead of the
// last second's.
func TestFinishedCarriesRunFigures(t *testing.T) {
	h := NewHub()
	h.RunFinished(&results.Results{Targets: []results.Target{{Name: "a", Outcome: "survived",
		Stages: []results.Stage{{Requests: 10, Successes: 7, Shed: 3}}}}})
	got := string(h.finished)
	for _, want := range []string{`"name":"a"`, `"run":{"requests":10,"successes":7,"shed":3,"errors":0,"worst_p95_ms":0}`} {
		if !strings.Contains(got, want) {
			t.Errorf("finished = %s; want %s in it", got, want)
		}
	}
}
