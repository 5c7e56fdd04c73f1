package edge

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Config is one `oomlab edge` run.
type Config struct {
	// Scenario gives the targets, the request, the memory limit and the
	// downstream (its steady phase, see SteadyPhase).
	Scenario *scenarios.Scenario
	// Targets are searched one after another, in this order.
	Targets  []string
	Criteria results.EdgeCriteria
	Search   SearchConfig
	// ProbeDuration is each probe's load (default DefaultProbeDuration).
	ProbeDuration time.Duration
	// Dir receives one folder per target, one per probe inside it.
	Dir string
	// Options is the template of every probe's runner.Run.
	Options runner.Options
	// Log receives one line per probe (nil: discarded).
	Log io.Writer
}

// Run searches the edge of every target and returns the findings; with
// an error (ctx ended, the harness failed) what was found so far.
func Run(ctx context.Context, cfg Config) (*results.EdgeRun, error) {
	sc := cfg.Scenario
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	d := cfg.ProbeDuration
	if d <= 0 {
		d = DefaultProbeDuration
	}
	out := &results.EdgeRun{Schema: results.EdgeSchema, Scenario: sc.Name, MemoryLimitBytes: int64(sc.MemoryLimit),
		BodyBytes: int64(sc.Load.Request.Body.Size), Criteria: cfg.Criteria, ProbeSeconds: d.Seconds(), Targets: []results.Edge{}}
	if ph, ok := SteadyPhase(sc); ok {
		out.Phase = results.PhaseSpan{Name: ph.Name, EndSeconds: d.Seconds(), LatencySeconds: ph.Latency.Seconds(),
			ReadBandwidthBytesPerSecond: int64(ph.ReadBandwidth), Capacity: ph.Capacity, ErrorRate: ph.ErrorRate, Stall: ph.Stall}
		out.LittleRatePerSecond = LittleRate(ph, out.BodyBytes)
	}
	for _, name := range cfg.Targets {
		if _, err := ProbeScenario(sc, name, 1, d); err != nil {
			return out, err
		}
	}
	for _, name := range cfg.Targets {
		var t scenarios.Target
		for _, st := range sc.Targets {
			if st.Name == name {
				t = st
			}
		}
		fmt.Fprintf(cfg.Log, "edge        %s (%s): probes of %s from %s/s\n", name, t.Runtime, d, rateText(cfg.Search.StartRate))
		r := &Runner{Scenario: sc, Target: name, Criteria: cfg.Criteria, Duration: d, Dir: filepath.Join(cfg.Dir, name), Options: cfg.Options,
			OnProbe: func(p results.EdgeProbe) { fmt.Fprintln(cfg.Log, "  "+ProbeLine(p)) }}
		start := time.Now()
		e, err := Search(ctx, cfg.Search, r)
		e.Target, e.Role, e.Runtime = name, t.Role, t.Runtime
		e.Seconds = time.Since(start).Seconds()
		for i := range e.Probes {
			e.Probes[i].Dir = name + "/" + e.Probes[i].Dir
		}
		out.Targets = append(out.Targets, e)
		if r.limitMode != "" {
			out.LimitMode = r.limitMode
		}
		fmt.Fprintf(cfg.Log, "  edge %s/s: %s\n", rateText(e.RatePerSecond), e.Confidence)
		if err != nil {
			return out, err
		}
	}
	out.Comparison = Compare(out.Targets)
	return out, nil
}

// LittleRate is the highest rate the downstream phase can complete, by
// Little's law (L = λW): its slots (capacity) over the time each request
// holds one, W = latency + body ÷ read bandwidth, so λ = capacity ÷ W.
// 0 when the phase has no capacity (no bound) or W is 0.
func LittleRate(ph scenarios.Phase, bodyBytes int64) float64 {
	if ph.Capacity <= 0 {
		return 0
	}
	w := ph.Latency.Seconds()
	if ph.ReadBandwidth > 0 {
		w += float64(bodyBytes) / float64(ph.ReadBandwidth)
	}
	if w <= 0 {
		return 0
	}
	return float64(ph.Capacity) / w
}

// Compare words a naive/aware pair's edges: "the aware one (upload-aware)
// holds 6.4× the load of the naive one (upload-naive): 64/s against
// 10/s"; empty unless exactly one naive and one aware edge are given.
func Compare(edges []results.Edge) string {
	var naive, aware *results.Edge
	for i := range edges {
		switch e := &edges[i]; e.Role {
		case "naive":
			if naive != nil {
				return ""
			}
			naive = e
		case "aware":
			if aware != nil {
				return ""
			}
			aware = e
		}
	}
	if naive == nil || aware == nil {
		return ""
	}
	at := ""
	if aware.AtMax || aware.FailedRatePerSecond == 0 {
		at = "at least "
	}
	switch {
	case aware.RatePerSecond == 0:
		return fmt.Sprintf("the aware one (%s) held no rate tried", aware.Target)
	case naive.RatePerSecond == 0:
		return fmt.Sprintf("the aware one (%s) holds %s%s/s; the naive one (%s) held no rate tried", aware.Target, at,
			rateText(aware.RatePerSecond), naive.Target)
	}
	return fmt.Sprintf("the aware one (%s) holds %s%.1f× the load of the naive one (%s): %s/s against %s/s", aware.Target, at,
		aware.RatePerSecond/naive.RatePerSecond, naive.Target, rateText(aware.RatePerSecond), rateText(naive.RatePerSecond))
}

// ProbeLine is one probe in a line: "12.5/s  fails  slope +2.41 MiB/s
// ttl 90 s  success 100 %  goodput 0.98  p95 5.2 s  RSS 81 MiB — RSS climbs".
func ProbeLine(p results.EdgeProbe) string {
	verdict := "holds"
	switch {
	case p.Inconclusive:
		verdict = "n/a  "
	case !p.Holds:
		verdict = "fails"
	}
	ttl := "-"
	if p.TimeToLimitSeconds >= 0 {
		ttl = fmt.Sprintf("%.0f s", p.TimeToLimitSeconds)
	}
	goodput := "-"
	if p.GoodputRatio != nil {
		goodput = fmt.Sprintf("%.2f", *p.GoodputRatio)
	}
	s := fmt.Sprintf("%7s/s  %s  slope %+.2f MiB/s  ttl %-6s  success %3.0f %%  goodput %s  p95 %6.0f ms  peak RSS %.0f MiB",
		rateText(p.RatePerSecond), verdict, p.SlopeMiBPerSec, ttl, 100*p.SuccessRatio, goodput, p.P95Ms, float64(p.RSSPeakBytes)/(1<<20))
	if len(p.Reasons) > 0 {
		s += " — " + p.Reasons[0]
	}
	return s
}
