package results

// Forecast is when a target's memory is expected to reach the limit, from
// a straight line fitted to its most recent samples (computed by
// curve.ForecastLimit, for --fail-fast and the verdict alike). Times are seconds
// since the load's start.
type Forecast struct {
	// AtSeconds is when the fitted line reaches the limit.
	AtSeconds float64 `json:"at_seconds"`
	// EarliestSeconds is the crossing at the slope curve.ForecastZ
	// standard errors above the estimate.
	EarliestSeconds float64 `json:"earliest_seconds"`
	// LatestSeconds is the crossing at the slope curve.ForecastZ standard
	// errors below the estimate; null when that slope is not positive (the fit
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
