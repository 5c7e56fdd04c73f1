package runner

import (
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestEvidenceLine(t *testing.T) {
	stall := 3.25
	for _, tc := range []struct {
		name string
		ev   results.Evidence
		want string
	}{
		{"at a mark", results.Evidence{Share: 0.5, AtSeconds: 8.7, Files: []string{"a", "b", "c"}, Cost: results.EvidenceCost{Millis: 41}},
			"  t evidence at 50% of the limit (8.7 s): 3 files, took 41 ms\n"},
		{"end of load, with a stall", results.Evidence{Share: 0.3, AtSeconds: 38, EndOfLoad: true, Files: []string{"a"}, Cost: results.EvidenceCost{Millis: 12, StallMs: &stall}},
			"  t evidence at the end of the load, 30% of the limit (38.0 s): 1 files, took 12 ms, stopped it 3.2 ms\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := evidenceLine("t", tc.ev); got != tc.want {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
