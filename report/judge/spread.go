package judge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// Spread figures: the gated figures of a baseline (NewBaseline), in the
// order a spread table lists them.
const (
	SpreadOutcome     = "outcome"
	SpreadClass       = "class"
	SpreadPeakRSS     = "peak RSS"
	SpreadSlope       = "RSS slope"
	SpreadTimeToLimit = "time to limit"
	SpreadP95         = "p95 last stage"
	SpreadGoodput     = "goodput"
	SpreadShed        = "shed"
	SpreadSuccess     = "success"
)

// SpreadRow is one gated figure of one target over the K runs of a
// scenario that hold the target (repeats: run --repeat, or runs of the
// same scenario merged from several machines).
type SpreadRow struct {
	Scenario, Target string
	// Figure is one of the Spread constants.
	Figure string
	// Runs is K, the runs of the scenario that hold the target.
	Runs int
	// Counts is, for the outcome and class figures, how many runs ended
	// each way, most frequent first (ties by name); nil for a number.
	Counts []SpreadCount
	// Have is how many runs have the figure (a target that never
	// neared its limit has no time to limit; a load without a
	// downstream capacity or slow clients has no goodput). Min, Median
	// and Max are over those runs, in the figure's unit: MiB, MiB/s,
	// seconds, milliseconds, or a ratio from 0 to 1 (goodput, shed,
	// success). The median of an even count is the mean of the middle
	// two.
	Have             int
	Min, Median, Max float64
	// MergedP95Ms, on the p95 row only, is the last stage's p95 of every
	// run's latencies together: the runs' t-digests merged
	// (results.Quantiles), never an average of their p95s. Nil when a run
	// recorded no digest (made before digests were stored).
	MergedP95Ms *float64
	// Passes is how many of the K runs the target passed: every
	// expectation held. Checked is how many had an expectation to
	// check; a target with none in every run is not checked (Checked 0).
	Passes, Checked int
}

// SpreadCount is how many runs ended with one outcome or class.
type SpreadCount struct {
	Value string
	N     int
}

// spreadKey names one target of one scenario.
type spreadKey struct{ scenario, target string }

// spreadSample is one run's figures of one target.
type spreadSample struct {
	b      BaselineTarget
	v      Verdict
	digest results.Digest
}

// Spread computes, per scenario × target × gated figure, how the figure
// spread over the runs given: runs of one scenario are its repeats
// (verdicts[i] are runs[i]'s, judged once by the caller with Judge).
// Targets and scenarios are listed in the order they first appear in
// runs; a scenario run once still gets its rows (K = 1). The figures are
// the baseline's (NewBaseline), so a spread agrees with what a gate
// compares; the p95 row also carries the last stage's p95 merged from
// the runs' t-digests.
func Spread(runs []*saved.Run, verdicts [][]Verdict) []SpreadRow {
	var order []spreadKey
	samples := map[spreadKey][]spreadSample{}
	for i, r := range runs {
		if i >= len(verdicts) {
			break
		}
		b := NewBaseline(r, verdicts[i])
		for j, bt := range b.Targets {
			if j >= len(r.Results.Targets) {
				break
			}
			k := spreadKey{r.Results.Scenario, bt.Name}
			if _, ok := samples[k]; !ok {
				order = append(order, k)
			}
			var d results.Digest
			if st := lastStageWithRequests(r.Results.Targets[j].Stages); st != nil {
				d = st.LatencyDigest
			}
			samples[k] = append(samples[k], spreadSample{b: bt, v: verdicts[i][j], digest: d})
		}
	}
	var rows []SpreadRow
	for _, k := range order {
		rows = append(rows, spreadRows(k, samples[k])...)
	}
	return rows
}

