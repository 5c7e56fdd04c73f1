package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

func TestJUnit(t *testing.T) {
	run := savedtest.FailingUpload(t)
	var b bytes.Buffer
	if err := WriteJUnit(&b, []*saved.Run{run}, [][]judge.Verdict{judge.Judge(run)}, judge.GateOf(judge.Judge(run))); err != nil {
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
	before := judge.NewBaseline(run, judge.Judge(run))
	after := judge.NewBaseline(run, judge.Judge(run))
	// The aware target regressed: 40% more memory, climbing, and now
	// forecast to reach the limit; its goodput fell.
	a := &after.Targets[1]
	a.PeakRSSMiB *= 1.4
	a.SlopeMiBPerSec = 1.5
	ttl, good := 180.0, 0.5
	a.TimeToLimitSeconds, a.GoodputRatio = &ttl, &good
	after.Targets = append(after.Targets, judge.BaselineTarget{Name: "new-target", Outcome: results.OutcomeSurvived})
	rows := judge.CompareBaselines(before, after, 0.15)
	gate := judge.GateOf(judge.Judge(run)).WithBaseline(rows, 0.15)
	if gate.State != judge.GateFail {
		t.Fatalf("gate = %v; want fail", gate)
	}
	var b bytes.Buffer
	WriteBaselineTable(&b, rows, gate)
	b.WriteString("\n")
	if err := WriteBaselineMarkdown(&b, "last-week.json", "out/", rows, gate); err != nil {
		t.Fatal(err)
	}
	savedtest.Golden(t, ".txt", b.Bytes())

	if rows := judge.CompareBaselines(before, judge.NewBaseline(run, judge.Judge(run)), 0.15); judge.GateOf(judge.Judge(run)).WithBaseline(rows, 0.15).State != judge.GatePass {
		t.Errorf("a run compared with itself regressed: %+v", rows)
	}
}

func TestGitHubAnnotations(t *testing.T) {
	v := []judge.Verdict{{Target: "a,b", Expectations: []judge.Check{{Name: "max_rss", Text: "100%\nbad ✗"}, {Name: "ok", Pass: true}}}}
	var b bytes.Buffer
	if err := GitHubAnnotations(&b, "sc:1", v, judge.GateOf(v)); err != nil {
		t.Fatal(err)
	}
	if want := "::error title=oomlab sc%3A1%3A a%2Cb max_rss::100%25%0Abad ✗\n"; b.String() != want {
		t.Errorf("GitHubAnnotations = %q; want %q", b.String(), want)
	}
}
