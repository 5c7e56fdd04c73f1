package edge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/oomlab/oomlab/runner/results"
)

// Prober runs one probe at a constant rate and judges it.
type Prober interface {
	Probe(ctx context.Context, ratePerSecond float64) (results.EdgeProbe, error)
}

// ProbeFunc adapts a function to Prober.
type ProbeFunc func(ctx context.Context, ratePerSecond float64) (results.EdgeProbe, error)

// Probe calls f.
func (f ProbeFunc) Probe(ctx context.Context, r float64) (results.EdgeProbe, error) { return f(ctx, r) }

var _ Prober = ProbeFunc(nil)

// SearchConfig bounds a search.
type SearchConfig struct {
	// StartRate is the first rate probed (> 0).
	StartRate float64
	// MaxRate is the largest rate the search may probe; a target that
	// holds it has an edge of at least MaxRate.
	MaxRate float64
	// MinRate is the smallest: below it the target is said to hold no
	// rate (default StartRate ÷ 16).
	MinRate float64
	// Resolution ends the bisection once (failed − held) ÷ held is at
	// most this (default 0.1).
	Resolution float64
	// MaxProbes bounds the probes (default 12).
	MaxProbes int
}

// Search defaults.
const (
	// confirmRounds bounds the bisect-and-confirm rounds.
	confirmRounds     = 2
	DefaultResolution = 0.1
	DefaultMaxProbes  = 12
)

// ErrNoProbes is returned when the configuration leaves no probe to run.
var ErrNoProbes = errors.New("edge: no probe to run")

func (c *SearchConfig) defaults() error {
	if c.StartRate <= 0 || math.IsNaN(c.StartRate) || math.IsInf(c.StartRate, 0) {
		return fmt.Errorf("edge: start rate must be > 0, got %v", c.StartRate)
	}
	if c.MaxRate == 0 {
		c.MaxRate = c.StartRate * 64
	}
	if c.MaxRate < c.StartRate {
		return fmt.Errorf("edge: max rate %v is below the start rate %v", c.MaxRate, c.StartRate)
	}
	if c.MinRate <= 0 {
		c.MinRate = c.StartRate / 16
	}
	if c.Resolution <= 0 {
		c.Resolution = DefaultResolution
	}
	if c.MaxProbes <= 0 {
		c.MaxProbes = DefaultMaxProbes
	}
	return nil
}

// Search finds the highest rate p holds. From StartRate it doubles while
// probes hold (never past MaxRate; the last step is MaxRate itself), or
// halves while they fail (never under MinRate); then it bisects between
// the highest rate held (lo) and the lowest failed (hi), probing
// (lo + hi) ÷ 2, until (hi − lo) ÷ lo ≤ Resolution or MaxProbes are
// spent; then it probes lo once more, and when that fails resumes below
// it (twice at most). An inconclusive probe (the load generator fell behind) stops the
// search: nothing above it can be judged. The result holds every probe in
// the order run; rates are rounded to 0.01/s so that a report shows the
// rate that was run. Only ctx and the Prober's errors end it early with
// an error (the probes so far are returned).
func Search(ctx context.Context, cfg SearchConfig, p Prober) (results.Edge, error) {
	var e results.Edge
	if err := cfg.defaults(); err != nil {
		return e, err
	}
	lo, hi := 0.0, math.Inf(1) // highest held, lowest failed
	probe := func(r float64) (results.EdgeProbe, bool, error) {
		if len(e.Probes) >= cfg.MaxProbes {
			return results.EdgeProbe{}, false, nil
		}
		r = math.Round(r*100) / 100
		pr, err := p.Probe(ctx, r)
		if err != nil {
			return pr, false, err
		}
		pr.RatePerSecond = r
		e.Probes = append(e.Probes, pr)
		switch {
		case pr.Inconclusive:
			e.Limited = fmt.Sprintf("the probe at %s/s could not be judged (%s); the search stopped there", rateText(r), reasonsText(pr))
		case pr.Holds:
			lo = max(lo, r)
		default:
			hi = min(hi, r)
		}
		return pr, true, nil
	}
	// Doubling (or halving) phase.
	r := cfg.StartRate
	for e.Limited == "" {
		pr, ran, err := probe(r)
		if err != nil {
			return finish(e, cfg, lo, hi), err
		}
		if !ran || pr.Inconclusive {
			break
		}
		if pr.Holds {
			if r >= cfg.MaxRate || hi < math.Inf(1) {
				break
			}
			r = min(2*r, cfg.MaxRate)
		} else {
			if lo > 0 || r/2 < cfg.MinRate {
				break
			}
			r /= 2
		}
	}
	// Bisection, then the edge probed once more; when that second run
	// fails, the edge is the next rate below that held (halving again if
	// none did) and the bisection resumes, at most confirmRounds times.
	for round := 0; round < confirmRounds && e.Limited == "" && lo > 0; round++ {
		for e.Limited == "" && !math.IsInf(hi, 1) && (hi-lo)/lo > cfg.Resolution {
			_, ran, err := probe((lo + hi) / 2)
			if err != nil {
				return finish(e, cfg, lo, hi), err
			}
			if !ran {
				return finish(e, cfg, lo, hi), nil
			}
		}
		if e.Limited != "" || len(e.Probes) >= cfg.MaxProbes {
			break
		}
		pr, err := p.Probe(ctx, lo)
		if err != nil {
			return finish(e, cfg, lo, hi), err
		}
		pr.RatePerSecond, pr.Repeat = lo, true
		e.Probes = append(e.Probes, pr)
		if pr.Holds || pr.Inconclusive {
			break
		}
		hi, lo = lo, 0
		for _, q := range e.Probes {
			if q.Holds && q.RatePerSecond < hi {
				lo = max(lo, q.RatePerSecond)
			}
		}
		for r := hi / 2; lo == 0 && r >= cfg.MinRate && e.Limited == ""; r /= 2 {
			if _, ran, err := probe(r); err != nil || !ran {
				return finish(e, cfg, lo, hi), err
			}
		}
	}
	return finish(e, cfg, lo, hi), nil
}

