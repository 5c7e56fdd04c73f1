package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// writeAll judges the runs once and writes every output, as the CLI does.
func writeAll(runs []*saved.Run, dir string) (Files, error) {
	verdicts := judge.Runs(runs)
	var all []judge.Verdict
	for _, vs := range verdicts {
		all = append(all, vs...)
	}
	return WriteAll(runs, verdicts, judge.GateOf(all), dir)
}

// TestNothingToJudgeEveryOutput: a run with nothing to judge says so in
// every output — summary.md, report.html, verdicts.json, the terminal,
// JUnit, the GitHub annotations and catalog.md — and none shows a pass.
func TestNothingToJudgeEveryOutput(t *testing.T) {
	run := savedtest.WithoutExpectations(t)
	verdicts := judge.Judge(run)
	gate := judge.GateOf(verdicts)
	if gate.State != judge.GateNothing || gate.Pass() {
		t.Fatalf("GateOf(no expectations) = %v; want nothing to judge", gate)
	}
	dir := t.TempDir()
	if _, err := WriteAll([]*saved.Run{run}, [][]judge.Verdict{verdicts}, gate, dir); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var term, junit, gh, catalog bytes.Buffer
	Terminal(&term, run, verdicts, gate)
	if err := WriteJUnit(&junit, []*saved.Run{run}, [][]judge.Verdict{verdicts}, gate); err != nil {
		t.Fatal(err)
	}
	if err := GitHubAnnotations(&gh, run.Results.Scenario, verdicts, gate); err != nil {
		t.Fatal(err)
	}
	if err := WriteCatalog(&catalog, []*saved.Run{run}, [][]judge.Verdict{verdicts}, gate); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{MarkdownFile: read(MarkdownFile), HTMLFile: read(HTMLFile), VerdictsFile: read(VerdictsFile),
		"terminal": term.String(), "junit": junit.String(), "annotations": gh.String(), CatalogFile: catalog.String()}
	for name, text := range outputs {
		if !strings.Contains(strings.ToLower(text), "nothing to judge") {
			t.Errorf("%s does not say \"nothing to judge\":\n%s", name, text)
		}
	}
	if md := outputs[MarkdownFile]; !strings.HasPrefix(md, "## oomlab: upload-proxy — nothing to judge\n") || strings.Contains(md, " pass |") || strings.Contains(md, " pass\n") {
		t.Errorf("summary.md's headline or a row shows a pass:\n%s", md)
	}
	if html := outputs[HTMLFile]; !strings.Contains(html, `<p class="nothing"><strong>expectations: NOTHING TO JUDGE`) {
		t.Errorf("report.html's headline is not of class nothing:\n%s", html)
	}
	var doc struct {
		Pass bool `json:"pass"`
		Gate struct {
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"gate"`
	}
	if err := json.Unmarshal([]byte(outputs[VerdictsFile]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Pass || doc.Gate.Status != "nothing to judge" || doc.Gate.Reason == "" {
		t.Errorf("verdicts.json: pass %v, gate %+v; want false, nothing to judge with a reason", doc.Pass, doc.Gate)
	}
	var suites junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Failures != 0 || suites.Skipped != suites.Tests || suites.Tests == 0 {
		t.Errorf("JUnit: %d tests, %d skipped, %d failures; want every test skipped, none passing", suites.Tests, suites.Skipped, suites.Failures)
	}
	if strings.Contains(term.String(), "PASS") {
		t.Errorf("the terminal shows a PASS:\n%s", term.String())
	}
	t.Run("summary", func(t *testing.T) { savedtest.Golden(t, ".md", []byte(outputs[MarkdownFile])) })
	t.Run("terminal", func(t *testing.T) { savedtest.Golden(t, ".txt", term.Bytes()) })
	t.Run("junit", func(t *testing.T) { savedtest.Golden(t, ".xml", junit.Bytes()) })
}

// neverRan is the saved upload-proxy run as if it had been interrupted
// before its aware target started: no samples, no requests, no peak;
// the target expects every figure a scenario can ask about.
func neverRan(t *testing.T) *saved.Run {
	t.Helper()
	run := savedtest.Upload(t)
	const expect = `
outcome: [survived]
oom_within: 60s
max_rss: 64MiB
min_rss: 1MiB
class: [bounded]
min_success_ratio: 0.5
min_goodput: 0.5
max_slope: 1MiB/s
max_p95: 2s
max_gc_rate: 10
max_cgroup_peak: 100MiB
min_time_to_limit: 30s
`
	var e scenarios.Expectation
	if err := yaml.Unmarshal([]byte(expect), &e); err != nil {
		t.Fatal(err)
	}
	spec := *run.Results.ScenarioSpec
	spec.Targets = append([]scenarios.Target(nil), spec.Targets...)
	spec.Targets[1].Expect = e
	run.Results.ScenarioSpec = &spec
	run.Results.Targets = append([]results.Target(nil), run.Results.Targets...)
	tg := &run.Results.Targets[1]
	*tg = results.Target{Name: tg.Name, Runtime: tg.Runtime, Command: tg.Command, Outcome: results.OutcomeInterrupted,
		OutcomeDetail: "the run was interrupted before this target started"}
	run.Series = append([]*saved.Series(nil), run.Series...)
	run.Series[1] = &saved.Series{Target: tg.Name}
	return run
}

// TestNeverRanPassesNoCheck: a target that never ran fails every check
// of its own with "not measured" (the outcome check says "interrupted"),
// in the terminal, summary.md and JUnit alike; none passes on a zero.
func TestNeverRanPassesNoCheck(t *testing.T) {
	run := neverRan(t)
	verdicts := judge.Judge(run)
	v := verdicts[1]
	if len(v.Expectations) < 12 {
		t.Fatalf("%d checks; want one per expectation (12): %+v", len(v.Expectations), v.Expectations)
	}
	for _, c := range v.Expectations {
		if c.Pass {
			t.Errorf("check %s passed on a target that never ran: %s", c.Name, c.Text)
		}
		if c.Name != "outcome" && !strings.Contains(c.Text, "not measured (the target never ran) ✗") {
			t.Errorf("check %s = %q; want \"not measured (the target never ran) ✗\"", c.Name, c.Text)
		}
	}
	if v.Pass {
		t.Errorf("verdict passes")
	}
	gate := judge.GateOf(verdicts)
	if gate.State != judge.GateFail || !strings.Contains(gate.Reason, "upload-aware max_rss") {
		t.Errorf("gate = %v; want a failure naming upload-aware max_rss", gate)
	}
	const want = "expected peak RSS ≤ 64 MiB: not measured (the target never ran) ✗"
	var term, md, junit bytes.Buffer
	Terminal(&term, run, verdicts, gate)
	if err := writeMarkdown(&md, []*saved.Run{run}, [][]judge.Verdict{verdicts}, gate); err != nil {
		t.Fatal(err)
	}
	if err := WriteJUnit(&junit, []*saved.Run{run}, [][]judge.Verdict{verdicts}, gate); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"terminal": term.String(), "summary.md": md.String(), "junit": junit.String()} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not say %q:\n%s", name, want, text)
		}
	}
	savedtest.Golden(t, ".txt", term.Bytes())
}
