package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Terminal writes the plain-text summary printed at the end of a run: an
// aligned table (target, outcome, killed at, peak RSS, GC, success, p95 of
// the last stage, verdict), then each verdict's symptoms, checks and
// advice, then the run's notes and the gate's line and warnings.
// verdicts are Judge(run)'s (or Files.Verdicts), gate the status decided
// from them. Errors writing to w are ignored, as fmt.Fprint's are.
func Terminal(w io.Writer, run *Run, verdicts []Verdict, gate GateStatus) {
	w = termWriter{w}
	res := run.Results
	limit, label := limitMiB([]*Run{run})
	head := res.Scenario
	if limit > 0 {
		head += " — " + strings.TrimPrefix(label, "limit ") + " limit"
	}
	fmt.Fprintf(w, "%s\n\n", head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tOUTCOME\tKILLED AT\tPEAK RSS\tGC/s\tSUCCESS\tSHED\tGOODPUT\tP95 LAST\tVERDICT\t")
	for _, v := range verdicts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", v.Target, v.Outcome, killedAt(v), peakCell(v),
			gcMax(v), successCell(v), formatPercent(v.ShedRatio), goodput(v), p95Last(v), v.Class+" "+strings.ToUpper(verdictMark(v))+worry(v))
	}
	tw.Flush()
	for _, v := range verdicts {
		fmt.Fprintf(w, "\n%s: %s%s\n", v.Target, firstNonEmpty(v.Story, v.Class), limitNote(v))
		for _, s := range v.Symptoms {
			fmt.Fprintf(w, "  - %s\n", s)
		}
		for _, c := range v.Expectations {
			fmt.Fprintf(w, "  %s\n", c.Text)
		}
		if v.Recommendation != "" && v.Class != ClassBounded {
			fmt.Fprintf(w, "  → %s\n", v.Recommendation)
		}
	}
	for _, n := range run.Notes {
		fmt.Fprintf(w, "\nnote: %s\n", n)
	}
	if res.LimitNote != "" {
		fmt.Fprintf(w, "\nnote: %s\n", res.LimitNote)
	}
	if h := res.Harness; h.RSSPeakBytes > 0 {
		fmt.Fprintf(w, "\noomlab itself: peak RSS %s, mean %s\n", formatMiB(float64(h.RSSPeakBytes)/mib), formatMiB(float64(h.RSSMeanBytes)/mib))
	}
	for _, warn := range gate.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", warn)
	}
	fmt.Fprintf(w, "\n%s\n", gate.Line())
}

// goodput writes the downstream's goodput ratio as a percentage, "-"
// when no phase had a capacity: the same format as success and shed.
func goodput(v Verdict) string {
	if v.GoodputRatio == nil {
		return "-"
	}
	return formatPercent(*v.GoodputRatio)
}

// limitNote is ", limit forecast at 73 s (61–95 s)" for a forecast time
// to limit, else empty.
func limitNote(v Verdict) string {
	if v.TimeToLimit == nil || !v.TimeToLimit.Forecast() || strings.Contains(v.Story, "forecast at") {
		return ""
	}
	return ", limit " + describeTimeToLimit(*v.TimeToLimit)
}

// peakCell is the peak RSS for a table, "-" when none was measured (a
// target that never ran): never a made-up 0 MiB.
func peakCell(v Verdict) string {
	if v.PeakRSSMiB <= 0 {
		return "-"
	}
	return formatMiB(v.PeakRSSMiB)
}

// successCell is the success ratio for a table, "-" for a target that
// left nothing to judge and succeeded at nothing (no request was sent).
func successCell(v Verdict) string {
	if v.SuccessRatio == 0 && (v.Class == ClassNoData || v.Class == ClassSkipped || v.Class == ClassFailedToStart) {
		return "-"
	}
	return formatPercent(v.SuccessRatio)
}

func killedAt(v Verdict) string {
	if v.KilledAtSeconds == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f s", *v.KilledAtSeconds)
}

func gcMax(v Verdict) string {
	if v.GCPerSecondMax == nil {
		return "n/a"
	}
	return formatRateShort(*v.GCPerSecondMax)
}

func p95Last(v Verdict) string {
	if v.P95LastStageMs <= 0 {
		return "-"
	}
	return formatMs(v.P95LastStageMs)
}
