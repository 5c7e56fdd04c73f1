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
	// MaxRate is the search's ceiling, the largest rate it may probe; a
	// target that holds it has an edge of at least MaxRate (default
	// StartRate × 64; the command derives its default from the load
	// generator's ceiling, see DefaultMaxRate).
	MaxRate float64
	// MinRate is the smallest: below it the target is said to hold no
	// rate (default StartRate ÷ 16).
	MinRate float64
	// Resolution ends the bisection once (failed − held) ÷ held is at
	// most this (default 0.1).
	Resolution float64
	// MaxProbes bounds the probes (default 12).
	MaxProbes int
	// BehindRetries is how many more times a rate is probed when the load
	// generator fell behind on it, before the search takes that rate as
	// beyond what the generator offers (0: none; the command's default is
	// DefaultBehindRetries). A shared machine makes a generator fall
	// behind now and then; a second probe tells that from a rate it
	// cannot offer.
	BehindRetries int
}

// Search defaults.
const (
	// confirmRounds bounds the bisect-and-confirm rounds.
	confirmRounds     = 2
	DefaultResolution = 0.1
	DefaultMaxProbes  = 12
	// DefaultBehindRetries: one more probe at a rate the generator fell
	// behind on.
	DefaultBehindRetries = 1
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
	if c.MaxRate < c.StartRate || math.IsNaN(c.MaxRate) {
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
	c.BehindRetries = max(c.BehindRetries, 0)
	return nil
}

// searcher is one search's state: the probes so far, the highest rate
// held (lo) and the lowest failed (hi).
type searcher struct {
	ctx    context.Context
	cfg    SearchConfig
	p      Prober
	e      results.Edge
	lo, hi float64
	// behind is the last generator-bound probe at the rate where the
	// search stopped; nil while the generator kept up.
	behind *results.EdgeProbe
	// behindRuns counts the probes at that rate, all generator-bound.
	behindRuns int
	// budget is true once a probe was wanted but none was left.
	budget bool
	// unjudgedRepeat is a confirmation probe the generator fell behind on.
	unjudgedRepeat *results.EdgeProbe
}

// run probes rate r (rounded to 0.01/s), again up to BehindRetries times
// while the load generator falls behind, and records every probe. done
// is true when the search must stop: the budget is spent (no probe was
// run) or the generator could not offer r (then s.behind is set). The
// returned probe is the last one run.
func (s *searcher) run(r float64, repeat bool) (pr results.EdgeProbe, done bool, err error) {
	r = math.Round(r*100) / 100
	runs := 0
	for runs <= s.cfg.BehindRetries {
		if len(s.e.Probes) >= s.cfg.MaxProbes {
			s.budget = true
			if runs == 0 || repeat {
				return pr, true, nil
			}
			break // the generator fell behind on every probe the budget allowed
		}
		pr, err = s.p.Probe(s.ctx, r)
		if err != nil {
			return pr, true, err
		}
		runs++
		pr.RatePerSecond, pr.Repeat = r, repeat
		s.e.Probes = append(s.e.Probes, pr)
		if !pr.Inconclusive {
			break
		}
	}
	switch {
	case pr.Inconclusive && repeat:
		s.unjudgedRepeat = &pr
	case pr.Inconclusive:
		s.behind, s.behindRuns = &pr, runs
		return pr, true, nil
	case pr.Holds:
		s.lo = max(s.lo, r)
	default:
		s.hi = min(s.hi, r)
	}
	return pr, false, nil
}

// Search finds the highest rate p holds. From StartRate it doubles while
// probes hold (never past MaxRate; the last step is MaxRate itself), or
// halves while they fail (never under MinRate); then it bisects between
// the highest rate held (lo) and the lowest failed (hi), probing
// (lo + hi) ÷ 2, until (hi − lo) ÷ lo ≤ Resolution or MaxProbes are
// spent; then it probes lo once more, and when that fails resumes below
// it (twice at most).
//
// A probe where the load generator fell behind is load-generator bound:
// no evidence either way. The rate is probed again (BehindRetries), and
// if the generator still cannot offer it the search stops there: nothing
// at or above it can be judged. When every rate judged held, the result
// is a lower bound (results.BoundLower): the target holds at least the
// highest rate offered in full, and LimitedBy says whether the load
// generator, the ceiling (MaxRate) or the probe budget stopped the search.
//
// The result holds every probe in the order run; rates are rounded to
// 0.01/s so that a report shows the rate that was run. Only ctx and the
// Prober's errors end it early with an error (the probes so far are
// returned).
func Search(ctx context.Context, cfg SearchConfig, p Prober) (results.Edge, error) {
	if err := cfg.defaults(); err != nil {
		return results.Edge{}, err
	}
	s := &searcher{ctx: ctx, cfg: cfg, p: p, hi: math.Inf(1)}
	err := s.search()
	return s.finish(), err
}

func (s *searcher) search() error {
	cfg := s.cfg
	// Doubling (or halving) phase.
	for r := cfg.StartRate; ; {
		pr, done, err := s.run(r, false)
		if done || err != nil {
			return err
		}
		if pr.Holds {
			if r >= cfg.MaxRate || s.hi < math.Inf(1) {
				break
			}
			r = min(2*r, cfg.MaxRate)
		} else {
			if s.lo > 0 || r/2 < cfg.MinRate {
				break
			}
			r /= 2
		}
	}
	// Bisection, then the edge probed once more; when that second run
	// fails, the edge is the next rate below that held (halving again if
	// none did) and the bisection resumes, at most confirmRounds times.
	for round := 0; round < confirmRounds && s.lo > 0; round++ {
		for !math.IsInf(s.hi, 1) && (s.hi-s.lo)/s.lo > cfg.Resolution {
			if _, done, err := s.run((s.lo+s.hi)/2, false); done || err != nil {
				return err
			}
		}
		pr, done, err := s.run(s.lo, true)
		if done || err != nil || pr.Holds || pr.Inconclusive {
			return err
		}
		s.hi, s.lo = s.lo, 0
		for _, q := range s.e.Probes {
			if q.Holds && q.RatePerSecond < s.hi {
				s.lo = max(s.lo, q.RatePerSecond)
			}
		}
		for r := s.hi / 2; s.lo == 0 && r >= cfg.MinRate; r /= 2 {
			if _, done, err := s.run(r, false); done || err != nil {
				return err
			}
		}
	}
	return nil
}

// finish fills in the edge, what it is (an edge or a lower bound), what
// limited it, and its confidence statement.
func (s *searcher) finish() results.Edge {
	e, lo, hi := s.e, s.lo, s.hi
	e.RatePerSecond = lo
	if !math.IsInf(hi, 1) {
		e.FailedRatePerSecond = hi
	}
	e.AtMax = lo > 0 && lo >= math.Round(s.cfg.MaxRate*100)/100 && math.IsInf(hi, 1)
	switch {
	case lo == 0:
		e.Bound = results.BoundNone
	case math.IsInf(hi, 1):
		e.Bound = results.BoundLower
	default:
		e.Bound = results.BoundEdge
	}
	switch {
	case s.behind != nil:
		e.LimitedBy = results.LimitLoadGenerator
		b := s.behind
		e.Limited = fmt.Sprintf("the load generator could not offer %s/s %s (the last: %.1f requests/s sent, up to %.1f s behind its schedule)",
			rateText(b.RatePerSecond), timesText(s.behindRuns), b.AchievedRatePerSecond, b.MaxLagSeconds)
	case e.AtMax:
		e.LimitedBy = results.LimitCeiling
		e.Limited = fmt.Sprintf("the search's ceiling, %s/s, was reached", rateText(s.cfg.MaxRate))
	case s.budget || e.Bound == results.BoundLower || e.Bound == results.BoundEdge && (hi-lo)/lo > s.cfg.Resolution:
		e.LimitedBy = results.LimitProbeBudget
		e.Limited = fmt.Sprintf("the probe budget (%d) ran out", s.cfg.MaxProbes)
	}
	e.Confidence = s.confidence(e)
	return e
}

// confidence words how far the figure can be trusted: an edge's bracket
// and its width, or what a lower bound is bounded by; the probes it
// rests on, and whether they disagree (a rate held above one that
// failed: noise of the order of the bracket).
func (s *searcher) confidence(e results.Edge) string {
	lo, hi, n := e.RatePerSecond, e.FailedRatePerSecond, len(e.Probes)
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
	var c string
	switch e.Bound {
	case results.BoundNone:
		if len(failed) > 0 {
			c = fmt.Sprintf("held no rate tried: failed down to %s/s (%d probes)", rateText(slices.Min(failed)), n)
		} else {
			c = fmt.Sprintf("no rate could be judged (%d probes)", n)
		}
		if e.LimitedBy == results.LimitLoadGenerator {
			c += "; " + e.Limited
		}
	case results.BoundLower:
		switch e.LimitedBy {
		case results.LimitLoadGenerator:
			c = fmt.Sprintf("holds ≥ %s/s (the highest rate offered in full; the load generator, not the target, limited the search): %s (%d probes)",
				rateText(lo), e.Limited, n)
		case results.LimitCeiling:
			c = fmt.Sprintf("holds ≥ %s/s (the search's ceiling): it held every rate judged (%d probes)", rateText(lo), n)
		default:
			c = fmt.Sprintf("holds ≥ %s/s (the probe budget, %d, ran out below the search's ceiling of %s/s)", rateText(lo), s.cfg.MaxProbes, rateText(s.cfg.MaxRate))
		}
	default:
		w := (hi - lo) / lo
		c = fmt.Sprintf("held %s/s, failed %s/s: the edge lies in [%s, %s)/s, a bracket of %.0f %% (%d probes, one run each)",
			rateText(lo), rateText(hi), rateText(lo), rateText(hi), 100*w, n)
		switch {
		case e.LimitedBy == results.LimitLoadGenerator:
			c += fmt.Sprintf("; the bisection stopped there: %s", e.Limited)
		case w > s.cfg.Resolution:
			c += fmt.Sprintf("; wider than the %.0f %% asked for: the probe budget ran out", 100*s.cfg.Resolution)
		}
	}
	for _, p := range e.Probes {
		if p.Repeat && p.Holds {
			c += fmt.Sprintf("; a second run at %s/s held too", rateText(p.RatePerSecond))
		}
	}
	if k := unjudged(e.Probes); k > 0 && e.LimitedBy != results.LimitLoadGenerator {
		c += fmt.Sprintf("; %d of the %d probes could not be judged (the load generator fell behind on them)", k, n)
	}
	if r := s.unjudgedRepeat; r != nil {
		c += fmt.Sprintf("; the second run at %s/s could not be judged (%s), so the figure rests on one run", rateText(r.RatePerSecond), reasonsText(*r))
	}
	if len(held) > 0 && len(failed) > 0 && slices.Max(held) >= slices.Min(failed) {
		c += fmt.Sprintf("; inconsistent: held %s/s but failed %s/s, so the outcome near the edge varies from run to run over at least that band",
			rateText(slices.Max(held)), rateText(slices.Min(failed)))
	}
	return c
}

// unjudged counts the load-generator bound probes.
func unjudged(ps []results.EdgeProbe) int {
	k := 0
	for _, p := range ps {
		if p.Inconclusive {
			k++
		}
	}
	return k
}

// timesText says over how many probes: "in one run", "in both runs",
// "in all 3 runs".
func timesText(n int) string {
	switch n {
	case 1:
		return "in one run"
	case 2:
		return "in both runs"
	}
	return fmt.Sprintf("in all %d runs", n)
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
