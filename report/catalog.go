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
// the downstream's goodput ratio — followed by the gate's verdict. runs
// are the patterns' saved runs, judged here; it returns the gate.
func WriteCatalog(w io.Writer, runs []*saved.Run) (bool, error) {
	var b strings.Builder
	var all []judge.Verdict
	b.WriteString("| pattern | target | runtime | role | outcome | killed at | peak RSS | success | goodput | verdict |\n")
	b.WriteString("|---|---|---|---|---|--:|--:|--:|--:|---|\n")
	for _, r := range runs {
		verdicts := judge.Judge(r)
		all = append(all, verdicts...)
		for j, t := range r.Results.Targets {
			v := verdicts[j]
			goodput := "-"
			if g := t.Downstream.GoodputRatio; g != nil {
				goodput = fmt.Sprintf("%.2f", *g)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %s |\n",
				format.MarkdownText(r.Results.Scenario), format.MarkdownText(t.Name), format.MarkdownText(t.Runtime), format.MarkdownText(t.Role), format.MarkdownText(t.Outcome), killedAt(v),
				format.MiB(v.PeakRSSMiB), format.Percent(v.SuccessRatio), goodput, v.Class, passIcon(v.Pass)+judge.Worry(v))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", gateLine(all))
	_, err := io.WriteString(w, b.String())
	return judge.Gate(all), err
}
