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

// Files is what WriteAll wrote, and the verdicts it wrote them from.
type Files struct {
	// Paths lists every file written, in the order written.
	Paths []string
	// Verdicts are every run's verdicts in order; when comparing, target
	// names carry the run's label ("A:upload-naive").
	Verdicts []judge.Verdict
	// Pass is Gate(Verdicts).
	Pass bool
	// Status and Reason are GateOf(Verdicts).
	Status judge.GateStatus
	Reason string
}

// verdictsDoc is the content of verdicts.json.
type verdictsDoc struct {
	Schema    string          `json:"schema"`
	Scenarios []string        `json:"scenarios"`
	Pass      bool            `json:"pass"`
	Verdicts  []judge.Verdict `json:"verdicts"`
}

// WriteAll judges the runs and writes every output to dir: memory.png/svg,
// dashboard.png/svg, report.html, summary.md and verdicts.json. One run is
// a normal report; two are a comparison (targets named "A:…", "B:…").
func WriteAll(runs []*saved.Run, dir string) (Files, error) {
	var files Files
	if len(runs) == 0 {
		return files, errors.New("report: no run")
	}
	out, err := results.CreateOutDir(dir)
	if err != nil {
		return files, fmt.Errorf("report: %w", err)
	}
	defer out.Close()
	verdicts := judgeRuns(runs)
	files.Verdicts = flatten(verdicts)
	files.Pass = judge.Gate(files.Verdicts)
	files.Status, files.Reason = judge.GateOf(files.Verdicts)

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
		{HTMLFile, func(b *bytes.Buffer) error { return writeHTML(b, runs, verdicts, dashSVG, memSVG) }},
		{MarkdownFile, func(b *bytes.Buffer) error { return writeMarkdown(b, runs, verdicts) }},
		{VerdictsFile, func(b *bytes.Buffer) error {
			doc := verdictsDoc{Schema: VerdictsSchema, Pass: files.Pass, Verdicts: files.Verdicts}
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

// judgeRuns judges each run; when comparing, target names get the run's
// label.
func judgeRuns(runs []*saved.Run) [][]judge.Verdict {
	out := make([][]judge.Verdict, len(runs))
	for i, r := range runs {
		out[i] = judge.Judge(r)
		if len(runs) > 1 {
			for j := range out[i] {
				out[i][j].Target = format.RunLabel(i) + ":" + out[i][j].Target
			}
		}
	}
	return out
}
