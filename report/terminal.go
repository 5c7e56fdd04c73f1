package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
)

// Terminal writes the plain-text summary printed at the end of a run: an
// aligned table (target, outcome, killed at, peak RSS, GC, success, p95 of
// the last stage, verdict), then each verdict's symptoms, checks and
// advice, then the run's notes and the gate. verdicts are Judge(run)'s
// (or Files.Verdicts). Errors writing to w are ignored, as fmt.Fprint's are.
func Terminal(w io.Writer, run *saved.Run, verdicts []judge.Verdict) {
	w = format.TermWriter{W: w}
	res := run.Results
	head := res.Scenario
	if b := res.MemoryLimitBytes; b > 0 {
		head += " — " + format.Limit(b, res.LimitMode) + " limit"
	}
	fmt.Fprintf(w, "%s\n\n", head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tOUTCOME\tKILLED AT\tPEAK RSS\tGC/s\tSUCCESS\tSHED\tGOODPUT\tP95 LAST\tVERDICT\t")
	for _, v := range verdicts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", v.Target, v.Outcome, killedAt(v), format.MiB(v.PeakRSSMiB),
			gcMax(v), format.Percent(v.SuccessRatio), format.Percent(v.ShedRatio), goodput(v), p95Last(v), v.Class+" "+passWord(v.Pass)+judge.Worry(v))
	}
	tw.Flush()
	for _, v := range verdicts {
		fmt.Fprintf(w, "\n%s: %s%s\n", v.Target, cmp.Or(v.Story, v.Class), limitNote(v))
		for _, s := range v.Symptoms {
			fmt.Fprintf(w, "  - %s\n", s)
		}
		for _, c := range v.Expectations {
			fmt.Fprintf(w, "  %s\n", c.Text)
		}
		if v.Recommendation != "" && v.Class != judge.ClassBounded {
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
		fmt.Fprintf(w, "\noomlab itself: peak RSS %s, mean %s\n", format.MiB(float64(h.RSSPeakBytes)/format.BytesPerMiB), format.MiB(float64(h.RSSMeanBytes)/format.BytesPerMiB))
	}
	fmt.Fprintf(w, "\n%s\n", gateLine(verdicts))
}

// goodput writes the downstream's goodput ratio as a percentage, "-"
// when no phase had a capacity: the same format as success and shed.
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

func passWord(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// gateLine is the last line: "expectations: PASS (5 checks)", "…: FAIL
// (1 of 5 checks failed)" or "…: NOTHING TO JUDGE (why)".
func gateLine(verdicts []judge.Verdict) string {
	var n, failed int
	for _, v := range verdicts {
		for _, c := range v.Expectations {
			n++
			if !c.Pass {
				failed++
			}
		}
	}
	switch st, reason := judge.GateOf(verdicts); st {
	case judge.GateFail:
		return fmt.Sprintf("expectations: FAIL (%d of %d checks failed)", failed, n)
	case judge.GateNothing:
		return fmt.Sprintf("expectations: NOTHING TO JUDGE (%s)", reason)
	}
	return fmt.Sprintf("expectations: PASS (%d checks)", n)
}
