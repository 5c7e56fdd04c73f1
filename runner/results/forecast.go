package results

import "math"

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

// Forecast is when a target's memory is expected to reach the limit, from
// a straight line fitted to its most recent samples. Times are seconds
// since the load's start.
type Forecast struct {
	// AtSeconds is when the fitted line reaches the limit.
	AtSeconds float64 `json:"at_seconds"`
	// EarliestSeconds is the crossing at the slope ForecastZ standard
	// errors above the estimate.
	EarliestSeconds float64 `json:"earliest_seconds"`
	// LatestSeconds is the crossing at the slope ForecastZ standard errors
	// below the estimate; null when that slope is not positive (the fit
	// cannot rule out a flat curve).
	LatestSeconds *float64 `json:"latest_seconds"`
	// SlopeBytesPerSecond is the fitted slope, SlopeStdErrBytesPerSecond
	// its standard error.
	SlopeBytesPerSecond       float64 `json:"slope_bytes_per_second"`
	SlopeStdErrBytesPerSecond float64 `json:"slope_stderr_bytes_per_second"`
	// FromSeconds and ToSeconds bound the samples fitted.
	FromSeconds float64 `json:"from_seconds"`
	ToSeconds   float64 `json:"to_seconds"`
	Samples     int     `json:"samples"`
	// LimitBytes is the limit forecast.
	LimitBytes int64 `json:"limit_bytes"`
	// CutShort is true when --fail-fast ended the target's load on this
	// forecast.
	CutShort bool `json:"cut_short"`
}

// Confident reports whether even the latest crossing comes by
// deadlineSeconds: the limit will be reached within it unless the curve
// bends down.
func (f Forecast) Confident(deadlineSeconds float64) bool {
	return f.LatestSeconds != nil && *f.LatestSeconds <= deadlineSeconds
}

// Line is a straight line y = Intercept + Slope·x fitted by least squares.
type Line struct {
	Intercept, Slope float64
	// SlopeStdErr is the slope's standard error,
	// √(Σr² ÷ (n−2) ÷ Σ(x−x̄)²) over the residuals r.
	SlopeStdErr float64
	N           int
}

// FitLine fits a line to the points (xs[i], ys[i]) by ordinary least
// squares: Slope = Σ(x−x̄)(y−ȳ) ÷ Σ(x−x̄)², Intercept = ȳ − Slope·x̄. It
// needs at least three points with distinct x; ok is false otherwise or
// when a value is not finite.
func FitLine(xs, ys []float64) (l Line, ok bool) {
	n := min(len(xs), len(ys))
	if n < 3 {
		return Line{}, false
	}
	var mx, my float64
	for i := range n {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy float64
	for i := range n {
		dx := xs[i] - mx
		sxx += dx * dx
		sxy += dx * (ys[i] - my)
	}
	if !(sxx > 0) || math.IsNaN(sxy) || math.IsInf(sxy, 0) {
		return Line{}, false
	}
	l = Line{Slope: sxy / sxx, N: n}
	l.Intercept = my - l.Slope*mx
	var ss float64
	for i := range n {
		r := ys[i] - (l.Intercept + l.Slope*xs[i])
		ss += r * r
	}
	l.SlopeStdErr = math.Sqrt(ss / float64(n-2) / sxx)
	if math.IsNaN(l.SlopeStdErr) || math.IsInf(l.SlopeStdErr, 0) {
		return Line{}, false
	}
	return l, true
}

// ForecastLimit fits the samples (ts in seconds, ys in bytes) that lie in
// the last ForecastWindowSeconds and forecasts when they reach limitBytes.
// From the line's level y₁ at the last sample's time t₁, the crossing at
// slope β is t₁ + (limit − y₁) ÷ β; the latest and earliest crossings use
// β ∓ ForecastZ·SE. ok is false when there are too few samples, the span is
// shorter than ForecastMinSpanSeconds, or the slope is not positive. A
// level already at the limit forecasts the crossing at t₁.
func ForecastLimit(ts, ys []float64, limitBytes int64) (f Forecast, ok bool) {
	n := min(len(ts), len(ys))
	if n == 0 || limitBytes <= 0 {
		return Forecast{}, false
	}
	last := ts[n-1]
	from := n - 1
	for from > 0 && ts[from-1] >= last-ForecastWindowSeconds {
		from--
	}
	xs, vs := ts[from:n], ys[from:n]
	if len(xs) < ForecastMinSamples || last-xs[0] < ForecastMinSpanSeconds {
		return Forecast{}, false
	}
	l, ok := FitLine(xs, vs)
	if !ok || !(l.Slope > 0) {
		return Forecast{}, false
	}
	limit := float64(limitBytes)
	headroom := max(limit-(l.Intercept+l.Slope*last), 0)
	f = Forecast{
		AtSeconds: last + headroom/l.Slope, EarliestSeconds: last + headroom/(l.Slope+ForecastZ*l.SlopeStdErr),
		SlopeBytesPerSecond: l.Slope, SlopeStdErrBytesPerSecond: l.SlopeStdErr,
		FromSeconds: xs[0], ToSeconds: last, Samples: len(xs), LimitBytes: limitBytes,
	}
	if lo := l.Slope - ForecastZ*l.SlopeStdErr; lo > 0 {
		latest := last + headroom/lo
		f.LatestSeconds = &latest
	}
	return f, true
}
