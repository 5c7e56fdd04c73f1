package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/oomlab/oomlab/report/format"

	"github.com/oomlab/oomlab/report/judge"
)

// WriteBaselineTable writes the rows as an aligned text table for the
// terminal, then the baseline's line, the gate's warnings and its line:
// gate is the status decided from the run's expectations and these rows
// (GateOf(…).WithBaseline(rows, tol)). Errors writing to w are ignored,
// as fmt.Fprint's are.
func WriteBaselineTable(w io.Writer, rows []judge.BaselineRow, gate judge.GateStatus) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tFIGURE\tBEFORE\tAFTER\tCHANGE\tVERDICT\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Target, r.Figure, r.Before, r.After, orDash(r.Delta), r.Change)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", baselineLine(rows, tolerance(gate)))
	for _, warn := range gate.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	fmt.Fprintf(w, "%s\n", gate.Line())
}

// tolerance is the gate's baseline tolerance, 0 without a baseline.
func tolerance(g judge.GateStatus) float64 {
	if g.Baseline == nil {
		return 0
	}
	return g.Baseline.Tolerance
}

// WriteBaselineMarkdown writes the rows as a GitHub-flavoured Markdown
// table under a heading naming what was compared and the gate's word,
// then the gate's warnings and line.
func WriteBaselineMarkdown(w io.Writer, before, after string, rows []judge.BaselineRow, gate judge.GateStatus) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## oomlab gate: %s → %s — %s\n\n", format.MarkdownText(before), format.MarkdownText(after), gateMark(gate.State))
	for _, warn := range gate.Warnings {
		fmt.Fprintf(&b, "> **warning:** %s\n\n", format.MarkdownText(warn))
	}
	b.WriteString("| target | figure | before | after | change | verdict |\n|---|---|--:|--:|--:|---|\n")
	for _, r := range rows {
		v := r.Change.String()
		if r.Change == judge.ChangeWorse {
			v = "❌ worse"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", format.MarkdownText(r.Target), r.Figure, format.MarkdownText(r.Before), format.MarkdownText(r.After), orDash(r.Delta), v)
	}
	fmt.Fprintf(&b, "\n%s\n\n%s\n", baselineLine(rows, tolerance(gate)), format.MarkdownText(gate.Line()))
	_, err := io.WriteString(w, b.String())
	return err
}

// baselineLine is "baseline: PASS (no figure worse than 15%)" or
// "baseline: FAIL (2 figures worse ...: upload-aware peak RSS, …)".
func baselineLine(rows []judge.BaselineRow, tol float64) string {
	var worse []string
	for _, r := range rows {
		if r.Change == judge.ChangeWorse {
			worse = append(worse, r.Target+" "+r.Figure)
		}
	}
	if len(worse) == 0 {
		return fmt.Sprintf("baseline: PASS (no figure worse beyond the %s tolerance)", format.Percent(tol))
	}
	return fmt.Sprintf("baseline: FAIL (%d worse beyond the %s tolerance: %s)", len(worse), format.Percent(tol), strings.Join(worse, ", "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
