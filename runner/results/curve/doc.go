// Package curve judges a memory curve, once, for every part of oomlab
// that judges one: the verdict's class and time to limit (report), the
// --fail-fast forecast (runner) and the edge search's memory criterion
// (runner/edge).
//
// It holds the one least-squares line fit of the project (Line: slope,
// intercept, R², the slope's standard error plain and widened for
// autocorrelated residuals), the settling windows a class rests on
// (Curve.Settle), the growing/bounded rule and its thresholds (Rule,
// Decide), and the time-to-limit forecast (ForecastLimit). Each
// threshold is a named constant written once, here, next to the rule
// that uses it.
//
// Its input is plain: sample times and values as float64 slices, and the
// stage and phase spans of runner/results. It imports nothing of oomlab
// but runner/results (whose Forecast it fills in), never gonum/plot, and
// nothing that starts processes, reads files or reads the clock, so the
// runner and the report, which both import it, judge a curve alike.
package curve
