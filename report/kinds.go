package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
)

// The figures of a request kind, one cell each, shared by the terminal,
// summary.md and report.html: the same words and units in every output.

// kindHeads are the column heads of a per-kind table, in the order of
// kindCells.
var kindHeads = []string{"kind", "rate", "success", "shed", "errors", "p50", "p95", "p99", "delivered"}

// kindCells are one kind's cells, in the order of kindHeads. A kind that
// sent nothing shows "-" for what it could not measure, never a 0 that
// reads as a success.
func kindCells(k judge.Kind) []string {
	if k.Requests == 0 {
		return []string{k.Name, kindRate(k.RatePerSecond), "-", "-", "-", "-", "-", "-", "-"}
	}
	return []string{k.Name, kindRate(k.RatePerSecond), format.Percent(k.SuccessRatio), format.Percent(k.ShedRatio),
		format.Percent(k.ErrorRatio), kindMs(k.P50Ms), kindMs(k.P95Ms), kindMs(k.P99Ms), delivered(k)}
}

// kindRate writes a kind's rate: "9.5/s".
func kindRate(r float64) string { return fmt.Sprintf("%.1f/s", r) }

// kindMs is a latency, "-" when no request of the kind finished.
func kindMs(ms float64) string {
	if ms <= 0 {
		return "-"
	}
	return format.Ms(ms)
}

// delivered is the answer bytes the kind's clients read: "1.2 MiB".
func delivered(k judge.Kind) string { return humanize.IBytes(k.BytesIn) }

// deliveredRate is the same per second of load: "31 KiB/s".
func deliveredRate(k judge.Kind) string {
	if k.Requests == 0 {
		return "-"
	}
	return humanize.IBytes(uint64(max(k.DownloadBytesPerSecond, 0))) + "/s"
}

// terminalKinds writes, for each target with kinds, its per-kind block
// under the table: a few rows within 80 columns rather than more columns
// on every target's row. w is Terminal's, which escapes control
// characters.
func terminalKinds(w io.Writer, verdicts []judge.Verdict) {
	for _, v := range verdicts {
		if len(v.Kinds) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s by request kind:\n", v.Target)
		heads := make([]string, len(kindHeads))
		for i, h := range kindHeads {
			heads[i] = strings.ToUpper(h)
		}
		rows := make([][]string, 0, len(v.Kinds))
		for _, k := range v.Kinds {
			rows = append(rows, kindCells(k))
		}
		writeFitTable(w, TermColumns, "  ", heads, rows)
	}
}

// markdownKinds writes a target's per-kind table for summary.md, nothing
// for a target without kinds.
func markdownKinds(b *strings.Builder, v judge.Verdict) {
	if len(v.Kinds) == 0 {
		return
	}
	b.WriteString("\n| " + strings.Join(kindHeads, " | ") + " | delivered/s |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, k := range v.Kinds {
		cells := kindCells(k)
		cells[0] = format.MarkdownText(cells[0])
		fmt.Fprintf(b, "| %s | %s |\n", strings.Join(cells, " | "), deliveredRate(k))
	}
}

// kindLine is one kind's figures in a line of plain text, for JUnit's
// system-out: "kind upload: 9.5/s, success 26.3%, shed 73.7%, errors
// 0%, p50 1.5 s, p95 2.8 s, p99 3.6 s, delivered 1.2 KiB".
func kindLine(k judge.Kind) string {
	cells := kindCells(k)
	parts := make([]string, 0, len(cells)-1)
	for i := 2; i < len(cells); i++ {
		parts = append(parts, kindHeads[i]+" "+cells[i])
	}
	return fmt.Sprintf("kind %s: %s, %s", k.Name, cells[1], strings.Join(parts, ", "))
}
