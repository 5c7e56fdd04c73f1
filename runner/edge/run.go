package edge

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
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
		BodyBytes: largestBody(sc.Load.Kinds()), Criteria: cfg.Criteria, ProbeSeconds: d.Seconds(), Targets: []results.Edge{}}
	if cfg.Search.MaxRate == 0 {
		cfg.Search.MaxRate, out.MaxRateSource = DefaultMaxRate(cfg.Search.StartRate, out.BodyBytes)
	} else {
		out.MaxRateSource = "given (--max-rate)"
	}
	out.MaxRatePerSecond = cfg.Search.MaxRate
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
		fmt.Fprintf(cfg.Log, "edge        %s (%s): probes of %s from %s/s, ceiling %s/s\n", name, t.Runtime, d, rateText(cfg.Search.StartRate),
			rateText(cfg.Search.MaxRate))
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
		fmt.Fprintf(cfg.Log, "  %s\n  confidence: %s\n", e.Headline(), e.Confidence)
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
// 10/s"; "≥ 16×" when the aware one's figure is a lower bound (it held
// every rate that could be judged); empty unless exactly one naive and
// one aware edge are given.
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
	a, n := aware.RatePerSecond, naive.RatePerSecond
	switch {
	case aware.Kind() == results.BoundNone || a == 0:
		return fmt.Sprintf("the aware one (%s) held no rate that could be judged", aware.Target)
	case naive.Kind() == results.BoundNone || n == 0:
		return fmt.Sprintf("the naive one (%s) held no rate that could be judged; the aware one (%s): %s", naive.Target, aware.Target, aware.Headline())
	case aware.Kind() == results.BoundLower && naive.Kind() == results.BoundLower:
		return fmt.Sprintf("both figures are lower bounds — the aware one (%s) holds ≥ %s/s, the naive one (%s) ≥ %s/s — so no ratio can be told",
			aware.Target, rateText(a), naive.Target, rateText(n))
	case aware.Kind() == results.BoundLower:
		return fmt.Sprintf("the aware one (%s) holds ≥ %s× the load of the naive one (%s): ≥ %s/s (a lower bound: %s) against %s/s",
			aware.Target, ratioText(a/n), naive.Target, rateText(a), aware.LimitedBy.Text(), rateText(n))
	case naive.Kind() == results.BoundLower:
		return fmt.Sprintf("the aware one (%s) holds %s/s, the naive one (%s) ≥ %s/s (a lower bound: %s): the aware one holds under %s× its load",
			aware.Target, rateText(a), naive.Target, rateText(n), naive.LimitedBy.Text(), ratioText(aware.FailedRatePerSecond/n))
	}
	return fmt.Sprintf("the aware one (%s) holds %s× the load of the naive one (%s): %s/s against %s/s", aware.Target,
		ratioText(a/n), naive.Target, rateText(a), rateText(n))
}

// ratioText writes a ratio to one decimal: "16", "15.1".
func ratioText(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// ProbeLine is one probe in two lines (a third for the first reason, if
// any), each within 78 columns so that with the log's indent of two it
// fits 80, and with every figure named in full ("time to limit", not
// "ttl"):
//
//	12.5/s  fails  slope +2.41 MiB/s, time to limit 90 s, success 100%
//	        goodput 0.98, p95 5200 ms, peak RSS 81 MiB
//	        — RSS climbs
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
	const cont = "\n           "
	s := fmt.Sprintf("%7s/s  %s  slope %+.2f MiB/s, time to limit %s, success %.0f%%"+cont+"goodput %s, p95 %.0f ms, peak RSS %.0f MiB",
		rateText(p.RatePerSecond), verdict, p.SlopeMiBPerSec, ttl, 100*p.SuccessRatio, goodput, p.P95Ms, float64(p.RSSPeakBytes)/(1<<20))
	if len(p.Reasons) > 0 {
		s += cont + "— " + p.Reasons[0]
	}
	return s
}

// largestBody is the largest generated body of the load's kinds: the
// ceiling of the search follows the heaviest request a mix sends.
func largestBody(kinds []scenarios.RequestKind) int64 {
	var n int64
	for _, k := range kinds {
		n = max(n, int64(k.Body.Size))
	}
	return n
}
