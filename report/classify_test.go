package report

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// series10Hz samples f every 100 ms over [t0, t1] with Gaussian noise of
// sd MiB (seeded: the same every run).
func series10Hz(t0, t1, sd float64, f func(float64) float64) (xs, ys []float64) {
	rng := rand.New(rand.NewPCG(7, 13))
	for t := t0; t <= t1+1e-9; t += 0.1 {
		xs, ys = append(xs, t), append(ys, f(t)+sd*rng.NormFloat64())
	}
	return xs, ys
}

func TestFitWithSE(t *testing.T) {
	tests := []struct {
		name         string
		f            func(float64) float64
		sd           float64
		slope, maxSE float64
		minSE        float64
	}{
		{name: "clean climb", f: func(t float64) float64 { return 10 + 2*t }, sd: 0.3, slope: 2, maxSE: 0.05},
		{name: "flat noise", f: func(float64) float64 { return 100 }, sd: 0.5, slope: 0, maxSE: 0.1},
		// One step in the middle: a line fits +1.3 MiB/s, but the
		// residuals come in two long runs; the error widens.
		{name: "one step", f: func(t float64) float64 { return 100 + 10*math.Floor(t/5) }, sd: 0.1, slope: 1.8, minSE: 0.3, maxSE: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs, ys := series10Hz(2.5, 9.9, tt.sd, tt.f)
			f, ok := fitWithSE(xs, ys)
			if !ok {
				t.Fatalf("fitWithSE(%s) not ok", tt.name)
			}
			if math.Abs(f.Slope-tt.slope) > 0.5*math.Max(tt.slope, 0.2) {
				t.Errorf("fitWithSE(%s).Slope = %.3f; want ≈ %.1f", tt.name, f.Slope, tt.slope)
			}
			if f.SE > tt.maxSE || f.SE < tt.minSE {
				t.Errorf("fitWithSE(%s).SE = %.3f; want in [%.2f, %.2f]", tt.name, f.SE, tt.minSE, tt.maxSE)
			}
		})
	}
	if _, ok := fitWithSE([]float64{1, 2}, []float64{1, 2}); ok {
		t.Errorf("fitWithSE(2 points) ok; want not ok")
	}
}

