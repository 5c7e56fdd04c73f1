package curve

import (
	"math"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func TestSpans(t *testing.T) {
	stages := []results.StageSpan{{RatePerSecond: 50, StartSeconds: 0, EndSeconds: 10},
		{RatePerSecond: 100, StartSeconds: 10, EndSeconds: 30}}
	phases := []results.PhaseSpan{{Name: "healthy", StartSeconds: 0, EndSeconds: 4},
		{Name: "failing", StartSeconds: 4, EndSeconds: 30}}
	got := Spans(stages, phases, math.Inf(1))
	want := []Span{
		{Start: 0, End: 4, SettleSeconds: 2, Stage: 0, Phase: 0},
		{Start: 4, End: 10, SettleSeconds: 2, Stage: 0, Phase: 1},
		{Start: 10, End: 30, SettleSeconds: 5, Stage: 1, Phase: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Spans = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Spans[%d] = %+v; want %+v", i, got[i], want[i])
		}
	}
	if cut := Spans(stages, phases, 12); len(cut) != 3 || cut[2].End != 12 || cut[2].SettleSeconds != 5 {
		t.Errorf("Spans(end 12) = %+v; want the last cut at 12 with its full settling", cut)
	}
	if one := Spans(stages, phases[:1], math.Inf(1)); len(one) != 2 || one[0].Phase != -1 {
		t.Errorf("Spans(one phase) = %+v; want two spans, no phase named", one)
	}
}

func TestFindHighs(t *testing.T) {
	tests := []struct {
		name string
		ys   []float64
		want Highs
	}{
		{"flat", []float64{5, 5.5, 5.2, 5.9, 5, 5.3, 5.1}, Highs{Last: 0, Since: 6, Peak: 5.9, EndLevel: 5.1}},
		// A new high every second: each a step of its own.
		{"climb", []float64{5, 6.1, 7.2, 8.3, 9.4, 10.5, 11.6}, Highs{Last: 6, Since: 0, Steps: 6, LongestPause: 1, Peak: 11.6, EndLevel: 10.5}},
		{"step then hold", []float64{5, 5, 5, 9, 9, 9.2, 9, 9}, Highs{Last: 3, Since: 4, Steps: 1, LongestPause: 3, Peak: 9.2, EndLevel: 9}},
		{"two steps", []float64{5, 7, 7, 7, 7, 9, 9, 9, 9}, Highs{Last: 5, Since: 3, Steps: 2, LongestPause: 4, Peak: 9, EndLevel: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Samples a second apart: the running median sees one
			// sample at a time (TestRunningMedian covers it).
			xs := make([]float64, len(tt.ys))
			for i := range xs {
				xs[i] = float64(i)
			}
			if got := FindHighs(xs, tt.ys); got != tt.want {
				t.Errorf("FindHighs(%v) = %+v; want %+v", tt.ys, got, tt.want)
			}
		})
	}
	if h := FindHighs(nil, nil); !math.IsNaN(h.Peak) {
		t.Errorf("FindHighs(empty).Peak = %v; want NaN", h.Peak)
	}
}

func TestRunningMedian(t *testing.T) {
	xs := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	ys := []float64{1, 1, 1, 9, 1, 1, 1}
	for i, y := range runningMedian(xs, ys) {
		if y != 1 {
			t.Errorf("runningMedian(spike)[%d] = %v; want 1", i, y)
		}
	}
}

func TestSettle(t *testing.T) {
	stages := []results.StageSpan{{StartSeconds: 0, EndSeconds: 10}, {StartSeconds: 10, EndSeconds: 20}}
	// A step at each stage start, flat after it: the settled windows see
	// the flats only.
	xs, ys := series10Hz(0, 20, 0.05, func(t float64) float64 { return 100 + 20*math.Floor(t/10) })
	c := Curve{T: xs, MiB: ys}
	ev := c.Settle(stages, nil)
	if len(ev.Windows) != 2 {
		t.Fatalf("Settle = %d windows; want 2", len(ev.Windows))
	}
	w := ev.Last()
	if !w.OK || w.Fit.Start < 12.5-1e-9 || math.Abs(w.Fit.Slope) > 0.05 || math.Abs(w.PeakBefore-120) > 0.5 {
		t.Errorf("Settle last window = %+v; want a flat fit from 12.5 s on, peak before ≈ 120", w)
	}
	if got := DefaultRule().Decide(ev).Finding; got != Levelled {
		t.Errorf("Decide(two steps, flat after each) = %v; want Levelled", got)
	}
	if ev := c.Settle(nil, nil); len(ev.Windows) != 1 || !ev.Last().Span.Whole || ev.Last().Span.SettleSeconds != 0 {
		t.Errorf("Settle(no stages) = %+v; want one whole, unsettled window", ev)
	}
	if ev := (Curve{}).Settle(stages, nil); len(ev.Windows) != 0 {
		t.Errorf("Settle(no samples) = %+v; want no window", ev)
	}
	short := Curve{T: []float64{0, 0.5, 1}, MiB: []float64{1, 2, 3}}
	if d := DefaultRule().Decide(short.Whole()); d.Finding != TooShort || d.Finding.Growing() || d.Level != Low {
		t.Errorf("Decide(3 samples) = %+v; want TooShort, low", d)
	}
}
