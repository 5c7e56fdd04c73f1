package curve

import (
	"math"
	"math/rand/v2"
	"testing"
)

// series10Hz samples f every 100 ms over [t0, t1] with Gaussian noise of
// sd MiB (seeded: the same every run).
func series10Hz(t0, t1, sd float64, f func(float64) float64) (xs, ys []float64) {
	rng := rand.New(rand.NewPCG(7, 13))
	for t := t0; t <= t1+1e-9; t += 0.1 {
		xs, ys = append(xs, t), append(ys, f(t)+sd*rng.NormFloat64())
	}
	return xs, ys
}

func TestLine(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		xs, ys []float64
		wantOK bool
		want   Fit // compared within 1e-9 when wantOK
	}{
		{"exact line y = 1 + 2x", []float64{0, 1, 2, 3}, []float64{1, 3, 5, 7}, true,
			Fit{Intercept: 1, Slope: 2, R2: 1, N: 4, Start: 0, End: 3}},
		// A flat line: R² is undefined (no variance in y) and reads 0.
		{"flat", []float64{0, 1, 2, 3, 4}, []float64{5, 5, 5, 5, 5}, true,
			Fit{Intercept: 5, N: 5, Start: 0, End: 4}},
		// Residuals +1, −1, −1, +1: Σr² = 4 over n − 2 = 2, Σ(x − x̄)² = 5,
		// SE = √(2/5); ρ = (−1 + 1 − 1)/4 < 0 is clamped to 0.
		{"known residuals", []float64{0, 1, 2, 3}, []float64{1, -1, -1, 1}, true,
			Fit{Intercept: 0, Slope: 0, R2: 0, StdErr: math.Sqrt(0.4), WideStdErr: math.Sqrt(0.4), N: 4, Start: 0, End: 3}},
		{"two points", []float64{1, 2}, []float64{1, 2}, false, Fit{}},
		{"one distinct x", []float64{1, 1, 1}, []float64{1, 2, 3}, false, Fit{}},
		{"infinite y", []float64{1, 2, 3}, []float64{1, inf, 3}, false, Fit{}},
		{"NaN x", []float64{1, nan, 3}, []float64{1, 2, 3}, false, Fit{}},
		{"lengths differ: the shorter counts", []float64{0, 1, 2, 3, 99}, []float64{1, 3, 5, 7}, true,
			Fit{Intercept: 1, Slope: 2, R2: 1, N: 4, Start: 0, End: 3}},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := Line(tt.xs, tt.ys)
			if ok != tt.wantOK {
				t.Fatalf("Line(%v, %v) ok = %v (%+v); want %v", tt.xs, tt.ys, ok, f, tt.wantOK)
			}
			w := tt.want
			if ok && !(near(f.Intercept, w.Intercept) && near(f.Slope, w.Slope) && near(f.R2, w.R2) && near(f.StdErr, w.StdErr) &&
				near(f.WideStdErr, w.WideStdErr) && f.N == w.N && f.Start == w.Start && f.End == w.End) {
				t.Errorf("Line(%v, %v) = %+v; want %+v", tt.xs, tt.ys, f, w)
			}
		})
	}
}

// TestLineAR1 checks the widened standard error: independent noise
// leaves it near the plain one, a step (long runs of residuals of one
// sign) widens it several times.
func TestLineAR1(t *testing.T) {
	tests := []struct {
		name         string
		f            func(float64) float64
		sd           float64
		slope        float64
		minSE, maxSE float64 // bounds on WideStdErr
		minWiden     float64 // WideStdErr ÷ StdErr at least
		maxWiden     float64 // and at most
	}{
		{name: "clean climb", f: func(t float64) float64 { return 10 + 2*t }, sd: 0.3, slope: 2, maxSE: 0.05, minWiden: 1, maxWiden: 1.5},
		{name: "flat noise", f: func(float64) float64 { return 100 }, sd: 0.5, slope: 0, maxSE: 0.1, minWiden: 1, maxWiden: 1.5},
		// One step in the middle: a line fits +1.8 MiB/s, but the
		// residuals come in two long runs; the error widens.
		{name: "one step", f: func(t float64) float64 { return 100 + 10*math.Floor(t/5) }, sd: 0.1, slope: 1.8, minSE: 0.3, maxSE: 5,
			minWiden: 3, maxWiden: math.Sqrt((1 + maxResidualRho) / (1 - maxResidualRho))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs, ys := series10Hz(2.5, 9.9, tt.sd, tt.f)
			f, ok := Line(xs, ys)
			if !ok {
				t.Fatalf("Line(%s) not ok", tt.name)
			}
			if math.Abs(f.Slope-tt.slope) > 0.5*math.Max(tt.slope, 0.2) {
				t.Errorf("Line(%s).Slope = %.3f; want ≈ %.1f", tt.name, f.Slope, tt.slope)
			}
			if f.WideStdErr > tt.maxSE || f.WideStdErr < tt.minSE {
				t.Errorf("Line(%s).WideStdErr = %.3f; want in [%.2f, %.2f]", tt.name, f.WideStdErr, tt.minSE, tt.maxSE)
			}
			if w := f.WideStdErr / f.StdErr; w < tt.minWiden-1e-9 || w > tt.maxWiden+1e-9 {
				t.Errorf("Line(%s) widened the error %.2f× (ρ %.2f); want %.1f-%.1f×", tt.name, w, f.Rho, tt.minWiden, tt.maxWiden)
			}
		})
	}
}

func TestCurveFit(t *testing.T) {
	nan := math.NaN()
	c := Curve{T: []float64{-1, 0, 0.5, 1, 1.5, 2, 2.5}, MiB: []float64{50, 10, 11.5, 13, nan, 16, 17.5}}
	tests := []struct {
		name   string
		t0, t1 float64
		wantOK bool
		slope  float64
		n      int
	}{
		{"from the load's start, NaN left out", 0, 10, true, 3, 5},
		{"too few samples", 0, 1.2, false, 0, 0},
		{"too short a span", 0.5, 1.4, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := c.Fit(tt.t0, tt.t1)
			if ok != tt.wantOK || ok && (math.Abs(f.Slope-tt.slope) > 1e-9 || f.N != tt.n) {
				t.Errorf("Fit(%v, %v) = %+v, %v; want ok %v, slope %v, %d samples", tt.t0, tt.t1, f, ok, tt.wantOK, tt.slope, tt.n)
			}
		})
	}
	if got := c.Last(); got != 2.5 {
		t.Errorf("Last() = %v; want 2.5", got)
	}
	if got := (Curve{T: []float64{-2, 1}, MiB: []float64{5, nan}}).Last(); !math.IsNaN(got) {
		t.Errorf("Last(no known sample from 0 on) = %v; want NaN", got)
	}
}
