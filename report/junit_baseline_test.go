package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

// TestBaselineJUnit: 'oomlab gate --junit' holds one testcase per target
// and gated figure, the regressed ones failed with before, after, change
// and tolerance in the message, a new target skipped, and the run's own
// expectations as testcases of their own.
func TestBaselineJUnit(t *testing.T) {
	run := savedtest.FailingUpload(t)
	own := judge.Judge(run)
	before := judge.NewBaseline(run, own)
	after := judge.NewBaseline(run, own)
	a := &after.Targets[1]
	a.PeakRSSMiB *= 1.4
	a.SlopeMiBPerSec = 1.5
	after.Targets = append(after.Targets, judge.BaselineTarget{Name: "new-target", Outcome: results.OutcomeSurvived})
	rows := judge.CompareBaselines(before, after, 0.15)
	gate := judge.GateOf(own).WithBaseline(rows, 0.15)

	var b bytes.Buffer
	if err := WriteBaselineJUnit(&b, "last-week.json", "out/", rows, own, gate); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, b.String())
	}
	checks := 0
	for _, v := range own {
		checks += len(v.Expectations)
	}
	if want := len(rows) + checks; doc.Tests != want {
		t.Errorf("tests = %d; want %d (one per row, one per expectation)", doc.Tests, want)
	}
	// Two figures of upload-aware regressed, one expectation failed.
	if doc.Failures != 3 || doc.Skipped != 1 {
		t.Errorf("failures %d, skipped %d; want 3, 1\n%s", doc.Failures, doc.Skipped, b.String())
	}
	for _, want := range []string{
		`classname="baseline.upload-aware" name="peak RSS"`,
		"worse beyond the 15% tolerance",
		`message="expected peak RSS ≤ 8 MiB: 16.1 MiB ✗"`,
		`message="new-target is not in the baseline: nothing to compare it with"`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JUnit does not hold %q:\n%s", want, b.String())
		}
	}
	savedtest.Golden(t, ".xml", b.Bytes())
}
