package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/oomlab/oomlab/report/format"

	"github.com/oomlab/oomlab/report/judge"

	"github.com/oomlab/oomlab/report/saved"
)

// CatalogFile is the summary WriteCatalog writes.
const CatalogFile = "catalog.md"

// WriteCatalog writes one Markdown table for a catalog run — every pattern,
// every target: outcome, when it was killed, peak RSS, success ratio and
// the goodput ratio (the downstream's, or for slow clients without one the
// verdict's client goodput) — followed by the gate's line. runs are
// the patterns' saved runs, verdicts[i] runs[i]'s verdicts (Judge), gate
// the status decided from all of them: it judges nothing itself.
func WriteCatalog(w io.Writer, runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus) error {
	if len(verdicts) != len(runs) {
		return fmt.Errorf("report: catalog: %d runs but %d verdict lists", len(runs), len(verdicts))
	}
	var b strings.Builder
	for _, warn := range gate.Warnings {
		fmt.Fprintf(&b, "> **warning:** %s\n\n", format.MarkdownText(warn))
	}
	b.WriteString("| pattern | target | runtime | role | outcome | killed at | peak RSS | success | goodput | verdict |\n")
	b.WriteString("|---|---|---|---|---|--:|--:|--:|--:|---|\n")
	for i, r := range runs {
		for j, t := range r.Results.Targets {
			v := verdicts[i][j]
			goodput := "-"
			if g := t.Downstream.GoodputRatio; g != nil {
				goodput = fmt.Sprintf("%.2f", *g)
			} else if g := v.GoodputRatio; g != nil { // the slow clients' (judge.goodputOf)
				goodput = fmt.Sprintf("%.2f", *g)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %s |\n",
				format.MarkdownText(r.Results.Scenario), format.MarkdownText(t.Name), format.MarkdownText(t.Runtime), format.MarkdownText(t.Role), format.MarkdownText(t.Outcome)+watchdogMark(r.Results), killedAt(v),
				peakCell(v), successCell(v), goodput, v.Class, verdictMark(v)+judge.Worry(v))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", format.MarkdownText(gate.Line()))
	_, err := io.WriteString(w, b.String())
	return err
}
