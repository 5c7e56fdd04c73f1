package judge

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// TestDescribe checks the words of each finding of curve's rule: the
// class, the level and the reason a verdict shows.
func TestDescribe(t *testing.T) {
	names := map[int]string{1: "stage 2 (46 rps)", 2: "stage 3 (150 rps)", 3: "stage 4 (200 rps)"}
	name := func(sp curve.Span) string { return names[sp.Stage] }
	stage := curve.Span{Start: 30, End: 40, SettleSeconds: 2.5, Stage: 3, Phase: -1}
	prev := curve.Span{Start: 20, End: 30, SettleSeconds: 2.5, Stage: 2, Phase: -1}
	fit := func(slope, se float64) curve.Fit {
		return curve.Fit{Slope: slope, WideStdErr: se, R2: 0.8, Start: 32.5, End: 40, N: 75}
	}
	last := func(f curve.Fit, h curve.Highs, peakBefore float64) curve.Window {
		return curve.Window{Span: stage, Fit: f, OK: true, Highs: h, PeakBefore: peakBefore}
	}
	flatBefore := curve.Window{Span: prev, Fit: curve.Fit{Slope: -0.1, WideStdErr: 0.06, Start: 22.5, End: 30, N: 75}, OK: true}
	risingBefore := curve.Window{Span: prev, Fit: curve.Fit{Slope: 3, WideStdErr: 0.5, Start: 22.5, End: 30, N: 75}, OK: true}
	tests := []struct {
		name   string
		ws     []curve.Window
		class  string
		level  string
		reason string
	}{
		{"too short", []curve.Window{{Span: curve.Span{Start: 6, End: 8, SettleSeconds: 2, Stage: 3}, Fit: curve.Fit{N: 1}}},
			ClassInconclusive, ConfidenceLow, "stage 4 (200 rps) too short to tell a step from a climb: 0.0 s left after 2.0 s settling, 1 samples (need 3 s, 10); run it longer"},
		{"flat", []curve.Window{last(fit(0.02, 0.1), curve.Highs{Last: 32.5, Since: 7.5, Peak: 100, EndLevel: 100}, 100)},
			ClassBounded, ConfidenceHigh, "RSS levelled off at constant load: +0.02 ± 0.20 MiB/s over the last 7.5 s of stage 4 (200 rps)"},
		{"slow but sure rise", []curve.Window{last(fit(0.3, 0.05), curve.Highs{Last: 39, Since: 1, Peak: 102, EndLevel: 102}, 90)},
			ClassBounded, ConfidenceMedium, "RSS still rose slowly at constant load: +0.30 ± 0.10 MiB/s"},
		{"saw-tooth under an earlier peak", []curve.Window{last(fit(1.2, 0.5), curve.Highs{Last: 39.5, Since: 0.5, Peak: 95, EndLevel: 92}, 90)},
			ClassBounded, ConfidenceMedium, "RSS ended at 92 MiB, within 5 % of its peak before this window (90 MiB): it did not climb past it"},
		{"climb", []curve.Window{last(fit(3, 0.2), curve.Highs{Last: 39.7, Since: 0.3, Steps: 1, Peak: 130, EndLevel: 128}, 100)},
			ClassGrowing, ConfidenceHigh, "RSS still rising at constant load: +3.00 ± 0.40 MiB/s"},
		{"climb, lower bound under threshold", []curve.Window{last(fit(0.8, 0.25), curve.Highs{Last: 39.7, Since: 0.3, Peak: 130, EndLevel: 128}, 100)},
			ClassGrowing, ConfidenceMedium, "RSS still rising"},
		{"climb with a pause at the end", []curve.Window{{Span: curve.Span{Start: 0, End: 40, SettleSeconds: 10, Stage: 1},
			Fit: curve.Fit{Slope: 2, WideStdErr: 0.2, Start: 10, End: 40, N: 300}, OK: true, Highs: curve.Highs{Last: 36, Since: 4, Steps: 3, Peak: 130, EndLevel: 130}, PeakBefore: 70}},
			ClassGrowing, ConfidenceHigh, "RSS still rising at constant load: +2.00 ± 0.40 MiB/s over the last 30.0 s of stage 2 (46 rps) (new highs for 26.0 s, then 4.0 s without)"},
		{"steps that held briefly, flat before", []curve.Window{flatBefore, last(fit(1.3, 0.3), curve.Highs{Last: 37.5, Since: 2.4, Steps: 2, Peak: 144, EndLevel: 144}, 132)},
			ClassInconclusive, ConfidenceLow, "RSS stepped up 2 times in stage 4 (200 rps) (+1.30 ± 0.60 MiB/s), last at 37.5 s, then held for the last 2.4 s"},
		{"step that levelled off", []curve.Window{flatBefore, last(fit(1.8, 1), curve.Highs{Last: 35.7, Since: 4.3, Steps: 1, Peak: 144, EndLevel: 144}, 131)},
			ClassBounded, ConfidenceMedium, "RSS stepped up to 144 MiB by 35.7 s, then held for the last 4.3 s at constant load, longer than it rose"},
		{"staircase at constant load", []curve.Window{risingBefore, last(fit(3, 0.5), curve.Highs{Last: 35, Since: 5, Steps: 1, Peak: 170, EndLevel: 170}, 145)},
			ClassGrowing, ConfidenceMedium, "RSS rising at constant load in stage 3 (150 rps) and again in stage 4 (200 rps)"},
		{"noisy", []curve.Window{last(fit(0.6, 0.4), curve.Highs{Last: 39.5, Since: 0.5, Peak: 130, EndLevel: 129}, 100)},
			ClassInconclusive, ConfidenceLow, "RSS slope +0.60 ± 0.80 MiB/s over the last 7.5 s of stage 4 (200 rps): too uncertain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, c := describe(curve.DefaultRule().Decide(curve.Evidence{Windows: tt.ws}), name)
			if class != tt.class || c.Level != tt.level || !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("describe(%s) = %q, %q, %q; want %q, %q, reason containing %q", tt.name, class, c.Level, c.Reason,
					tt.class, tt.level, tt.reason)
			}
		})
	}
}

func TestSpanNamer(t *testing.T) {
	res := &results.Results{
		Stages: []results.StageSpan{{RatePerSecond: 50, StartSeconds: 0, EndSeconds: 10},
			{RatePerSecond: 100, StartSeconds: 10, EndSeconds: 30}},
		Phases: []results.PhaseSpan{{Name: "healthy", StartSeconds: 0, EndSeconds: 4},
			{Name: "failing", StartSeconds: 4, EndSeconds: 30}},
	}
	name := spanNamer(res)
	var got []string
	for _, sp := range curve.Spans(res.Stages, res.Phases, math.Inf(1)) {
		got = append(got, settledName(name(sp), sp))
	}
	want := []string{"stage 1 (50 rps), phase healthy after 2.0 s settling", "stage 1 (50 rps), phase failing after 2.0 s settling",
		"stage 2 (100 rps), phase failing after 5.0 s settling"}
	if !slices.Equal(got, want) {
		t.Errorf("span names = %q; want %q", got, want)
	}
	if got := name(curve.Span{Whole: true, Stage: -1, Phase: -1}); got != "whole run" {
		t.Errorf("name(whole) = %q; want \"whole run\"", got)
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
		if got := Worry(tt.v); got != tt.want {
			t.Errorf("worry(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}