func TestSpans(t *testing.T) {
	res := &results.Results{
		Stages: []results.StageSpan{{RatePerSecond: 50, StartSeconds: 0, EndSeconds: 10},
			{RatePerSecond: 100, StartSeconds: 10, EndSeconds: 30}},
		Phases: []results.PhaseSpan{{Name: "healthy", StartSeconds: 0, EndSeconds: 4},
			{Name: "failing", StartSeconds: 4, EndSeconds: 30}},
	}
	got := spans(res, math.Inf(1))
	want := []constSpan{
		{Name: "stage 1 (50 rps), phase healthy", Start: 0, End: 4, SettleSeconds: 2},
		{Name: "stage 1 (50 rps), phase failing", Start: 4, End: 10, SettleSeconds: 2},
		{Name: "stage 2 (100 rps), phase failing", Start: 10, End: 30, SettleSeconds: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("spans = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("spans[%d] = %+v; want %+v", i, got[i], want[i])
		}
	}
	if cut := spans(res, 12); len(cut) != 3 || cut[2].End != 12 || cut[2].SettleSeconds != 5 {
		t.Errorf("spans(end 12) = %+v; want the last cut at 12 with its full settling", cut)
	}
}

func TestFindHighs(t *testing.T) {
	tests := []struct {
		name string
		ys   []float64
		want highs
	}{
		{"flat", []float64{5, 5.5, 5.2, 5.9, 5, 5.3, 5.1}, highs{Last: 0, Since: 6, Peak: 5.9, EndLevel: 5.1}},
		// A new high every second: each a step of its own.
		{"climb", []float64{5, 6.1, 7.2, 8.3, 9.4, 10.5, 11.6}, highs{Last: 6, Since: 0, Steps: 6, LongestPause: 1, Peak: 11.6, EndLevel: 10.5}},
		{"step then hold", []float64{5, 5, 5, 9, 9, 9.2, 9, 9}, highs{Last: 3, Since: 4, Steps: 1, LongestPause: 3, Peak: 9.2, EndLevel: 9}},
		{"two steps", []float64{5, 7, 7, 7, 7, 9, 9, 9, 9}, highs{Last: 5, Since: 3, Steps: 2, LongestPause: 4, Peak: 9, EndLevel: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Samples a second apart: the running median sees one
			// sample at a time (TestRunningMedian covers it).
			xs := make([]float64, len(tt.ys))
			for i := range xs {
				xs[i] = float64(i)
			}
			if got := findHighs(xs, tt.ys); got != tt.want {
				t.Errorf("findHighs(%v) = %+v; want %+v", tt.ys, got, tt.want)
			}
		})
	}
	if h := findHighs(nil, nil); !math.IsNaN(h.Peak) {
		t.Errorf("findHighs(empty).Peak = %v; want NaN", h.Peak)
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

func TestCurveClass(t *testing.T) {
	stage := constSpan{Name: "stage 4 (200 rps)", Start: 30, End: 40, SettleSeconds: 2.5}
	prev := constSpan{Name: "stage 3 (150 rps)", Start: 20, End: 30, SettleSeconds: 2.5}
	fit := func(slope, se float64) slopeFit {
		return slopeFit{Slope: slope, SE: se, R2: 0.8, Start: 32.5, End: 40, N: 75}
	}
	last := func(f slopeFit, h highs, peakBefore float64) window {
		return window{Span: stage, Fit: f, OK: true, Highs: h, PeakBefore: peakBefore}
	}
	flatBefore := window{Span: prev, Fit: slopeFit{Slope: -0.1, SE: 0.06, Start: 22.5, End: 30, N: 75}, OK: true}
	risingBefore := window{Span: prev, Fit: slopeFit{Slope: 3, SE: 0.5, Start: 22.5, End: 30, N: 75}, OK: true}
	tests := []struct {
		name   string
		ws     []window
		class  string
		level  string
		reason string
	}{
		{"too short", []window{{Span: constSpan{Name: "stage 4 (200 rps)", Start: 6, End: 8, SettleSeconds: 2}, Fit: slopeFit{N: 1}}},
			ClassInconclusive, ConfidenceLow, "stage 4 (200 rps) too short to tell a step from a climb: 0.0 s left after 2.0 s settling, 1 samples (need 3 s, 10); run it longer"},
		{"flat", []window{last(fit(0.02, 0.1), highs{Last: 32.5, Since: 7.5, Peak: 100, EndLevel: 100}, 100)},
			ClassBounded, ConfidenceHigh, "RSS levelled off at constant load: +0.02 ± 0.20 MiB/s over the last 7.5 s of stage 4 (200 rps)"},
		{"slow but sure rise", []window{last(fit(0.3, 0.05), highs{Last: 39, Since: 1, Peak: 102, EndLevel: 102}, 90)},
			ClassBounded, ConfidenceMedium, "RSS still rose slowly at constant load: +0.30 ± 0.10 MiB/s"},
		{"saw-tooth under an earlier peak", []window{last(fit(1.2, 0.5), highs{Last: 39.5, Since: 0.5, Peak: 95, EndLevel: 92}, 90)},
			ClassBounded, ConfidenceMedium, "RSS ended at 92 MiB, within 5 % of its peak before this window (90 MiB): it did not climb past it"},
		{"climb", []window{last(fit(3, 0.2), highs{Last: 39.7, Since: 0.3, Steps: 1, Peak: 130, EndLevel: 128}, 100)},
			ClassGrowing, ConfidenceHigh, "RSS still rising at constant load: +3.00 ± 0.40 MiB/s"},
		{"climb, lower bound under threshold", []window{last(fit(0.8, 0.25), highs{Last: 39.7, Since: 0.3, Peak: 130, EndLevel: 128}, 100)},
			ClassGrowing, ConfidenceMedium, "RSS still rising"},
		{"climb with a pause at the end", []window{{Span: constSpan{Name: "stage 2 (46 rps)", Start: 0, End: 40, SettleSeconds: 10},
			Fit: slopeFit{Slope: 2, SE: 0.2, Start: 10, End: 40, N: 300}, OK: true, Highs: highs{Last: 36, Since: 4, Steps: 3, Peak: 130, EndLevel: 130}, PeakBefore: 70}},
			ClassGrowing, ConfidenceHigh, "RSS still rising at constant load: +2.00 ± 0.40 MiB/s over the last 30.0 s of stage 2 (46 rps) (new highs for 26.0 s, then 4.0 s without)"},
		{"steps that held briefly, flat before", []window{flatBefore, last(fit(1.3, 0.3), highs{Last: 37.5, Since: 2.4, Steps: 2, Peak: 144, EndLevel: 144}, 132)},
			ClassInconclusive, ConfidenceLow, "RSS stepped up 2 times in stage 4 (200 rps) (+1.30 ± 0.60 MiB/s), last at 37.5 s, then held for the last 2.4 s"},
		{"step that levelled off", []window{flatBefore, last(fit(1.8, 1), highs{Last: 35.7, Since: 4.3, Steps: 1, Peak: 144, EndLevel: 144}, 131)},
			ClassBounded, ConfidenceMedium, "RSS stepped up to 144 MiB by 35.7 s, then held for the last 4.3 s at constant load, longer than it rose"},
		{"staircase at constant load", []window{risingBefore, last(fit(3, 0.5), highs{Last: 35, Since: 5, Steps: 1, Peak: 170, EndLevel: 170}, 145)},
			ClassGrowing, ConfidenceMedium, "RSS rising at constant load in stage 3 (150 rps) and again in stage 4 (200 rps)"},
		{"noisy", []window{last(fit(0.6, 0.4), highs{Last: 39.5, Since: 0.5, Peak: 130, EndLevel: 129}, 100)},
			ClassInconclusive, ConfidenceLow, "RSS slope +0.60 ± 0.80 MiB/s over the last 7.5 s of stage 4 (200 rps): too uncertain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, c := curveClass(evidence{Windows: tt.ws})
			if class != tt.class || c.Level != tt.level || !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("curveClass(%s) = %q, %q, %q; want %q, %q, reason containing %q", tt.name, class, c.Level, c.Reason,
					tt.class, tt.level, tt.reason)
			}
		})
	}
}

func TestClassifyOutcomes(t *testing.T) {
	// Any outcome but survived (and interrupted) is the class, including
	// outcomes a newer runner adds.
	for _, o := range []string{results.OutcomeOOMKilled, results.OutcomeLimitStall, results.OutcomeCrashed, results.OutcomeHeapLimit, "a-newer-outcome"} {
		class, c := classify(&results.Results{}, results.Target{Outcome: o}, &saved.Series{})
		if class != o || c.Level != ConfidenceHigh {
			t.Errorf("classify(outcome %s) = %q, %q; want %q, high", o, class, c.Level, o)
		}
	}
	if class, _ := classify(&results.Results{}, results.Target{Outcome: results.OutcomeSurvived}, &saved.Series{}); class != ClassNoData {
		t.Errorf("classify(survived, no samples) = %q; want %q", class, ClassNoData)
	}
}

func TestStory(t *testing.T) {
	conf := Confidence{Window: "stage 4 (200 rps) after 2.5 s settling", StartSeconds: 32.5, EndSeconds: 40,
		SlopeMiBPerSec: 0.8, SlopeSEMiBPerSec: 0.1, RiseMiB: 6, Reason: "RSS still rising at constant load: …"}
	pass := []Check{{Name: "max_rss", Pass: true, Text: "expected peak RSS ≤ 192 MiB: 150 MiB ✓"}}
	fail := []Check{{Name: "max_rss", Pass: false, Text: "expected peak RSS ≤ 96 MiB: 150 MiB ✗"}}
	tests := []struct {
		name string
		v    Verdict
		want string
	}{
		{"growing within expectations", Verdict{Class: ClassGrowing, Confidence: conf, Expectations: pass, Pass: true},
			"within expectations, but growing: RSS still rose 6.0 MiB in the last 7.5 s of stage 4 (200 rps) (+0.80 ± 0.20 MiB/s at constant load)"},
		{"growing, failing", Verdict{Class: ClassGrowing, Confidence: conf, Expectations: fail},
			"growing: RSS still rose 6.0 MiB in the last 7.5 s of stage 4 (200 rps) (+0.80 ± 0.20 MiB/s at constant load); expectations fail: expected peak RSS ≤ 96 MiB: 150 MiB ✗"},
		{"growing as asked", Verdict{Class: ClassGrowing, Confidence: conf, Pass: true,
			Expectations: []Check{{Name: "class", Pass: true, Text: "expected class growing: growing ✓"}}},
			"growing: RSS still rose 6.0 MiB in the last 7.5 s of stage 4 (200 rps) (+0.80 ± 0.20 MiB/s at constant load); expectations pass (1)"},
		{"inconclusive, passing", Verdict{Class: ClassInconclusive, Confidence: Confidence{Reason: "stage 4 too short"}, Expectations: pass, Pass: true},
			"inconclusive: stage 4 too short; expectations pass, but the curve could not be classed"},
		{"bounded, no expectations", Verdict{Class: ClassBounded, Confidence: Confidence{Reason: "RSS levelled off"}, Pass: true},
			"bounded: RSS levelled off"},
		{"killed", Verdict{Class: ClassOOMKilled, Symptoms: []string{"killed by the kernel at 25.0 s (cgroup-v1 oom_kill)"}, Expectations: pass, Pass: true},
			"oom-killed: killed by the kernel at 25.0 s (cgroup-v1 oom_kill); expectations pass (1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := story(tt.v); got != tt.want {
				t.Errorf("story(%s) =\n%q; want\n%q", tt.name, got, tt.want)
			}
		})
	}
}

