package saved

import (
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

// TestDecimation: a target with ten times maxSeriesPoints samples and load
// windows keeps between maxSeriesPoints and twice that, in order, spanning
// the whole run.
func TestDecimation(t *testing.T) {
	run := NewRun(&results.Results{Targets: []results.Target{{Name: "a"}}})
	const n = 10 * maxSeriesPoints
	for i := range n {
		run.AddSample(results.SampleRow{Target: "a", TSeconds: float64(i), RSSBytes: int64(i)})
		run.AddLoad(results.LoadRow{Target: "a", TSeconds: float64(i), Done: 1})
	}
	s := run.Series[0]
	for name, ts := range map[string][]float64{"samples": s.T, "load": s.LoadT} {
		if len(ts) < maxSeriesPoints || len(ts) > 2*maxSeriesPoints {
			t.Errorf("%s: kept %d of %d points; want between %d and %d", name, len(ts), n, maxSeriesPoints, 2*maxSeriesPoints)
		}
		if ts[0] != 0 || ts[len(ts)-1] < n-n/maxSeriesPoints*4 {
			t.Errorf("%s: spans %v..%v; want 0..~%d", name, ts[0], ts[len(ts)-1], n)
		}
		for i := 1; i < len(ts); i++ {
			if ts[i] <= ts[i-1] {
				t.Fatalf("%s: point %d at %v after %v; want increasing", name, i, ts[i], ts[i-1])
			}
		}
	}
	if len(s.RSSMiB) != len(s.T) || len(s.P95Ms) != len(s.LoadT) {
		t.Errorf("series lengths differ: T %d RSS %d, LoadT %d P95 %d", len(s.T), len(s.RSSMiB), len(s.LoadT), len(s.P95Ms))
	}
}
