package report

import (
	"fmt"
	"io"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
)

// WriteBaselineJUnit writes 'oomlab gate' as JUnit XML: a testsuite
// "oomlab gate <before> → <after>" holding one testcase per target and
// gated figure of rows (classname "baseline.<target>", name the figure)
// — failed when the figure got worse beyond the gate's tolerance, with
// before, after, change and tolerance in the message; skipped for a
// target new in the run (nothing to compare it with) — and one testcase
// per expectation of the run's own verdicts (classname
// "expect.<target>", name judge.Check.Label), failed with the check's
// text, since a failed expectation fails the gate whatever the baseline
// says. The gate's own testcase follows when it carries warnings or had
// nothing to judge, as in WriteJUnit.
func WriteBaselineJUnit(w io.Writer, before, after string, rows []judge.BaselineRow, own []judge.Verdict, gate judge.GateStatus) error {
	doc := junitSuites{Name: "oomlab"}
	suite := junitSuite{Name: "oomlab gate " + before + " → " + after}
	tol := format.Percent(tolerance(gate))
	for _, r := range rows {
		tc := junitCase{ClassName: "baseline." + r.Target, Name: r.Figure, SystemOut: baselineRowText(r, tol)}
		switch r.Change {
		case judge.ChangeWorse:
			tc.Failure = &junitMessage{Message: baselineRowText(r, tol), Type: "baseline", Text: "baseline " + before + ", run " + after}
			suite.Failures++
		case judge.ChangeNew:
			tc.Skipped = &junitMessage{Message: r.Target + " is not in the baseline: nothing to compare it with"}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	for _, v := range own {
		for _, c := range v.Expectations {
			tc := junitCase{ClassName: "expect." + v.Target, Name: c.Label(), SystemOut: c.Text}
			if !c.Pass {
				tc.Failure = &junitMessage{Message: c.Text, Type: "expectation", Text: verdictDetail(v)}
				suite.Failures++
			}
			suite.Cases = append(suite.Cases, tc)
		}
	}
	suite.Tests = len(suite.Cases)
	doc.Suites = append(doc.Suites, suite)
	if gs, ok := gateSuite(gate); ok && (gate.State == judge.GateNothing || len(gate.Warnings) > 0) {
		doc.Suites = append(doc.Suites, gs)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	return encodeJUnit(w, doc)
}

// baselineRowText is one compared figure in words: "peak RSS 16.1 MiB →
// 22.5 MiB (+40%): worse beyond the 15% tolerance".
func baselineRowText(r judge.BaselineRow, tol string) string {
	s := fmt.Sprintf("%s %s → %s", r.Figure, orDash(r.Before), orDash(r.After))
	if r.Delta != "" {
		s += " (" + r.Delta + ")"
	}
	switch r.Change {
	case judge.ChangeWorse:
		return s + ": worse beyond the " + tol + " tolerance"
	case judge.ChangeBetter:
		return s + ": better beyond the " + tol + " tolerance"
	case judge.ChangeNew:
		return s + ": new, not in the baseline"
	}
	return s + ": within the " + tol + " tolerance"
}