func TestClassCheck(t *testing.T) {
	tests := []struct {
		want  []string
		class string
		pass  bool
		text  string
	}{
		{[]string{ClassBounded}, ClassBounded, true, "expected class bounded: bounded ✓"},
		{[]string{ClassBounded}, ClassGrowing, false, "expected class bounded: growing ✗"},
		{[]string{ClassGrowing, ClassOOMKilled}, ClassOOMKilled, true, "expected class growing or oom-killed: oom-killed ✓"},
		// Inconclusive never passes, not even where it is (wrongly) asked for.
		{[]string{ClassBounded}, ClassInconclusive, false, "expected class bounded: inconclusive (too short) ✗"},
		{[]string{ClassInconclusive}, ClassInconclusive, false, "expected class inconclusive: inconclusive (too short) ✗"},
	}
	for _, tt := range tests {
		c := classCheck(tt.want, Verdict{Class: tt.class, Confidence: Confidence{Reason: "too short"}})
		if c.Pass != tt.pass || c.Text != tt.text || c.Name != "class" {
			t.Errorf("classCheck(%v, %s) = %+v; want pass %v, %q", tt.want, tt.class, c, tt.pass, tt.text)
		}
	}
}

func TestWorry(t *testing.T) {
	pass := []Check{{Name: "max_rss", Pass: true}}
	tests := []struct {
		name string
		v    Verdict
		want string
	}{
		{"growing, passing", Verdict{Class: ClassGrowing, Pass: true, Expectations: pass}, ", but still climbing"},
		{"inconclusive, passing", Verdict{Class: ClassInconclusive, Pass: true, Expectations: pass}, ", but unclassed"},
		{"growing, failing", Verdict{Class: ClassGrowing, Expectations: []Check{{Name: "max_rss"}}}, ""},
		{"growing as asked", Verdict{Class: ClassGrowing, Pass: true, Expectations: []Check{{Name: "class", Pass: true}}}, ""},
		{"bounded", Verdict{Class: ClassBounded, Pass: true, Expectations: pass}, ""},
		{"no expectations", Verdict{Class: ClassGrowing, Pass: true}, ""},
	}
	for _, tt := range tests {
		if got := worry(tt.v); got != tt.want {
			t.Errorf("worry(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}