// finish fills in the edge and its confidence statement.
func finish(e results.Edge, cfg SearchConfig, lo, hi float64) results.Edge {
	e.RatePerSecond = lo
	if !math.IsInf(hi, 1) {
		e.FailedRatePerSecond = hi
	}
	e.AtMax = lo > 0 && lo >= math.Round(cfg.MaxRate*100)/100 && math.IsInf(hi, 1)
	e.Confidence = confidence(e, cfg, lo, hi)
	return e
}

// confidence words how far the edge can be trusted: the bracket and its
// width, the probes it rests on, and whether they disagree (a rate held
// above one that failed: noise of the order of the bracket).
func confidence(e results.Edge, cfg SearchConfig, lo, hi float64) string {
	n := len(e.Probes)
	var held, failed []float64
	for _, p := range e.Probes {
		switch {
		case p.Inconclusive:
		case p.Holds:
			held = append(held, p.RatePerSecond)
		default:
			failed = append(failed, p.RatePerSecond)
		}
	}
	var s string
	switch {
	case lo == 0 && len(failed) > 0:
		s = fmt.Sprintf("held no rate tried: failed down to %s/s (%d probes)", rateText(slices.Min(failed)), n)
	case lo == 0:
		s = fmt.Sprintf("no rate could be judged (%d probes)", n)
	case math.IsInf(hi, 1):
		s = fmt.Sprintf("held every rate tried, up to %s/s: the edge is at least that (%d probes)", rateText(lo), n)
		if !e.AtMax && e.Limited == "" {
			s += fmt.Sprintf("; the probe budget ran out below the largest rate allowed (%s/s)", rateText(cfg.MaxRate))
		}
	default:
		w := (hi - lo) / lo
		s = fmt.Sprintf("held %s/s, failed %s/s: the edge lies in [%s, %s)/s, a bracket of %.0f %% (%d probes, one run each)",
			rateText(lo), rateText(hi), rateText(lo), rateText(hi), 100*w, n)
		if w > cfg.Resolution {
			s += fmt.Sprintf("; wider than the %.0f %% asked for: the probe budget ran out", 100*cfg.Resolution)
		}
	}
	for _, p := range e.Probes {
		if p.Repeat && p.Holds {
			s += fmt.Sprintf("; a second run at %s/s held too", rateText(p.RatePerSecond))
		}
	}
	if len(held) > 0 && len(failed) > 0 && slices.Max(held) >= slices.Min(failed) {
		s += fmt.Sprintf("; inconsistent: held %s/s but failed %s/s, so the outcome near the edge varies from run to run over at least that band",
			rateText(slices.Max(held)), rateText(slices.Min(failed)))
	}
	if e.Limited != "" {
		s += "; " + e.Limited
	}
	return s
}

func reasonsText(p results.EdgeProbe) string {
	if len(p.Reasons) == 0 {
		return "no reason given"
	}
	return p.Reasons[0]
}

// rateText writes a rate with at most two decimals: "10", "10.5", "10.63".
func rateText(r float64) string {
	return strconv.FormatFloat(math.Round(r*100)/100, 'f', -1, 64)
}
