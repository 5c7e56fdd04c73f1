package judge

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

func TestJudge(t *testing.T) {
	growing := savedtest.BaseTarget("leaky")
	growing.RSS = func(t float64) float64 { return 10 + 2*t }

	// A staircase that keeps climbing at constant load: +25 MiB every 5 s.
	stairs := savedtest.BaseTarget("stairs")
	stairs.RSS = func(t float64) float64 { return 20 + 25*math.Floor(t/5) }

	steps := savedtest.BaseTarget("steps")
	steps.RSS = func(t float64) float64 {
		if t < 20 {
			return 20
		}
		return 120
	}

	killed := savedtest.UploadProxy().Targets[0]

	stalled := savedtest.BaseTarget("node-upload-naive")
	stalled.Runtime, stalled.EndAt, stalled.Outcome = "node", 35, results.OutcomeLimitStall
	stalled.RSS = savedtest.NaiveRSS(40, 256, 10, 30)
	stalled.Heap = savedtest.Flat(6)

	node := savedtest.BaseTarget("node-growing")
	node.Runtime = "node"
	node.RSS = func(t float64) float64 { return 40 + 5*t }
	node.Heap = savedtest.Flat(6)

	crashed := savedtest.BaseTarget("crasher")
	crashed.EndAt, crashed.Outcome = 12, results.OutcomeCrashed

	gcBusy := savedtest.BaseTarget("gc-busy")
	gcBusy.GCRate = func(t float64) float64 { return 3 + 0.5*t }

	bounded := savedtest.UploadProxy().Targets[1]

	tests := []struct {
		name      string
		target    savedtest.Target
		class     string
		pass      bool
		symptoms  []string // substrings, each in some symptom
		noSymptom string   // substring in no symptom
	}{
		{name: "bounded", target: bounded, class: ClassBounded, pass: true,
			symptoms: []string{"shed load: 1,110 requests answered 503/429"}, noSymptom: "RSS +"},
		{name: "growing slope", target: growing, class: ClassGrowing, pass: true,
			symptoms: []string{"RSS +2.0 MiB/s while CPU stayed under", "after 2.5 s settling): memory climbing, not work"}},
		{name: "growing in steps", target: stairs, class: ClassGrowing, pass: true},
		// One step up with the load, then level: a larger working set, not a leak.
		{name: "stepped up and levelled off", target: steps, class: ClassBounded, pass: true},
		{name: "killed", target: killed, class: ClassOOMKilled, pass: true,
			symptoms: []string{"killed by the kernel at 27.3 s (cgroup-v1 oom_kill)",
				"p95 rose from 3.0 s to 14.9 s with 89 errors", "GC 1.2→0.5 cycles/s"}},
		{name: "stalled", target: stalled, class: ClassLimitStall, pass: true,
			symptoms: []string{"stalled at the limit at 35.0 s", "cgroup failcnt 18,800,000",
				"heap 6 MiB while RSS 256 MiB: memory outside the runtime heap (Buffers", "RSS +"}},
		{name: "node heap flat", target: node, class: ClassGrowing, pass: true,
			symptoms: []string{"heap 6 MiB while RSS 240 MiB", "RSS +5.0 MiB/s"}},
		{name: "crashed", target: crashed, class: ClassCrashed, pass: true,
			symptoms: []string{"crashed with exit code 2: `panic: runtime error"}},
		{name: "GC rising", target: gcBusy, class: ClassBounded, pass: true, symptoms: []string{"GC 5.6→20 cycles/s"}},
		{name: "expectation fails", class: ClassGrowing, pass: false,
			target: func() savedtest.Target {
				g := growing
				g.Expect = scenarios.Expectation{Outcomes: []string{results.OutcomeSurvived}, MaxRSS: 64 * format.BytesPerMiB}
				return g
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := savedtest.OneTarget(tt.target).Run()
			vs := Judge(run)
			if len(vs) != 1 {
				t.Fatalf("Judge = %d verdicts; want 1", len(vs))
			}
			v := vs[0]
			if v.Class != tt.class {
				t.Errorf("Judge(%s).Class = %q; want %q (slope %.2f R² %.2f over %s)", tt.name, v.Class, tt.class,
					v.SlopeMiBPerSec, v.SlopeR2, v.SlopeWindow)
			}
			if v.Pass != tt.pass {
				t.Errorf("Judge(%s).Pass = %v; want %v (%+v)", tt.name, v.Pass, tt.pass, v.Expectations)
			}
			all := strings.Join(v.Symptoms, "\n")
			for _, want := range tt.symptoms {
				if !strings.Contains(all, want) {
					t.Errorf("Judge(%s).Symptoms = %q; want one containing %q", tt.name, v.Symptoms, want)
				}
			}
			if tt.noSymptom != "" && strings.Contains(all, tt.noSymptom) {
				t.Errorf("Judge(%s).Symptoms = %q; want none containing %q", tt.name, v.Symptoms, tt.noSymptom)
			}
			if v.Recommendation == "" {
				t.Errorf("Judge(%s).Recommendation is empty", tt.name)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("json.Marshal(verdict): %v", err)
			}
		})
	}
}