// spreadRows makes the rows of one target from its runs' samples.
func spreadRows(k spreadKey, ss []spreadSample) []SpreadRow {
	base := SpreadRow{Scenario: k.scenario, Target: k.target, Runs: len(ss)}
	for _, s := range ss {
		if len(s.v.Expectations) > 0 {
			base.Checked++
			if s.v.Pass {
				base.Passes++
			}
		}
	}
	counted := func(fig string, of func(spreadSample) string) SpreadRow {
		r := base
		r.Figure = fig
		n := map[string]int{}
		for _, s := range ss {
			n[of(s)]++
		}
		for v, c := range n {
			r.Counts = append(r.Counts, SpreadCount{Value: v, N: c})
		}
		slices.SortFunc(r.Counts, func(a, b SpreadCount) int {
			if a.N != b.N {
				return b.N - a.N
			}
			return strings.Compare(a.Value, b.Value)
		})
		return r
	}
	number := func(fig string, of func(spreadSample) (float64, bool)) SpreadRow {
		r := base
		r.Figure = fig
		var vs []float64
		for _, s := range ss {
			if v, ok := of(s); ok {
				vs = append(vs, v)
			}
		}
		r.Have = len(vs)
		if len(vs) > 0 {
			slices.Sort(vs)
			r.Min, r.Max = vs[0], vs[len(vs)-1]
			r.Median = vs[len(vs)/2]
			if len(vs)%2 == 0 {
				r.Median = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
			}
		}
		return r
	}
	always := func(of func(BaselineTarget) float64) func(spreadSample) (float64, bool) {
		return func(s spreadSample) (float64, bool) { return of(s.b), true }
	}
	p95 := number(SpreadP95, func(s spreadSample) (float64, bool) { return s.b.P95LastStageMs, s.b.P95LastStageMs > 0 })
	p95.MergedP95Ms = mergedP95(ss)
	return []SpreadRow{
		counted(SpreadOutcome, func(s spreadSample) string { return s.b.Outcome }),
		counted(SpreadClass, func(s spreadSample) string { return s.b.Class }),
		number(SpreadPeakRSS, always(func(b BaselineTarget) float64 { return b.PeakRSSMiB })),
		number(SpreadSlope, always(func(b BaselineTarget) float64 { return b.SlopeMiBPerSec })),
		number(SpreadTimeToLimit, func(s spreadSample) (float64, bool) {
			if s.b.TimeToLimitSeconds == nil {
				return 0, false
			}
			return *s.b.TimeToLimitSeconds, true
		}),
		p95,
		number(SpreadGoodput, func(s spreadSample) (float64, bool) {
			if s.b.GoodputRatio == nil {
				return 0, false
			}
			return *s.b.GoodputRatio, true
		}),
		number(SpreadShed, always(func(b BaselineTarget) float64 { return b.ShedRatio })),
		number(SpreadSuccess, always(func(b BaselineTarget) float64 { return b.SuccessRatio })),
	}
}

// mergedP95 is the p95 of the last stage's latencies of every run
// together, from their t-digests; nil when a run that had requests in
// its last stage recorded no digest (an older run), or a digest is
// damaged (results.Digest.Check), so that a merged figure is never of
// some runs only.
func mergedP95(ss []spreadSample) *float64 {
	var ds []results.Digest
	for _, s := range ss {
		if s.b.P95LastStageMs <= 0 {
			continue // no request finished in the last stage
		}
		if len(s.digest) == 0 || s.digest.Check() != nil {
			return nil
		}
		ds = append(ds, s.digest)
	}
	_, p95, _, ok := results.Quantiles(ds...)
	if !ok {
		return nil
	}
	return &p95
}

// Several reports whether some scenario has more than one run in rows:
// a spread worth showing.
func Several(rows []SpreadRow) bool {
	for _, r := range rows {
		if r.Runs > 1 {
			return true
		}
	}
	return false
}

// PassText says how many runs passed: "3 of 5", or "not checked" when
// no run had an expectation.
func (r SpreadRow) PassText() string {
	if r.Checked == 0 {
		return "not checked"
	}
	s := fmt.Sprintf("%d of %d", r.Passes, r.Runs)
	if r.Checked < r.Runs {
		s += fmt.Sprintf(" (%d checked)", r.Checked)
	}
	return s
}
