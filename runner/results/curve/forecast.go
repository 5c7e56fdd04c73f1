package curve

import "github.com/oomlab/oomlab/runner/results"

// Forecast settings shared by the runner (--fail-fast) and the report
// (the verdict's time to limit), so that both judge a curve alike.
const (
	// ForecastWindowSeconds is how much of the most recent memory curve
	// a forecast fits: long enough to span a few GC cycles, short enough
	// to follow the current load.
	ForecastWindowSeconds = 10.0
	// ForecastMinSpanSeconds is the least span of samples a forecast
	// needs.
	ForecastMinSpanSeconds = 5.0
	// ForecastMinSamples is the least number of samples a forecast needs.
	ForecastMinSamples = 10
	// ForecastZ is how many standard errors the slope is taken below its
	// estimate for the latest crossing (and above it for the earliest):
	// 3 keeps a noisy flat curve from ever looking confidently doomed.
	ForecastZ = 3.0
)

// ForecastLimit fits a line (Line) to the samples (ts in seconds, in
// increasing order; ys in bytes) that lie in the last
// ForecastWindowSeconds and forecasts when they reach limitBytes. From
// the line's level y₁ at the last sample's time t₁, the crossing at slope
// β is
//
//	t = t₁ + (limit − y₁) ÷ β
//
// and the latest and earliest crossings use β ∓ ForecastZ·SE(β), with the
// plain standard error (Fit.StdErr), as the forecast always has; the
// class rule (Decide) uses the widened one. ok is false when there
// are too few samples, the span is shorter than ForecastMinSpanSeconds,
// or the slope is not positive. A level already at the limit forecasts
// the crossing at t₁.
func ForecastLimit(ts, ys []float64, limitBytes int64) (f results.Forecast, ok bool) {
	n := min(len(ts), len(ys))
	if n == 0 || limitBytes <= 0 {
		return results.Forecast{}, false
	}
	last := ts[n-1]
	from := n - 1
	for from > 0 && ts[from-1] >= last-ForecastWindowSeconds {
		from--
	}
	xs, vs := ts[from:n], ys[from:n]
	if len(xs) < ForecastMinSamples || last-xs[0] < ForecastMinSpanSeconds {
		return results.Forecast{}, false
	}
	l, ok := Line(xs, vs)
	if !ok || !(l.Slope > 0) {
		return results.Forecast{}, false
	}
	limit := float64(limitBytes)
	headroom := max(limit-l.At(last), 0)
	f = results.Forecast{
		AtSeconds: last + headroom/l.Slope, EarliestSeconds: last + headroom/(l.Slope+ForecastZ*l.StdErr),
		SlopeBytesPerSecond: l.Slope, SlopeStdErrBytesPerSecond: l.StdErr,
		FromSeconds: xs[0], ToSeconds: last, Samples: len(xs), LimitBytes: limitBytes,
	}
	if lo := l.Slope - ForecastZ*l.StdErr; lo > 0 {
		latest := last + headroom/lo
		f.LatestSeconds = &latest
	}
	return f, true
}
