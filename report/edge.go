package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/dustin/go-humanize"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
)

// EdgeSummary writes the findings of an edge run for the terminal: per
// target its probes, the edge and its confidence; then the downstream's
// capacity by Little's law and the naive/aware comparison.
func EdgeSummary(w io.Writer, run *results.EdgeRun) {
	fmt.Fprintf(w, "%s — breaking point under the downstream's %s phase, %s limit (%s), probes of %.0f s\n",
		run.Scenario, cmp.Or(run.Phase.Name, "steady"), format.BytesMiB(run.MemoryLimitBytes), cmp.Or(run.LimitMode, "?"), run.ProbeSeconds)
	c := run.Criteria
	fmt.Fprintf(w, "holds = survives, RSS not growing by the verdict's rule (growth threshold %s) and ≥ %.0f s to the limit at its slope, success ≥ %s or downstream goodput ≥ %.2f, p95 ≤ %.3g s\n",
		format.SlopeLimit(c.MaxSlopeMiBPerSec), c.MinTimeToLimitSeconds, format.Percent(c.MinSuccessRatio), c.MinGoodputRatio, c.MaxP95Ms/1000)
	if run.MaxRatePerSecond > 0 {
		fmt.Fprintf(w, "ceiling %s/s — %s\n", strconv.FormatFloat(run.MaxRatePerSecond, 'f', -1, 64), cmp.Or(run.MaxRateSource, "?"))
	}
	fmt.Fprintf(w, "n/a = the load generator could not offer the rate in full: no evidence either way\n\n")
	for _, e := range run.Targets {
		fmt.Fprintf(w, "%s (%s%s): %s\n", e.Target, e.Runtime, roleText(e.Role), e.Headline())
		fmt.Fprintf(w, "  %-9s %-9s %-12s %-9s %-8s %-8s %-9s %-9s\n", "rate/s", "holds", "slope MiB/s", "to limit", "success", "goodput", "p95", "peak RSS")
		for _, p := range e.Probes {
			holds := "yes"
			switch {
			case p.Inconclusive:
				holds = "n/a"
			case !p.Holds:
				holds = "no"
			}
			if p.Repeat {
				holds += " (2nd)"
			}
			ttl, goodput := "-", "-"
			if p.TimeToLimitSeconds >= 0 {
				ttl = fmt.Sprintf("%.0f s", p.TimeToLimitSeconds)
			}
			if p.GoodputRatio != nil {
				goodput = fmt.Sprintf("%.2f", *p.GoodputRatio)
			}
			p95 := "-"
			if !math.IsNaN(p.P95Ms) {
				p95 = format.Ms(p.P95Ms)
			}
			fmt.Fprintf(w, "  %-9s %-9s %-12s %-9s %-8s %-8s %-9s %-9s", strconv.FormatFloat(p.RatePerSecond, 'f', -1, 64), holds,
				format.SlopeBare(p.SlopeMiBPerSec), ttl, format.Percent(p.SuccessRatio), goodput, p95, format.BytesMiB(p.RSSPeakBytes))
			if len(p.Reasons) > 0 {
				fmt.Fprintf(w, "  %s", p.Reasons[0])
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  confidence: %s (%.0f s)\n\n", e.Confidence, e.Seconds)
	}
	if run.LittleRatePerSecond > 0 {
		ph := run.Phase
		fmt.Fprintf(w, "downstream capacity by Little's law: %d slots ÷ (%.3g s latency + %s body ÷ %s/s) = %.2f requests/s\n",
			ph.Capacity, ph.LatencySeconds, format.BytesMiB(run.BodyBytes), humanize.Bytes(uint64(ph.ReadBandwidthBytesPerSecond)), run.LittleRatePerSecond)
	}
	if run.Comparison != "" {
		fmt.Fprintln(w, run.Comparison)
	}
}

func roleText(role string) string {
	if role == "" {
		return ""
	}
	return ", " + role
}
