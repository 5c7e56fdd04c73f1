package runner

import (
	"fmt"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// fastStreak is how many evaluations in a row, one a second, must find a
// target's memory flat before --fast ends its load: one quiet second
// between two steps is not enough (the twin of failFastStreak).
const fastStreak = 3

// fastMinSeconds and fastMinSamples: the settled window --fast judges
// must span this long and hold this many samples, more than the verdict
// needs to class a curve at all (curve.MinSettledSeconds,
// curve.MinSettledSamples): a load is not cut on the least evidence the
// verdict would take.
const (
	fastMinSeconds = 3.0
	fastMinSamples = 20
)

// fastMaxLimitShare: --fast ends no load whose memory came within this
// share of the limit since the top stage began; near the limit a small
// late rise would still kill, and that is for the full load to show.
const fastMaxLimitShare = 0.75

// fastMinGainSeconds: a stop less than this before the load's end gains
// nothing worth a line in the verdict; the load runs out.
const fastMinGainSeconds = 1.0

// fastMaxSamples bounds the samples the rule keeps (from the top stage's
// start; 10 minutes at the usual 100 ms): a top stage longer than that
// many samples is not judged by --fast, and runs out. Each sample copies
// the kept ones (see observe), so the bound also bounds that work.
const fastMaxSamples = 6_000

// fastStop decides when a target's load may end early because its memory
// is flat beyond doubt (Options.Fast). The rule, evaluated once a second:
//
//   - the top stage (the load's last) has begun, and every downstream
//     phase that starts before the load's end has begun: a rate or phase
//     change still to come can make memory climb;
//   - the last span (curve.Spans: the top stage, or its part after the
//     last phase change) has a settled window (curve.Curve.Settle: the
//     verdict's settling, 25 % of the span, at least 2 s) of at least
//     fastMinSeconds and fastMinSamples, and over it the slope's upper
//     bound β + 2·SE' is below the growth threshold
//     (curve.Rule.FlatWindow, the rule the verdict classes bounded by);
//   - memory stayed under fastMaxLimitShare of the limit since the top
//     stage began, and the target neither died nor was killed;
//
// for fastStreak evaluations in a row. It fits RSS, the curve the
// verdict classes (samples.csv's rss_bytes), so the verdict later judges
// the same window of the same samples and finds it flat too. It keeps the
// samples from the top stage's start only, at most fastMaxSamples. Not
// safe for concurrent use; decide calls it, on a copy, from the target's
// sampling loop.
type fastStop struct {
	act      bool // may end the load (Options.Fast)
	limit    int64
	stages   []results.StageSpan
	phases   []results.PhaseSpan
	endsAt   float64 // the load's end, seconds since its start
	from     float64 // the top stage's start
	ts, mib  []float64
	maxMem   int64 // the largest memory in use since from
	lastEval float64
	streak   int
	spoiled  bool // a death, a kill or too many samples: never stops
}

// newFastStop returns the rule for a load of the given stages and
// downstream phases under limit; act says whether it may end the load.
// Without stages it never stops.
func newFastStop(limit int64, stages []results.StageSpan, phases []results.PhaseSpan, act bool) *fastStop {
	f := &fastStop{act: act, limit: limit, stages: stages, phases: phases, lastEval: -1, spoiled: len(stages) == 0}
	if len(stages) > 0 {
		top := stages[len(stages)-1]
		f.from, f.endsAt = top.StartSeconds, top.EndSeconds
	}
	return f
}

// spoil tells the rule that the target died or a kill was asked for it:
// it never ends the load from then on.
func (f *fastStop) spoil() { f.spoiled, f.streak = true, 0 }

// miss tells the rule that a sample was not of the live target: the
// streak starts again.
func (f *fastStop) miss() { f.streak = 0 }

// observe adds a sample of the live target at t seconds since the load's
// start: its RSS and the memory in use (the larger of RSS and the
// cgroup's usage). Once a second it judges the window; it returns the
// early stop and true when fastStreak judgements in a row found the
// memory flat.
func (f *fastStop) observe(t float64, rssBytes, memBytes int64) (results.EarlyStop, bool) {
	if f.spoiled || t < f.from || rssBytes <= 0 {
		return results.EarlyStop{}, false
	}
	if len(f.ts) >= fastMaxSamples {
		f.spoil()
		return results.EarlyStop{}, false
	}
	// Appending to slices cut to their length copies them: observe never
	// writes into an array that a copy of the rule (decide passes it by
	// value) still reads.
	f.ts = append(f.ts[:len(f.ts):len(f.ts)], t)
	f.mib = append(f.mib[:len(f.mib):len(f.mib)], float64(rssBytes)/(1<<20))
	f.maxMem = max(f.maxMem, memBytes, rssBytes)
	if t-f.lastEval < 1 {
		return results.EarlyStop{}, false
	}
	f.lastEval = t
	es, flat := f.judge(t)
	if !flat {
		f.streak = 0
		return es, false
	}
	f.streak++
	return es, f.streak >= fastStreak
}

// judge applies the rule to the samples so far, t being the latest.
func (f *fastStop) judge(t float64) (results.EarlyStop, bool) {
	if f.endsAt-t < fastMinGainSeconds || float64(f.maxMem) > fastMaxLimitShare*float64(f.limit) {
		return results.EarlyStop{}, false
	}
	for _, ph := range f.phases {
		if ph.StartSeconds > t && ph.StartSeconds < f.endsAt {
			return results.EarlyStop{}, false // a phase change to come
		}
	}
	w := curve.Curve{T: f.ts, MiB: f.mib}.Settle(f.stages, f.phases).Last()
	if w.Span.Whole || w.Span.Stage != len(f.stages)-1 || w.Fit.N < fastMinSamples || w.Fit.Span() < fastMinSeconds {
		return results.EarlyStop{}, false
	}
	rule := curve.DefaultRule()
	if !rule.FlatWindow(w) {
		return results.EarlyStop{}, false
	}
	return results.EarlyStop{
		AtSeconds: t, LoadSeconds: f.endsAt, FromSeconds: w.Fit.Start,
		SlopeBytesPerSecond: w.Fit.Slope * (1 << 20), SlopeUpperBytesPerSecond: w.Fit.Upper() * (1 << 20),
		Reason: fmt.Sprintf("memory flat: RSS slope %+.2f MiB/s, upper bound %+.2f < %.1f MiB/s over %.1f-%.1f s (%d samples), %d checks in a row",
			w.Fit.Slope, w.Fit.Upper(), rule.GrowthSlopeMiBPerSec, w.Fit.Start, w.Fit.End, w.Fit.N, fastStreak),
	}, true
}

// fastDetail is the log line of an early stop.
func fastDetail(es results.EarlyStop) string {
	return fmt.Sprintf("fast: %s: load ended at %.1f s of %.0f s", es.Reason, es.AtSeconds, es.LoadSeconds)
}
