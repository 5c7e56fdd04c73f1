package report

import (
	"fmt"
	"io"
	"strings"
)

// CatalogFile is the summary WriteCatalog writes.
const CatalogFile = "catalog.md"

// WriteCatalog writes one Markdown table for a catalog run — every pattern,
// every target: outcome, when it was killed, peak RSS, success ratio and
// the downstream's goodput ratio — followed by the gate's line. runs are
// the patterns' saved runs, verdicts[i] runs[i]'s verdicts (Judge), gate
// the status decided from all of them: it judges nothing itself.
func WriteCatalog(w io.Writer, runs []*Run, verdicts [][]Verdict, gate GateStatus) error {
	if len(verdicts) != len(runs) {
		return fmt.Errorf("report: catalog: %d runs but %d verdict lists", len(runs), len(verdicts))
	}
	var b strings.Builder
	for _, warn := range gate.Warnings {
		fmt.Fprintf(&b, "> **warning:** %s\n\n", mdEscape(warn))
	}
	b.WriteString("| pattern | target | runtime | role | outcome | killed at | peak RSS | success | goodput | verdict |\n")
	b.WriteString("|---|---|---|---|---|--:|--:|--:|--:|---|\n")
	for i, r := range runs {
		for j, t := range r.Results.Targets {
			v := verdicts[i][j]
			goodput := "-"
			if g := t.Downstream.GoodputRatio; g != nil {
				goodput = fmt.Sprintf("%.2f", *g)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %s |\n",
				mdEscape(r.Results.Scenario), mdEscape(t.Name), mdEscape(t.Runtime), mdEscape(t.Role), mdEscape(t.Outcome), killedAt(v),
				peakCell(v), successCell(v), goodput, v.Class, verdictMark(v)+worry(v))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", mdEscape(gate.Line()))
	_, err := io.WriteString(w, b.String())
	return err
}
