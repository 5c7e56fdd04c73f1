package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/oomlab/oomlab/report/format"

	"github.com/oomlab/oomlab/report/judge"

	"github.com/oomlab/oomlab/report/saved"
)

// JUnit XML, the subset CI systems read (Jenkins, GitLab, GitHub test
// reporters): one testsuite per run, one testcase per target and
// expectation, the measured value in the failure message.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the verdicts of runs as JUnit XML: per run a testsuite
// named after the scenario, per target and expectation a testcase
// (classname "scenario.target", name the expect: key and any request kind
// it names, see judge.Check.Label) that fails with the
// check's text, measured value included. A target without expectations
// is one skipped testcase, so that it still shows. verdicts[i] are
// runs[i]'s, gate the status decided from them. When that status is not
// the expectations' alone — nothing to judge, a baseline compared, a
// warning — a suite "oomlab gate" holds one testcase "gate" saying so: skipped
// with the reason when nothing was judged (never a pass), failed when
// the gate failed.
func WriteJUnit(w io.Writer, runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus) error {
	doc := junitSuites{Name: "oomlab"}
	for i, r := range runs {
		suite := junitSuite{Name: r.Results.Scenario}
		for _, v := range verdicts[i] {
			class := suite.Name + "." + v.Target
			detail := verdictDetail(v)
			if len(v.Expectations) == 0 {
				suite.Cases = append(suite.Cases, junitCase{ClassName: class, Name: "expectations",
					Skipped: &junitMessage{Message: "no expectations for this target"}, SystemOut: detail})
				suite.Skipped++
				continue
			}
			for _, c := range v.Expectations {
				tc := junitCase{ClassName: class, Name: c.Label(), SystemOut: detail}
				if !c.Pass {
					tc.Failure = &junitMessage{Message: c.Text, Type: "expectation", Text: detail}
					suite.Failures++
				}
				suite.Cases = append(suite.Cases, tc)
			}
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}
	if suite, ok := gateSuite(gate); ok {
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}
	return encodeJUnit(w, doc)
}

// gateSuite is the suite of the gate's own testcase, when the gate needs
// one (see WriteJUnit).
func gateSuite(g judge.GateStatus) (junitSuite, bool) {
	if g.State != judge.GateNothing && g.Baseline == nil && len(g.Warnings) == 0 {
		return junitSuite{}, false
	}
	tc := junitCase{ClassName: "oomlab.gate", Name: "gate", SystemOut: strings.Join(append([]string{g.Line()}, g.Warnings...), "\n")}
	suite := junitSuite{Name: "oomlab gate", Tests: 1}
	switch g.State {
	case judge.GateNothing:
		tc.Skipped = &junitMessage{Message: "nothing to judge: " + g.Reason}
		suite.Skipped = 1
	case judge.GateFail:
		tc.Failure = &junitMessage{Message: g.Reason, Type: "gate", Text: g.Line()}
		suite.Failures = 1
	}
	suite.Cases = []junitCase{tc}
	return suite, true
}

// verdictDetail is a target's verdict in a few lines of plain text.
func verdictDetail(v judge.Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, outcome %s, peak RSS %s, RSS slope %s", v.Target, v.Class, v.Outcome,
		format.MiB(v.PeakRSSMiB), format.Slope(v.SlopeMiBPerSec))
	for _, s := range v.Symptoms {
		fmt.Fprintf(&b, "\n- %s", s)
	}
	for _, k := range v.Kinds {
		fmt.Fprintf(&b, "\n- %s", kindLine(k))
	}
	return b.String()
}

// WriteErrorJUnit writes the JUnit file of a command that could not be
// carried out (exit 2: a harness or input error): one suite named name
// holding one failed testcase "oomlab.harness" / "run" whose message is
// msg, so that CI, which asked for the file, shows why instead of
// nothing.
func WriteErrorJUnit(w io.Writer, name, msg string) error {
	tc := junitCase{ClassName: "oomlab.harness", Name: "run", Failure: &junitMessage{Message: msg, Type: "harness error", Text: msg}}
	doc := junitSuites{Name: "oomlab", Tests: 1, Failures: 1,
		Suites: []junitSuite{{Name: name, Tests: 1, Failures: 1, Cases: []junitCase{tc}}}}
	return encodeJUnit(w, doc)
}

// encodeJUnit writes doc as a JUnit XML file: the header, the document
// indented, a final newline.
func encodeJUnit(w io.Writer, doc junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
