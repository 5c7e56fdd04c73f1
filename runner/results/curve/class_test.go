package curve

import "testing"

func TestDecide(t *testing.T) {
	stage := Span{Start: 30, End: 40, SettleSeconds: 2.5, Stage: 3, Phase: -1}
	prev := Span{Start: 20, End: 30, SettleSeconds: 2.5, Stage: 2, Phase: -1}
	fit := func(slope, se float64) Fit {
		return Fit{Slope: slope, WideStdErr: se, R2: 0.8, Start: 32.5, End: 40, N: 75}
	}
	last := func(f Fit, h Highs, peakBefore float64) Window {
		return Window{Span: stage, Fit: f, OK: true, Highs: h, PeakBefore: peakBefore}
	}
	flatBefore := Window{Span: prev, Fit: Fit{Slope: -0.1, WideStdErr: 0.06, Start: 22.5, End: 30, N: 75}, OK: true}
	risingBefore := Window{Span: prev, Fit: Fit{Slope: 3, WideStdErr: 0.5, Start: 22.5, End: 30, N: 75}, OK: true}
	tests := []struct {
		name    string
		ws      []Window
		finding Finding
		level   Level
		prior   bool
	}{
		{"too short", []Window{{Span: Span{Start: 6, End: 8, SettleSeconds: 2}, Fit: Fit{N: 1}}}, TooShort, Low, false},
		{"flat", []Window{last(fit(0.02, 0.1), Highs{Last: 32.5, Since: 7.5, Peak: 100, EndLevel: 100}, 100)}, Levelled, High, false},
		{"slow but sure rise", []Window{last(fit(0.3, 0.05), Highs{Last: 39, Since: 1, Peak: 102, EndLevel: 102}, 90)}, SlowRise, Medium, false},
		{"saw-tooth under an earlier peak", []Window{last(fit(1.2, 0.5), Highs{Last: 39.5, Since: 0.5, Peak: 95, EndLevel: 92}, 90)}, UnderPeak, Medium, false},
		{"climb", []Window{last(fit(3, 0.2), Highs{Last: 39.7, Since: 0.3, Steps: 1, Peak: 130, EndLevel: 128}, 100)}, Climbing, High, false},
		{"climb, lower bound under threshold", []Window{last(fit(0.8, 0.25), Highs{Last: 39.7, Since: 0.3, Peak: 130, EndLevel: 128}, 100)}, Climbing, Medium, false},
		{"climb with a pause at the end", []Window{{Span: Span{Start: 0, End: 40, SettleSeconds: 10},
			Fit: Fit{Slope: 2, WideStdErr: 0.2, Start: 10, End: 40, N: 300}, OK: true, Highs: Highs{Last: 36, Since: 4, Steps: 3, Peak: 130, EndLevel: 130}, PeakBefore: 70}},
			Climbing, High, false},
		{"steps that held briefly, flat before", []Window{flatBefore, last(fit(1.3, 0.3), Highs{Last: 37.5, Since: 2.4, Steps: 2, Peak: 144, EndLevel: 144}, 132)}, BriefHold, Low, false},
		{"step that levelled off", []Window{flatBefore, last(fit(1.8, 1), Highs{Last: 35.7, Since: 4.3, Steps: 1, Peak: 144, EndLevel: 144}, 131)}, SteppedAndHeld, Medium, false},
		{"staircase at constant load", []Window{risingBefore, last(fit(3, 0.5), Highs{Last: 35, Since: 5, Steps: 1, Peak: 170, EndLevel: 170}, 145)}, Staircase, Medium, true},
		{"rising before, flat since, rising now: no staircase", []Window{risingBefore, flatBefore, last(fit(1.3, 0.3), Highs{Last: 37.5, Since: 2.4, Steps: 2, Peak: 144, EndLevel: 144}, 132)}, BriefHold, Low, false},
		{"noisy", []Window{last(fit(0.6, 0.4), Highs{Last: 39.5, Since: 0.5, Peak: 130, EndLevel: 129}, 100)}, Uncertain, Low, false},
		{"no evidence", nil, TooShort, Low, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DefaultRule().Decide(Evidence{Windows: tt.ws})
			if d.Finding != tt.finding || d.Level != tt.level || (d.Prior != nil) != tt.prior {
				t.Errorf("Decide(%s) = finding %v, level %v, prior %v; want %v, %v, prior %v", tt.name, d.Finding, d.Level, d.Prior != nil,
					tt.finding, tt.level, tt.prior)
			}
		})
	}
}

func TestFindingClasses(t *testing.T) {
	if got := SteppedAndHeld.String(); got != "stepped and held" {
		t.Errorf("SteppedAndHeld.String() = %q; want \"stepped and held\"", got)
	}
	for f := TooShort; f <= Uncertain; f++ {
		n := 0
		for _, b := range []bool{f.Growing(), f.Bounded(), f.Inconclusive()} {
			if b {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Finding %v: growing %v, bounded %v, inconclusive %v; want exactly one", f, f.Growing(), f.Bounded(), f.Inconclusive())
		}
	}
}

// TestRuleThreshold: the rule follows its growth threshold, so edge's
// --max-slope moves the same line the verdict draws at the default.
func TestRuleThreshold(t *testing.T) {
	f := Fit{Slope: 0.8, WideStdErr: 0.05, Start: 0, End: 10, N: 100}
	if !DefaultRule().SurelyRising(f) || DefaultRule().SurelyFlat(f) {
		t.Errorf("DefaultRule: 0.8 ± 0.1 MiB/s not surely rising; want rising over %v", GrowthSlopeMiBPerSec)
	}
	if r := (Rule{GrowthSlopeMiBPerSec: 1}); r.SurelyRising(f) || !r.SurelyFlat(f) {
		t.Errorf("Rule{1}: 0.8 ± 0.1 MiB/s; want surely flat under 1 MiB/s")
	}
}
