package curve

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// LineMinR2 is the R² a line must reach before it is said to describe a
// curve: before the report quotes a slope as a climb among the symptoms,
// and before edge forecasts a probe's time to the limit from it. Below
// it the curve is a collector's saw-tooth or noise around a level, and
// its slope says little.
const LineMinR2 = 0.6

// maxResidualRho caps the lag-1 autocorrelation used to widen the
// slope's standard error (at 0.98 the error is widened 9.9×).
const maxResidualRho = 0.98

// Fit is a straight line y = Intercept + Slope·x fitted by least squares
// to N points whose x run from Start to End.
type Fit struct {
	Intercept, Slope float64
	// R2 = 1 − Σrᵢ² ÷ Σ(yᵢ − ȳ)² over the residuals rᵢ says how well the
	// line describes the points; 0 for flat y, where it is undefined.
	R2 float64
	// StdErr is the slope's standard error for independent residuals,
	// WideStdErr the same widened for their lag-1 autocorrelation Rho
	// (see Line).
	StdErr, WideStdErr float64
	Rho                float64
	N                  int
	Start, End         float64
}

// Span is End − Start: how long the fitted points cover.
func (f Fit) Span() float64 { return f.End - f.Start }

// At is the line's value at x.
func (f Fit) At(x float64) float64 { return f.Intercept + f.Slope*x }

// Line fits y = α + β·x to the points (xs[i], ys[i]), xs in increasing
// order, by ordinary least squares (gonum stat.LinearRegression):
//
//	β = Σ(xᵢ − x̄)(yᵢ − ȳ) ÷ Σ(xᵢ − x̄)²,  α = ȳ − β·x̄
//	s² = Σ rᵢ² ÷ (n − 2),  SE(β) = √(s² ÷ Σ(xᵢ − x̄)²)
//	ρ  = Σ rᵢ·rᵢ₋₁ ÷ Σ rᵢ²  (lag-1 autocorrelation, clamped to [0, 0.98])
//	SE'(β) = SE(β) · √((1 + ρ) ÷ (1 − ρ))
//
// over the residuals rᵢ = yᵢ − (α + β·xᵢ). Samples of memory 100 ms apart
// are not independent — a GC saw-tooth or a step leaves long runs of
// residuals of one sign — and SE(β) would then be far too sure; SE' is
// the usual AR(1) correction (the effective sample size n·(1 − ρ)/(1 +
// ρ)). ok is false with fewer than three points, no spread in x, or a
// value that is not finite.
func Line(xs, ys []float64) (f Fit, ok bool) {
	n := min(len(xs), len(ys))
	xs, ys = xs[:n], ys[:n]
	if n < 3 || !finite(xs) || !finite(ys) || !(xs[n-1] > xs[0]) {
		return Fit{}, false
	}
	alpha, beta := stat.LinearRegression(xs, ys, nil, false)
	r2 := stat.RSquared(xs, ys, nil, alpha, beta)
	if math.IsNaN(r2) || math.IsInf(r2, 0) {
		r2 = 0
	}
	xbar := stat.Mean(xs, nil)
	var ssr, sxx, lag float64
	prev := math.NaN()
	for i, x := range xs {
		r := ys[i] - (alpha + beta*x)
		ssr += r * r
		sxx += (x - xbar) * (x - xbar)
		if !math.IsNaN(prev) {
			lag += r * prev
		}
		prev = r
	}
	se := math.Sqrt(ssr / float64(n-2) / sxx)
	if !(sxx > 0) || math.IsNaN(se) || math.IsInf(se, 0) || math.IsNaN(beta) || math.IsInf(beta, 0) {
		return Fit{}, false
	}
	rho := 0.0
	if ssr > 0 {
		rho = math.Min(math.Max(lag/ssr, 0), maxResidualRho)
	}
	return Fit{Intercept: alpha, Slope: beta, R2: r2, StdErr: se, WideStdErr: se * math.Sqrt((1+rho)/(1-rho)), Rho: rho,
		N: n, Start: xs[0], End: xs[n-1]}, true
}

func finite(vs []float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// MinFitSamples and MinFitSeconds: a window of a curve with fewer
// samples, or a shorter span, gets no fit (Curve.Fit).
const (
	MinFitSamples = 5
	MinFitSeconds = 1.0
)

// Curve is a memory curve: T in seconds since the load's start, in
// increasing order, and MiB the value at each (NaN where it was not
// measured). Its methods only read the slices.
type Curve struct {
	T, MiB []float64
}

// Window returns the samples with t0 ≤ t ≤ t1 and a known value.
func (c Curve) Window(t0, t1 float64) (xs, ys []float64) {
	for i, t := range c.T {
		if t >= t0 && t <= t1 && !math.IsNaN(c.MiB[i]) {
			xs, ys = append(xs, t), append(ys, c.MiB[i])
		}
	}
	return xs, ys
}

// Fit fits a line to the window t0 ≤ t ≤ t1 (Line); ok is false when the
// window holds fewer than MinFitSamples samples or spans less than
// MinFitSeconds.
func (c Curve) Fit(t0, t1 float64) (Fit, bool) {
	xs, ys := c.Window(t0, t1)
	if len(xs) < MinFitSamples || xs[len(xs)-1]-xs[0] < MinFitSeconds {
		return Fit{}, false
	}
	return Line(xs, ys)
}

// Last is the time of the last sample with a known value from the load's
// start on, NaN when there is none.
func (c Curve) Last() float64 {
	last := math.NaN()
	for i, t := range c.T {
		if t >= 0 && !math.IsNaN(c.MiB[i]) {
			last = t
		}
	}
	return last
}
