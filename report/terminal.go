package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/oomlab/oomlab/report/format"

	"github.com/oomlab/oomlab/report/judge"

	"github.com/oomlab/oomlab/report/saved"
)

// terminalHeads are the heads of the end-of-run table, one column each.
// The verdict comes second: when the table wraps by column it stays on
// the first block, beside the target's name.
var terminalHeads = []string{"TARGET", "VERDICT", "OUTCOME", "KILLED AT", "PEAK RSS", "GC/s", "SUCCESS", "SHED", "GOODPUT", "P95 LAST"}

// terminalLegend spells out the table's abbreviations once, under it.
const terminalLegend = "RSS: resident memory; GC/s: garbage collections per second, the busiest stage's; " +
	"SUCCESS: answered 2xx; SHED: turned away on purpose (503, 429); GOODPUT: the share of the downstream's " +
	"capacity kept busy (of slow clients' reading capacity used, without a downstream); " +
	"P95 LAST: the 95th-percentile latency of the last stage."

// Terminal writes the plain-text summary printed at the end of a run: an
// aligned table (target, verdict, outcome, killed at, peak RSS, GC,
// success, shed, goodput, p95 of the last stage), a block per target with a request mix (its
// figures per kind), then each verdict's symptoms, checks and
// advice, then the run's notes and the gate's line and warnings.
// verdicts are Judge(run)'s (or Files.Verdicts), gate the status decided
// from them. Every line fits TermColumns by design: the table wraps by
// column (writeFitTable), the prose between words (writeWrapped); only a
// single word longer than a line (a URL) overflows. Errors writing to w are ignored, as fmt.Fprint's are.
func Terminal(w io.Writer, run *saved.Run, verdicts []judge.Verdict, gate judge.GateStatus) {
	w = format.TermWriter{W: w}
	res := run.Results
	head := res.Scenario
	if b := res.MemoryLimitBytes; b > 0 {
		head += " — " + format.Limit(b, res.LimitMode) + " limit"
	}
	fmt.Fprintf(w, "%s\n\n", head)
	rows := make([][]string, 0, len(verdicts))
	for _, v := range verdicts {
		rows = append(rows, []string{v.Target, v.Class + " " + strings.ToUpper(verdictMark(v)) + judge.Worry(v), v.Outcome,
			killedAt(v), peakCell(v), gcMax(v), successCell(v), format.Percent(v.ShedRatio), goodput(v), p95Last(v)})
	}
	writeFitTable(w, TermColumns, "", terminalHeads, rows)
	io.WriteString(w, "\n")
	writeWrapped(w, TermColumns, "", "", terminalLegend)
	terminalKinds(w, verdicts)
	for _, v := range verdicts {
		io.WriteString(w, "\n")
		writeWrapped(w, TermColumns, v.Target+": ", "  ", cmp.Or(v.Story, v.Class)+limitNote(v))
		for _, s := range v.Symptoms {
			writeWrapped(w, TermColumns, "  - ", "    ", s)
		}
		for _, c := range v.Expectations {
			writeWrapped(w, TermColumns, "  ", "    ", c.Text)
		}
		if v.Recommendation != "" && v.Class != judge.ClassBounded {
			writeWrapped(w, TermColumns, "  → ", "    ", v.Recommendation)
		}
	}
	for _, n := range run.Notes {
		io.WriteString(w, "\n")
		writeWrapped(w, TermColumns, "note: ", "  ", n)
	}
	if res.LimitNote != "" {
		io.WriteString(w, "\n")
		writeWrapped(w, TermColumns, "note: ", "  ", res.LimitNote)
	}
	if h := res.Harness; h.RSSPeakBytes > 0 {
		fmt.Fprintf(w, "\noomlab itself: peak RSS %s, mean %s\n", format.MiB(float64(h.RSSPeakBytes)/format.BytesPerMiB), format.MiB(float64(h.RSSMeanBytes)/format.BytesPerMiB))
	}
	for _, warn := range gate.Warnings {
		io.WriteString(w, "\n")
		writeWrapped(w, TermColumns, "warning: ", "  ", warn)
	}
	io.WriteString(w, "\n")
	writeWrapped(w, TermColumns, "", "  ", gate.Line())
}

// goodput writes the verdict's goodput ratio (the downstream's, or the
// slow clients') as a percentage, "-" when there is none: the same format
// as success and shed.
func goodput(v judge.Verdict) string {
	if v.GoodputRatio == nil {
		return "-"
	}
	return format.Percent(*v.GoodputRatio)
}

// limitNote is ", limit forecast at 73 s (61–95 s)" for a forecast time
// to limit, else empty.
func limitNote(v judge.Verdict) string {
	if v.TimeToLimit == nil || !v.TimeToLimit.Forecast() || strings.Contains(v.Story, "forecast at") {
		return ""
	}
	return ", limit " + judge.DescribeTimeToLimit(*v.TimeToLimit)
}

// peakCell is the peak RSS for a table, "-" when none was measured (a
// target that never ran): never a made-up 0 MiB.
func peakCell(v judge.Verdict) string {
	if v.PeakRSSMiB <= 0 {
		return "-"
	}
	return format.MiB(v.PeakRSSMiB)
}

// successCell is the success ratio for a table, "-" for a target that
// left nothing to judge and succeeded at nothing (no request was sent).
func successCell(v judge.Verdict) string {
	if v.SuccessRatio == 0 && (v.Class == judge.ClassNoData || v.Class == judge.ClassSkipped || v.Class == judge.ClassFailedToStart) {
		return "-"
	}
	return format.Percent(v.SuccessRatio)
}

func killedAt(v judge.Verdict) string {
	if v.KilledAtSeconds == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f s", *v.KilledAtSeconds)
}

func gcMax(v judge.Verdict) string {
	if v.GCPerSecondMax == nil {
		return "n/a"
	}
	return format.RateShort(*v.GCPerSecondMax)
}

func p95Last(v judge.Verdict) string {
	if v.P95LastStageMs <= 0 {
		return "-"
	}
	return format.Ms(v.P95LastStageMs)
}
