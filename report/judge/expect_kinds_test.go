package judge

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// TestKindP95Check checks max_p95 bounds that name a request kind against
// that kind's figures: pass, fail, and every way of not being measured,
// each of which fails with its reason.
func TestKindP95Check(t *testing.T) {
	run := savedtest.UploadMix().Run()
	res := run.Results
	aware := res.Targets[1] // upload p95 5.0 s over the run, status 31 ms
	bound := func(kind, window string, max time.Duration) scenarios.WindowBound[scenarios.Duration] {
		return scenarios.WindowBound[scenarios.Duration]{Kind: kind, Window: window, Max: scenarios.Duration(max)}
	}
	noKinds := aware
	noKinds.Kinds, noKinds.Stages = nil, append([]results.Stage(nil), aware.Stages...)
	for i := range noKinds.Stages {
		noKinds.Stages[i].Kinds = nil
	}
	idle := aware
	idle.Kinds = append([]results.KindFigures(nil), aware.Kinds...)
	idle.Kinds[1] = results.KindFigures{Name: "status"}
	noLatency := aware
	noLatency.Kinds = append([]results.KindFigures(nil), aware.Kinds...)
	noLatency.Kinds[0].LatencyP95Ms = 0
	killed := res.Targets[0] // did not reach stage 4
	tests := []struct {
		name   string
		target results.Target
		bound  scenarios.WindowBound[scenarios.Duration]
		why    string
		pass   bool
		text   string
	}{
		{"holds over the run", aware, bound("status", "", 500*time.Millisecond), "", true,
			"expected p95 of kind status ≤ 500 ms over the run: 31 ms ✓"},
		{"fails over the run", aware, bound("upload", "", 2*time.Second), "", false,
			"expected p95 of kind upload ≤ 2.0 s over the run: 5.0 s ✗"},
		{"holds in a stage", aware, bound("upload", "stage 1", 6*time.Second), "", true,
			"expected p95 of kind upload ≤ 6.0 s in stage 1: 5.0 s ✓"},
		{"fails in a stage", killed, bound("upload", "stage 3", 10*time.Second), "", false,
			"expected p95 of kind upload ≤ 10.0 s in stage 3: 23.8 s ✗"},
		{"run without kinds", noKinds, bound("upload", "", time.Second), "", false,
			"expected p95 of kind upload ≤ 1.0 s over the run: not measured (no figures per request kind in the run) ✗"},
		{"stage without kinds", noKinds, bound("upload", "stage 2", time.Second), "", false,
			"expected p95 of kind upload ≤ 1.0 s in stage 2: not measured (no figures per request kind there) ✗"},
		{"kind absent", aware, bound("export", "", time.Minute), "", false,
			"expected p95 of kind export ≤ 60.0 s over the run: not measured (no kind export in the run) ✗"},
		{"kind sent nothing", idle, bound("status", "", time.Minute), "", false,
			"expected p95 of kind status ≤ 60.0 s over the run: not measured (no request of kind status was sent) ✗"},
		{"no latency recorded", noLatency, bound("upload", "", time.Minute), "", false,
			"expected p95 of kind upload ≤ 60.0 s over the run: not measured (no latency recorded for kind upload) ✗"},
		{"stage not reached", killed, bound("upload", "stage 4", time.Minute), "", false,
			"expected p95 of kind upload ≤ 60.0 s in stage 4: not measured (the target did not reach stage 4) ✗"},
		{"not a stage", aware, bound("upload", "slow downstream", time.Minute), "", false,
			"expected p95 of kind upload ≤ 60.0 s in slow downstream: not measured (slow downstream is not a stage) ✗"},
		{"target never ran", aware, bound("status", "", time.Minute), "the target never ran", false,
			"expected p95 of kind status ≤ 60.0 s over the run: not measured (the target never ran) ✗"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := kindP95Check(res, tt.target, tt.bound, tt.why)
			if c.Pass != tt.pass || c.Text != tt.text || c.Name != "max_p95" || c.Kind != tt.bound.Kind {
				t.Errorf("kindP95Check = %+v; want pass %v, %q", c, tt.pass, tt.text)
			}
		})
	}
}

// TestJudgeKinds judges the mix end to end: the kinds' figures are in
// the verdict, the kind bounds are checked after the others and fail the
// verdict, a kind's p95 rise is a symptom, and the gate names the kind.
func TestJudgeKinds(t *testing.T) {
	vs := Judge(savedtest.UploadMix().Run())
	naive, aware := vs[0], vs[1]
	if len(aware.Kinds) != 2 || aware.Kinds[0].Name != "upload" || aware.Kinds[0].ShedRatio < 0.9 ||
		aware.Kinds[1].P95Ms != 30.9 || aware.Kinds[0].Requests+aware.Kinds[1].Requests != 1500 {
		t.Errorf("aware kinds = %+v; want upload mostly shed, status p95 30.9 ms, 1,500 requests in all", aware.Kinds)
	}
	if aware.Pass {
		t.Errorf("aware passes; want its upload p95 bound to fail it")
	}
	var labels []string
	for _, c := range aware.Expectations {
		labels = append(labels, c.Label())
	}
	if got := strings.Join(labels, ","); got != "outcome,max_rss,max_p95 (status),max_p95 (upload)" {
		t.Errorf("aware checks = %s; want outcome,max_rss,max_p95 (status),max_p95 (upload)", got)
	}
	if !strings.Contains(strings.Join(naive.Symptoms, "\n"), "p95 of kind upload rose from 4.8 s to 23.8 s (stage 1 → 3)") {
		t.Errorf("naive symptoms = %q; want the upload kind's p95 rise", naive.Symptoms)
	}
	if g := GateOf(vs); len(g.FailedChecks) != 1 || g.FailedChecks[0] != "upload-aware max_p95 (upload)" {
		t.Errorf("gate failed checks = %q; want [upload-aware max_p95 (upload)]", g.FailedChecks)
	}
}

// A single request's "default" kind is not a mix: the verdict carries no
// kinds and no kind symptoms, as for a run made before kinds existed.
func TestDefaultKindIsNoMix(t *testing.T) {
	run := savedtest.UploadProxy().Run()
	want := Judge(run)
	for i := range run.Results.Targets {
		tg := &run.Results.Targets[i]
		tg.Kinds = []results.KindFigures{{Name: scenarios.DefaultKind, Requests: 100, Successes: 90, LatencyP95Ms: 3000}}
	}
	got := Judge(run)
	for i := range got {
		if got[i].Kinds != nil || strings.Join(got[i].Symptoms, "\n") != strings.Join(want[i].Symptoms, "\n") {
			t.Errorf("%s: kinds %+v, symptoms %q; want none, %q", got[i].Target, got[i].Kinds, got[i].Symptoms, want[i].Symptoms)
		}
	}
}
