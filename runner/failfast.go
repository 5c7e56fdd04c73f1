package runner

import (
	"fmt"
	"time"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// failFastStreak is how many forecasts in a row, one a second, must agree
// that the limit will be reached before the load's end before --fail-fast
// acts: a single steep second (a warm-up, a burst) is not enough.
const failFastStreak = 3

// failFast decides when a target's load can end early because its memory
// will reach the limit before the load ends anyway (Options.FailFast). It
// keeps the samples of the last forecast window only, so its memory is
// bounded by that window ÷ the sample interval. Not safe for concurrent
// use; decide calls it, on a copy, from the target's sampling loop.
type failFast struct {
	act      bool // end the load (Options.FailFast), or only forecast
	limit    int64
	endsAt   float64 // the load's end, seconds since its start
	ts, ys   []float64
	lastEval float64
	streak   int
}

// newFailFast returns the rule for a load of the given length; act says
// whether it may end the load or only forecasts (for results.json).
func newFailFast(limit int64, load time.Duration, act bool) *failFast {
	return &failFast{act: act, limit: limit, endsAt: load.Seconds(), lastEval: -1}
}

// observe adds the memory in use (the larger of RSS and the cgroup's
// usage) at t seconds since the load's start and, once a second, forecasts
// the crossing with curve.ForecastLimit, the forecast the verdict's time
// to limit makes too. It returns the forecast and true when failFastStreak
// forecasts in a row were confident that the limit will be reached by the
// load's end.
func (f *failFast) observe(t float64, memBytes int64) (results.Forecast, bool) {
	if t < 0 || memBytes <= 0 {
		return results.Forecast{}, false
	}
	// Appending to slices cut to their length copies them: observe never
	// writes into an array that a copy of the rule (decide passes it by
	// value) still reads.
	f.ts, f.ys = append(f.ts[:len(f.ts):len(f.ts)], t), append(f.ys[:len(f.ys):len(f.ys)], float64(memBytes))
	drop := 0
	for drop < len(f.ts) && f.ts[drop] < t-curve.ForecastWindowSeconds {
		drop++
	}
	f.ts, f.ys = f.ts[drop:], f.ys[drop:]
	if t-f.lastEval < 1 {
		return results.Forecast{}, false
	}
	f.lastEval = t
	fc, ok := curve.ForecastLimit(f.ts, f.ys, f.limit)
	if !ok || !fc.Confident(f.endsAt) {
		f.streak = 0
		return fc, false
	}
	f.streak++
	return fc, f.streak >= failFastStreak
}

// keepForecast records, for a target that survived its whole load, the
// last forecast made when its slope was positive beyond doubt (a latest
// crossing exists): how long it would have taken to reach the limit.
func (r *targetRun) keepForecast() {
	if cut, last := r.mon.forecasts(); cut == nil && last != nil && last.LatestSeconds != nil {
		r.res.Forecast = last
	}
}

// finishForecast sets the outcome of a target whose load --fail-fast
// ended; it leaves any other outcome alone.
func (r *targetRun) finishForecast() {
	fc, _ := r.mon.forecasts()
	if fc == nil || len(r.deaths) > 0 {
		return
	}
	r.res.Forecast = fc
	r.res.Outcome = results.OutcomeForecastOOM
	r.res.OutcomeDetail = fmt.Sprintf("load ended early by --fail-fast at %.1f s: memory climbed %.1f ± %.1f MiB/s and was forecast to reach the %s limit at %.0f s (%.0f to %.0f s), before the load's end",
		fc.ToSeconds, fc.SlopeBytesPerSecond/(1<<20), fc.SlopeStdErrBytesPerSecond/(1<<20),
		mib(fc.LimitBytes), fc.AtSeconds, fc.EarliestSeconds, *fc.LatestSeconds)
}