func TestExpectations(t *testing.T) {
	run := savedtest.Upload(t)
	vs := Judge(run)
	want := map[string][]string{
		"upload-naive": {"expected outcome oom-killed or limit-stall: oom-killed ✓",
			"expected oom-killed within 60s: killed at 27.3 s ✓"},
		"upload-aware": {"expected outcome survived: survived ✓", "expected peak RSS ≤ 64 MiB: 16.1 MiB ✓"},
	}
	for _, v := range vs {
		var got []string
		for _, c := range v.Expectations {
			got = append(got, c.Text)
		}
		if strings.Join(got, "\n") != strings.Join(want[v.Target], "\n") {
			t.Errorf("%s expectations = %q; want %q", v.Target, got, want[v.Target])
		}
	}
	if g := GateOf(vs); g.State != GatePass {
		t.Errorf("GateOf(upload-proxy) = %v; want pass", g)
	}

	// Too late a kill fails the gate.
	late := savedtest.Upload(t)
	late.Results.ScenarioSpec.Targets[0].Expect.OOMWithin = scenarios.Duration(20 * time.Second)
	late.Results.ScenarioSpec.Targets[0].Expect.MinRSS = 300 * format.BytesPerMiB
	late.Results.ScenarioSpec.Targets[1].Expect.MinSuccessRatio = 0.5
	vs = Judge(late)
	if g := GateOf(vs); g.State != GateFail {
		t.Errorf("GateOf(killed at 27.3 s, oom_within 20s) = %v; want fail", g)
	}
	for _, c := range []struct {
		v, i int
		want string
	}{
		{0, 1, "expected oom-killed within 20s: killed at 27.3 s ✗"},
		{0, 2, "expected peak RSS ≥ 300 MiB: 256 MiB ✗"},
		{1, 2, "expected success ≥ 50%: 26% ✗"},
	} {
		if got := vs[c.v].Expectations[c.i].Text; got != c.want {
			t.Errorf("%s check %d = %q; want %q", vs[c.v].Target, c.i, got, c.want)
		}
	}
}

func TestJudgeNotRun(t *testing.T) {
	tests := []struct {
		outcome, class string
	}{
		{results.OutcomeFailedToStart, ClassFailedToStart},
		{results.OutcomeSkipped, ClassSkipped},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			run := savedtest.Upload(t)
			tg := &run.Results.Targets[1]
			tg.Outcome, tg.Error, tg.Stages = tt.outcome, "node: executable file not found in $PATH", nil
			run.Series[1] = &saved.Series{Target: tg.Name}
			v := Judge(run)[1]
			if v.Class != tt.class || v.Pass {
				t.Errorf("Judge(%s) = class %q pass %v; want %q, false", tt.outcome, v.Class, v.Pass, tt.class)
			}
			if len(v.Expectations) != 1 || v.Expectations[0].Name != "ran" {
				t.Errorf("Judge(%s).Expectations = %+v; want one failed \"ran\" check", tt.outcome, v.Expectations)
			}
		})
	}
}

func TestWatchdogKill(t *testing.T) {
	run := savedtest.Upload(t)
	w := results.MechanismWatchdog
	run.Results.Targets[0].OOMMechanism = &w
	v := Judge(run)[0]
	if !strings.HasPrefix(v.Symptoms[0], "killed by oomlab's watchdog at 27.3 s") {
		t.Errorf("Symptoms[0] = %q; want the watchdog named", v.Symptoms[0])
	}
}

func TestFitRSS(t *testing.T) {
	s := &saved.Series{}
	for i := range 100 {
		tt := float64(i) * 0.1
		s.T = append(s.T, tt)
		s.RSSMiB = append(s.RSSMiB, 10+3*tt)
	}
	f, ok := fitRSS(s, 0, 10)
	if !ok || math.Abs(f.SlopeMiBPerSec-3) > 1e-9 || f.R2 < 0.999 {
		t.Errorf("fitRSS(10+3t) = %+v, %v; want slope 3, R² 1", f, ok)
	}
	if _, ok := fitRSS(s, 0, 0.2); ok {
		t.Errorf("fitRSS over 0.2 s = ok; want too short")
	}
	flatS := &saved.Series{T: s.T, RSSMiB: make([]float64, len(s.T))}
	if f, ok := fitRSS(flatS, 0, 10); !ok || f.SlopeMiBPerSec != 0 || f.R2 != 0 {
		t.Errorf("fitRSS(flat) = %+v, %v; want slope 0, R² 0", f, ok)
	}
}

func TestRestartText(t *testing.T) {
	tests := []struct {
		name   string
		target results.Target
		want   string
	}{
		{"no restart", results.Target{Events: []results.Event{{AtSeconds: 21.5}}}, ""},
		{"crash and restart", results.Target{Restarts: 2, Events: []results.Event{{AtSeconds: 21.54}, {AtSeconds: 26.36}, {AtSeconds: 30.6}}},
			"; crash and restart: restarted 2 times, died 3 times under load (at 21.5, 26.4, 30.6 s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restartText(tt.target); got != tt.want {
				t.Errorf("restartText(%+v) = %q; want %q", tt.target, got, tt.want)
			}
		})
	}
}
