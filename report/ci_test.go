package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// failingUpload is the saved upload-proxy run with an aware max_rss it
// cannot meet, so that one test case fails.
func failingUpload(t *testing.T) *saved.Run {
	t.Helper()
	run := savedtest.Upload(t)
	spec := *run.Results.ScenarioSpec
	spec.Targets = append([]scenarios.Target(nil), spec.Targets...)
	spec.Targets[1].Expect.MaxRSS = 8 << 20
	run.Results.ScenarioSpec = &spec
	return run
}

func TestJUnit(t *testing.T) {
	run := failingUpload(t)
	var b bytes.Buffer
	if err := WriteJUnit(&b, []*saved.Run{run}, [][]Verdict{Judge(run)}); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v", err)
	}
	if doc.Failures != 1 || doc.Tests < 3 {
		t.Errorf("tests %d, failures %d; want at least 3 tests, 1 failure", doc.Tests, doc.Failures)
	}
	if !strings.Contains(b.String(), `message="expected peak RSS ≤ 8 MiB: 16.1 MiB ✗"`) {
		t.Errorf("the failure message does not carry the measured value:\n%s", b.String())
	}
	savedtest.Golden(t, ".xml", b.Bytes())
}

func TestBaselineTable(t *testing.T) {
	run := savedtest.Upload(t)
	before := NewBaseline(run, Judge(run))
	after := NewBaseline(run, Judge(run))
	// The aware target regressed: 40% more memory, climbing, and now
	// forecast to reach the limit; its goodput fell.
	a := &after.Targets[1]
	a.PeakRSSMiB *= 1.4
	a.SlopeMiBPerSec = 1.5
	ttl, good := 180.0, 0.5
	a.TimeToLimitSeconds, a.GoodputRatio = &ttl, &good
	after.Targets = append(after.Targets, BaselineTarget{Name: "new-target", Outcome: results.OutcomeSurvived})
	rows := CompareBaselines(before, after, 0.15)
	if !Regressed(rows) {
		t.Fatal("Regressed = false; want true")
	}
	var b bytes.Buffer
	WriteBaselineTable(&b, rows, 0.15)
	b.WriteString("\n")
	if err := WriteBaselineMarkdown(&b, "last-week.json", "out/", rows, 0.15); err != nil {
		t.Fatal(err)
	}
	savedtest.Golden(t, ".txt", b.Bytes())

	if rows := CompareBaselines(before, NewBaseline(run, Judge(run)), 0.15); Regressed(rows) {
		t.Errorf("a run compared with itself regressed: %+v", rows)
	}
}

func TestChangeRules(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		got  Change
		want Change
	}{
		{"RSS within tolerance", higherIsWorse(100, 114, 0.15, floorRSSMiB), ChangeSame},
		{"RSS beyond tolerance", higherIsWorse(100, 116, 0.15, floorRSSMiB), ChangeWorse},
		{"RSS below the floor", higherIsWorse(10, 13.9, 0.15, floorRSSMiB), ChangeSame},
		{"RSS better", higherIsWorse(100, 80, 0.15, floorRSSMiB), ChangeBetter},
		{"slope noise near zero", higherIsWorse(0.02, 0.4, 0.15, floorSlope), ChangeSame},
		{"slope climbing", higherIsWorse(0.02, 0.6, 0.15, floorSlope), ChangeWorse},
		{"never to forecast", timeChange(nil, f(300), 0.15), ChangeWorse},
		{"forecast to never", timeChange(f(300), nil, 0.15), ChangeBetter},
		{"killed 3 s sooner", timeChange(f(21.8), f(18.8), 0.15), ChangeSame},
		{"killed 8 s sooner", timeChange(f(26), f(18), 0.15), ChangeWorse},
		{"survived to killed", outcomeChange(results.OutcomeSurvived, results.OutcomeOOMKilled), ChangeWorse},
		{"killed to survived", outcomeChange(results.OutcomeOOMKilled, results.OutcomeSurvived), ChangeBetter},
		{"killed to stalled", outcomeChange(results.OutcomeOOMKilled, results.OutcomeLimitStall), ChangeSame},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestGateOf(t *testing.T) {
	pass := Check{Name: "max_rss", Pass: true}
	fail := Check{Name: "max_rss"}
	tests := []struct {
		name string
		in   []Verdict
		want GateStatus
	}{
		{"no targets", nil, GateNothing},
		{"no checks", []Verdict{{Class: ClassBounded}}, GateNothing},
		{"no samples", []Verdict{{Class: ClassNoData, Expectations: []Check{pass}}}, GateNothing},
		{"pass", []Verdict{{Class: ClassBounded, Expectations: []Check{pass}}}, GatePass},
		{"fail", []Verdict{{Class: ClassBounded, Expectations: []Check{pass, fail}}}, GateFail},
		{"fail beside nothing", []Verdict{{Class: ClassNoData, Expectations: []Check{fail}}}, GateFail},
	}
	for _, tt := range tests {
		if got, _ := GateOf(tt.in); got != tt.want {
			t.Errorf("GateOf(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestGitHubAnnotations(t *testing.T) {
	v := []Verdict{{Target: "a,b", Expectations: []Check{{Name: "max_rss", Text: "100%\nbad ✗"}, {Name: "ok", Pass: true}}}}
	var b bytes.Buffer
	if err := GitHubAnnotations(&b, "sc:1", v); err != nil {
		t.Fatal(err)
	}
	if want := "::error title=oomlab sc%3A1%3A a%2Cb max_rss::100%25%0Abad ✗\n"; b.String() != want {
		t.Errorf("GitHubAnnotations = %q; want %q", b.String(), want)
	}
}
