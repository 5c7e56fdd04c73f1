package judge

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/scenarios"

	"github.com/oomlab/oomlab/report/saved/savedtest"

	"strings"

	"github.com/oomlab/oomlab/runner/results"
)

func TestGateOf(t *testing.T) {
	pass := Check{Name: "max_rss", Pass: true}
	fail := Check{Name: "max_rss"}
	tests := []struct {
		name string
		in   []Verdict
		want GateState
	}{
		{"no targets", nil, GateNothing},
		{"no checks", []Verdict{{Class: ClassBounded}}, GateNothing},
		{"no samples", []Verdict{{Class: ClassNoData, Expectations: []Check{pass}}}, GateNothing},
		{"pass", []Verdict{{Class: ClassBounded, Expectations: []Check{pass}}}, GatePass},
		{"fail", []Verdict{{Class: ClassBounded, Expectations: []Check{pass, fail}}}, GateFail},
		{"fail beside nothing", []Verdict{{Class: ClassNoData, Expectations: []Check{fail}}}, GateFail},
	}
	for _, tt := range tests {
		if got := GateOf(tt.in).State; got != tt.want {
			t.Errorf("GateOf(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestGateWithBaseline(t *testing.T) {
	pass := Check{Name: "max_rss", Pass: true}
	fail := Check{Name: "max_rss", Text: "expected peak RSS ≤ 8 MiB: 16 MiB ✗"}
	same := []BaselineRow{{Target: "a", Figure: "peak RSS", Change: ChangeSame}}
	worse := []BaselineRow{{Target: "a", Figure: "peak RSS", Change: ChangeWorse}}
	newOnly := []BaselineRow{{Target: "a", Figure: "outcome", Change: ChangeNew}}
	ok := []Verdict{{Target: "a", Class: ClassBounded, Expectations: []Check{pass}}}
	bad := []Verdict{{Target: "a", Class: ClassBounded, Expectations: []Check{pass, fail}}}
	none := []Verdict{{Target: "a", Class: ClassBounded}}
	tests := []struct {
		name string
		own  []Verdict
		rows []BaselineRow
		want GateState
	}{
		{"own fail, baseline same", bad, same, GateFail},
		{"own fail, nothing compared", bad, nil, GateFail},
		{"own pass, baseline worse", ok, worse, GateFail},
		{"own pass, baseline same", ok, same, GatePass},
		{"no expectations, baseline same", none, same, GatePass},
		{"no expectations, baseline worse", none, worse, GateFail},
		{"own pass, only new targets", ok, newOnly, GateNothing},
		{"no targets", nil, nil, GateNothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := GateOf(tt.own).WithBaseline(tt.rows, 0.15)
			if g.State != tt.want {
				t.Errorf("GateOf(%s).WithBaseline = %v; want %v", tt.name, g, tt.want)
			}
			if tt.own != nil && g.Failed > 0 && !strings.Contains(g.Line(), "a max_rss") {
				t.Errorf("gate line %q does not name the failed expectation", g.Line())
			}
		})
	}
}

func TestCheckCompatible(t *testing.T) {
	run := savedtest.Upload(t)
	base := NewBaseline(run, Judge(run))
	edit := func(f func(b *Baseline)) Baseline {
		b := base
		rq := *base.Request
		b.Request = &rq
		f(&b)
		return b
	}
	tests := []struct {
		name      string
		before    Baseline
		fields    []string
		unchecked bool
	}{
		{"same", base, nil, false},
		{"other scenario", edit(func(b *Baseline) { b.Scenario = "json-body" }), []string{"scenario"}, false},
		{"other limit", edit(func(b *Baseline) { b.MemoryLimitBytes = 128 << 20 }), []string{"memory limit"}, false},
		{"watchdog", edit(func(b *Baseline) { b.LimitMode = results.MechanismWatchdog }), []string{"limit mode"}, false},
		{"cgroup v2 is a kernel limit too", edit(func(b *Baseline) { b.LimitMode = results.MechanismCgroupV2 }), nil, false},
		{"other path and body", edit(func(b *Baseline) { b.Request.Path = "/other"; b.Request.BodyBytes = 1 }),
			[]string{"request path", "request body size"}, false},
		{"v1 file", edit(func(b *Baseline) { b.Schema, b.LimitMode, b.Request = BaselineSchemaV1, "", nil }), nil, true},
		{"a mix against one request", edit(func(b *Baseline) { b.Mix = "export ×1 GET /export, body none, reads 256 KiB/s" }),
			[]string{"request mix"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unchecked, err := CheckCompatible(tt.before, base)
			var got []string
			var me *MismatchError
			if errors.As(err, &me) {
				for _, m := range me.Mismatches {
					got = append(got, m.Field)
				}
				if !errors.Is(err, ErrBaselineMismatch) {
					t.Errorf("errors.Is(%v, ErrBaselineMismatch) = false", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("CheckCompatible: mismatched %q; want %q", got, tt.fields)
			}
			if (len(unchecked) > 0) != tt.unchecked {
				t.Errorf("CheckCompatible: unchecked %q; want some: %v", unchecked, tt.unchecked)
			}
		})
	}
}

func TestGateStatusJSON(t *testing.T) {
	run := savedtest.FailingUpload(t)
	g := GateOf(Judge(run)).WithBaseline([]BaselineRow{{Target: "upload-aware", Figure: "peak RSS", Change: ChangeWorse}}, 0.15).
		WithWarnings("a warning")
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":"fail"`) || !strings.Contains(string(b), `"reason":"expectations: 1 of 4 checks failed: upload-aware max_rss; baseline: 1 worse`) {
		t.Errorf("gate JSON = %s", b)
	}
	var back GateStatus
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.State != g.State || back.Reason != g.Reason || len(back.Warnings) != 1 || back.Baseline == nil {
		t.Errorf("decoded %+v; want %+v", back, g)
	}
}

// TestFailedToStartFailsTheGate: a target that could not start fails its
// "ran" check even without expectations, so the gate (not a rule of the
// CLI's own) fails; a skipped one without expectations is not checked.
func TestFailedToStartFailsTheGate(t *testing.T) {
	for _, tt := range []struct {
		outcome string
		checks  int
	}{{results.OutcomeFailedToStart, 1}, {results.OutcomeSkipped, 0}} {
		t.Run(tt.outcome, func(t *testing.T) {
			run := savedtest.WithoutExpectations(t)
			run.Results.Targets = append([]results.Target(nil), run.Results.Targets...)
			tg := &run.Results.Targets[1]
			tg.Outcome, tg.Error, tg.Stages = tt.outcome, "exec: /nonexistent/server: no such file", nil
			run.Series = append([]*saved.Series(nil), run.Series...)
			run.Series[1] = &saved.Series{Target: tg.Name}
			vs := Judge(run)
			if got := len(vs[1].Expectations); got != tt.checks {
				t.Fatalf("%d checks (%+v); want %d", got, vs[1].Expectations, tt.checks)
			}
			g := GateOf(vs)
			if tt.checks > 0 && (g.State != GateFail || !strings.Contains(g.Reason, "upload-aware ran")) {
				t.Errorf("gate = %v; want a failure naming upload-aware ran", g)
			}
			if tt.checks == 0 && g.State != GateNothing {
				t.Errorf("gate = %v; want nothing to judge", g)
			}
		})
	}
}

// TestMixText: a baseline records a mix (kinds, weights, client speeds),
// so that one made under another mix is refused; the one default request
// at full speed records nothing, as before mixes existed.
func TestMixText(t *testing.T) {
	no := false
	tests := []struct {
		name  string
		kinds []scenarios.RequestKind
		want  string
	}{
		{"default", []scenarios.RequestKind{{Name: scenarios.DefaultKind, Weight: 1, Method: "POST", Path: "/upload"}}, ""},
		{"default, slow", []scenarios.RequestKind{{Name: scenarios.DefaultKind, Weight: 1, Method: "GET", Path: "/export",
			DownloadBandwidth: 256 << 10, SlowShare: 1}}, "default ×1 GET /export, body none, reads 262144 B/s"},
		{"two kinds", []scenarios.RequestKind{
			{Name: "export", Weight: 1, Method: "GET", Path: "/export", DownloadBandwidth: 64 << 10, SlowShare: 0.5, KeepAlive: &no},
			{Name: "lookup", Weight: 9, Method: "GET", Path: "/items/1"}},
			"export ×1 GET /export, body none, reads 65536 B/s (50 % of clients), no keep-alive; lookup ×9 GET /items/1, body none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mixText(tt.kinds); got != tt.want {
				t.Errorf("mixText = %q; want %q", got, tt.want)
			}
		})
	}
}
