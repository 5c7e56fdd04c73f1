package judge

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// TestGoodputOf: a verdict's goodput is the downstream's when it has one,
// else the share of the slow clients' reading capacity used, Σ body bytes
// ÷ Σ bandwidth × client-seconds over the kinds with a download
// bandwidth, else none.
func TestGoodputOf(t *testing.T) {
	const kib, mib = 1 << 10, 1 << 20
	mix := &scenarios.Scenario{Load: scenarios.Load{Requests: []scenarios.RequestKind{
		{Name: "export", DownloadBandwidth: 512 * kib},
		{Name: "report", DownloadBandwidth: mib, SlowShare: 0.5},
		{Name: "status"},
	}}}
	single := &scenarios.Scenario{Load: scenarios.Load{Request: scenarios.Request{Path: "/export", DownloadBandwidth: 512 * kib}}}
	fast := &scenarios.Scenario{Load: scenarios.Load{Request: scenarios.Request{Path: "/"}}}
	downstream := 0.75
	// export: 10 client-seconds at 512 KiB/s could carry 5 MiB, 2.5 read;
	// report: 2 at 1 MiB/s, 2 MiB, 1 read. (2.5 + 1) ÷ (5 + 2) = 0.5.
	slowKinds := []results.KindFigures{
		{Name: "export", Requests: 4, ReadSeconds: 10, SlowBytesIn: 5 * mib / 2},
		{Name: "report", Requests: 2, ReadSeconds: 2, SlowBytesIn: mib},
		{Name: "status", Requests: 9, BytesIn: 9 * kib},
	}
	tests := []struct {
		name        string
		spec        *scenarios.Scenario
		downstream  *float64
		kinds       []results.KindFigures
		want        *float64
		fromClients bool
	}{
		{name: "no slow kinds", spec: fast, kinds: []results.KindFigures{{Name: scenarios.DefaultKind, Requests: 9, BytesIn: mib}}},
		{name: "no kinds", spec: mix},
		{name: "downstream kept", spec: mix, downstream: &downstream, kinds: slowKinds, want: ptr(0.75)},
		{name: "slow kinds", spec: mix, kinds: slowKinds, want: ptr(0.5), fromClients: true},
		{name: "single request", spec: single, kinds: []results.KindFigures{{Name: scenarios.DefaultKind, Requests: 2, ReadSeconds: 32, SlowBytesIn: 8 * mib}},
			want: ptr(0.5), fromClients: true},
		{name: "waited with nothing read", spec: single, kinds: []results.KindFigures{{Name: scenarios.DefaultKind, Requests: 2, ReadSeconds: 30}},
			want: ptr(0.0), fromClients: true},
		{name: "clock rounding capped at 1", spec: single, kinds: []results.KindFigures{{Name: scenarios.DefaultKind, Requests: 1, ReadSeconds: 15.99, SlowBytesIn: 8 * mib}},
			want: ptr(1.0), fromClients: true},
		{name: "slow kinds that never read", spec: mix, kinds: []results.KindFigures{{Name: "export"}, {Name: "report"}}},
		{name: "kind not in the scenario", spec: single, kinds: []results.KindFigures{{Name: "export", ReadSeconds: 10, SlowBytesIn: mib}}},
		{name: "scenario not saved", kinds: slowKinds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &results.Results{ScenarioSpec: tt.spec}
			tg := results.Target{Kinds: tt.kinds, Downstream: results.Downstream{GoodputRatio: tt.downstream}}
			got, fromClients := goodputOf(res, tg)
			if !sameRatio(got, tt.want) || fromClients != tt.fromClients {
				t.Errorf("goodputOf() = %s, %v; want %s, %v", ratioText(got), fromClients, ratioText(tt.want), tt.fromClients)
			}
		})
	}
}

// TestJudgeClientGoodput: a run whose kinds have slow clients and no
// downstream goodput gets the client goodput as its verdicts' goodput, a
// symptom that says which goodput it is, and a min_goodput that can be
// checked; the same run without slow reads shows none.
func TestJudgeClientGoodput(t *testing.T) {
	s := savedtest.UploadMix()
	s.Requests[1].DownloadBandwidth = 256 << 10 // status
	s.Targets[1].Expect.MinGoodput = 0.9
	run := s.Run()
	for i := range run.Results.Targets {
		tg := &run.Results.Targets[i]
		tg.Downstream.GoodputRatio = nil
		tg.Kinds[1].ReadSeconds, tg.Kinds[1].SlowBytesIn = 8, 1<<20 // a quarter of 8 s × 256 KiB/s
	}
	for _, v := range Judge(run) {
		if !sameRatio(v.GoodputRatio, ptr(0.5)) {
			t.Errorf("%s: GoodputRatio = %s; want the clients' 0.5", v.Target, ratioText(v.GoodputRatio))
		}
		want := "clients on slow links read 1 MiB of the 2 MiB their links could carry while connected: client goodput 50%"
		if !slices.ContainsFunc(v.Symptoms, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("%s: symptoms %q; want one starting %q", v.Target, v.Symptoms, want)
		}
	}
	aware := Judge(run)[1]
	if i := slices.IndexFunc(aware.Expectations, func(c Check) bool { return c.Name == "min_goodput" }); i < 0 ||
		aware.Expectations[i].Pass || !strings.Contains(aware.Expectations[i].Text, "50%") {
		t.Errorf("expectations %+v; want min_goodput 90 %% failed at 50 %%", aware.Expectations)
	}

	for i := range run.Results.Targets {
		run.Results.Targets[i].Kinds[1].ReadSeconds = 0
	}
	for _, v := range Judge(run) {
		if v.GoodputRatio != nil || slices.ContainsFunc(v.Symptoms, func(s string) bool { return strings.Contains(s, "client goodput") }) {
			t.Errorf("%s: GoodputRatio %s, symptoms %q; want no goodput without slow reads", v.Target, ratioText(v.GoodputRatio), v.Symptoms)
		}
	}
}

func sameRatio(a, b *float64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func ratioText(r *float64) string {
	if r == nil {
		return "nil"
	}
	return fmt.Sprint(*r)
}
