package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/plot"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// Output file names written by WriteAll.
const (
	HTMLFile     = "report.html"
	MarkdownFile = "summary.md"
	VerdictsFile = "verdicts.json"
)

// VerdictsSchema is the schema string of verdicts.json.
const VerdictsSchema = "oomlab.verdicts/v1"

// Files is what WriteAll wrote, and the verdicts and gate it rendered.
type Files struct {
	// Paths lists every file written, in the order written.
	Paths []string
	// Verdicts are every run's verdicts in order; when comparing, target
	// names carry the run's label ("A:upload-naive").
	Verdicts []judge.Verdict
	// Gate is the gate status every output was rendered with.
	Gate judge.GateStatus
}

// verdictsDoc is the content of verdicts.json. Pass is Gate.State ==
// pass: false when nothing was judged (kept for readers of the first
// files, which had only it; read gate.status instead).
type verdictsDoc struct {
	Schema    string           `json:"schema"`
	Scenarios []string         `json:"scenarios"`
	Gate      judge.GateStatus `json:"gate"`
	Pass      bool             `json:"pass"`
	Verdicts  []judge.Verdict  `json:"verdicts"`
}

// WriteAll writes every output to dir from the runs, their verdicts
// (JudgeRuns(runs): verdicts[i] are runs[i]'s) and the gate status
// decided from them (GateOf, WithBaseline): memory.png/svg,
// dashboard.png/svg, report.html, summary.md and verdicts.json. It judges
// nothing itself. One run is a normal report; two are a comparison
// (targets named "A:…", "B:…" in every output and in Files.Verdicts).
func WriteAll(runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus, dir string) (Files, error) {
	var files Files
	if len(runs) == 0 {
		return files, errors.New("report: no run")
	}
	if len(verdicts) != len(runs) {
		return files, fmt.Errorf("report: %d runs but %d verdict lists", len(runs), len(verdicts))
	}
	out, err := results.CreateOutDir(dir)
	if err != nil {
		return files, fmt.Errorf("report: %w", err)
	}
	defer out.Close()
	verdicts = labelRuns(verdicts)
	files.Verdicts = flatten(verdicts)
	files.Gate = gate

	paths, memSVG, err := plot.MemoryFigure(runs).Write(out, "memory")
	files.Paths = append(files.Paths, paths...)
	if err != nil {
		return files, err
	}
	paths, dashSVG, err := plot.DashboardFigure(runs).Write(out, "dashboard")
	files.Paths = append(files.Paths, paths...)
	if err != nil {
		return files, err
	}
	outputs := []struct {
		name   string
		render func(*bytes.Buffer) error
	}{
		{HTMLFile, func(b *bytes.Buffer) error { return writeHTML(b, runs, verdicts, gate, dashSVG, memSVG) }},
		{MarkdownFile, func(b *bytes.Buffer) error { return writeMarkdown(b, runs, verdicts, gate) }},
		{VerdictsFile, func(b *bytes.Buffer) error {
			doc := verdictsDoc{Schema: VerdictsSchema, Gate: gate, Pass: gate.Pass(), Verdicts: files.Verdicts}
			for _, r := range runs {
				doc.Scenarios = append(doc.Scenarios, r.Results.Scenario)
			}
			enc := json.NewEncoder(b)
			enc.SetIndent("", "  ")
			return enc.Encode(doc)
		}},
	}
	for _, o := range outputs {
		var buf bytes.Buffer
		if err := o.render(&buf); err != nil {
			return files, fmt.Errorf("report: %s: %w", o.name, err)
		}
		if err := out.WriteFile(o.name, buf.Bytes()); err != nil {
			return files, fmt.Errorf("report: %w", err)
		}
		files.Paths = append(files.Paths, out.Join(o.name))
	}
	return files, nil
}

// labelRuns returns the verdicts with each target named after its run
// ("A:upload-naive") when there are several runs (a comparison); one
// run's are returned as they are. The input is not changed.
func labelRuns(verdicts [][]judge.Verdict) [][]judge.Verdict {
	if len(verdicts) < 2 {
		return verdicts
	}
	out := make([][]judge.Verdict, len(verdicts))
	for i, vs := range verdicts {
		out[i] = append([]judge.Verdict(nil), vs...)
		for j := range out[i] {
			out[i][j].Target = format.RunLabel(i) + ":" + out[i][j].Target
		}
	}
	return out
}
