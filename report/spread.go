package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
)

// SpreadFile is the Markdown spread table a merge (and run --repeat)
// writes when some scenario has more than one run.
const SpreadFile = "spread.md"

// spreadCells is one row's cells as both tables show them: the scenario,
// target and pass count only on a target's first row.
type spreadCells struct {
	scenario, target, runs, passed, figure, min, median, max, merged string
}

// spreadTable turns rows (judge.Spread) into cells; text escapes each
// name for its output.
func spreadTable(rows []judge.SpreadRow, text func(string) string) []spreadCells {
	var out []spreadCells
	for i, r := range rows {
		c := spreadCells{figure: r.Figure, min: "-", median: "-", max: "-", merged: ""}
		if i == 0 || rows[i-1].Scenario != r.Scenario || rows[i-1].Target != r.Target {
			c.scenario, c.target = text(r.Scenario), text(r.Target)
			c.runs, c.passed = fmt.Sprint(r.Runs), r.PassText()
		}
		switch {
		case r.Counts != nil:
			c.min, c.max = "", ""
			parts := make([]string, len(r.Counts))
			for j, n := range r.Counts {
				parts[j] = fmt.Sprintf("%s ×%d", text(n.Value), n.N)
			}
			c.median = strings.Join(parts, ", ")
		case r.Have > 0:
			c.min, c.median, c.max = spreadValue(r.Figure, r.Min), spreadValue(r.Figure, r.Median), spreadValue(r.Figure, r.Max)
			if r.Have < r.Runs {
				c.median += fmt.Sprintf(" (%d of %d runs)", r.Have, r.Runs)
			}
		}
		if r.Figure == judge.SpreadTimeToLimit && r.Have == 0 {
			c.median = "never"
		}
		if r.Figure == judge.SpreadP95 {
			c.merged = "-"
			if r.MergedP95Ms != nil {
				c.merged = format.Ms(*r.MergedP95Ms)
			}
		}
		out = append(out, c)
	}
	return out
}

// spreadValue writes a figure's value in its unit.
func spreadValue(figure string, v float64) string {
	switch figure {
	case judge.SpreadPeakRSS:
		return format.MiB(v)
	case judge.SpreadSlope:
		return format.Slope(v)
	case judge.SpreadTimeToLimit:
		return fmt.Sprintf("%.1f s", v)
	case judge.SpreadP95:
		return format.Ms(v)
	case judge.SpreadGoodput, judge.SpreadShed, judge.SpreadSuccess:
		return format.Percent(v)
	}
	return fmt.Sprintf("%g", v)
}

// spreadFootnote says what the merged column is.
const spreadFootnote = "merged p95: the last stage's p95 of every run's latencies together, from their t-digests (not an average of the runs' p95s)"

// WriteSpread writes the spread rows (judge.Spread) as an aligned text
// table for the terminal: per scenario and target, the runs, how many
// passed, and per gated figure its min, median and max (outcome and
// class: how many runs ended each way). Errors writing to w are ignored,
// as fmt.Fprint's are.
func WriteSpread(w io.Writer, rows []judge.SpreadRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tTARGET\tRUNS\tPASSED\tFIGURE\tMIN\tMEDIAN\tMAX\tMERGED P95\t")
	for _, c := range spreadTable(rows, format.TermText) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.scenario, c.target, c.runs, c.passed, c.figure, c.min, c.median, c.max, c.merged)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", spreadFootnote)
}

// WriteSpreadMarkdown writes the spread rows as spread.md: a heading,
// the table WriteSpread prints, and what the merged p95 is.
func WriteSpreadMarkdown(w io.Writer, rows []judge.SpreadRow) error {
	var b strings.Builder
	b.WriteString("## oomlab: spread over repeated runs\n\n")
	b.WriteString("| scenario | target | runs | passed | figure | min | median | max | merged p95 |\n")
	b.WriteString("|---|---|--:|---|---|--:|--:|--:|--:|\n")
	for _, c := range spreadTable(rows, format.MarkdownText) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c.scenario, c.target, c.runs, c.passed, c.figure, c.min, c.median, c.max, c.merged)
	}
	fmt.Fprintf(&b, "\n%s\n", format.MarkdownText(spreadFootnote))
	_, err := io.WriteString(w, b.String())
	return err
}
