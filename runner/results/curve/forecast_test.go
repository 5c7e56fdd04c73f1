package curve

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synth returns samples every dt seconds from t0 to t1 of
// base + slope·t + a saw-tooth of the given amplitude (a GC's) + noise.
func synth(t0, t1, dt, base, slope, saw, noise float64, seed uint64) (ts, ys []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for t := t0; t <= t1+1e-9; t += dt {
		ts = append(ts, t)
		ys = append(ys, base+slope*t+saw*math.Mod(t, 2)/2+noise*(rng.Float64()-0.5))
	}
	return ts, ys
}

const mb = 1 << 20

func TestForecastLimit(t *testing.T) {
	tests := []struct {
		name       string
		ts, ys     []float64
		limit      int64
		wantOK     bool
		wantAt     float64 // ± 5%
		wantLatest bool    // LatestSeconds not nil
		flat       bool    // may fit a small slope, but never a latest crossing
	}{
		{name: "steady climb", limit: 2048 * mb, wantOK: true, wantAt: (2048 - 20) / 9.0, wantLatest: true,
			ts: func() []float64 { ts, _ := synth(0, 15, 0.1, 20*mb, 9*mb, 0, 0, 1); return ts }(),
			ys: func() []float64 { _, ys := synth(0, 15, 0.1, 20*mb, 9*mb, 0, 0, 1); return ys }()},
		{name: "climb with GC saw-tooth", limit: 256 * mb, wantOK: true, wantAt: (256 - 20) / 9.0, wantLatest: true,
			ts: func() []float64 { ts, _ := synth(0, 15, 0.1, 20*mb, 9*mb, 8*mb, 2*mb, 2); return ts }(),
			ys: func() []float64 { _, ys := synth(0, 15, 0.1, 20*mb, 9*mb, 8*mb, 2*mb, 2); return ys }()},
		{name: "flat and noisy", limit: 256 * mb, flat: true,
			ts: func() []float64 { ts, _ := synth(0, 30, 0.1, 40*mb, 0, 8*mb, 4*mb, 3); return ts }(),
			ys: func() []float64 { _, ys := synth(0, 30, 0.1, 40*mb, 0, 8*mb, 4*mb, 3); return ys }()},
		{name: "too short", limit: 256 * mb, wantOK: false,
			ts: []float64{0, 1, 2, 3}, ys: []float64{1 * mb, 2 * mb, 3 * mb, 4 * mb}},
		{name: "no limit", limit: 0, wantOK: false,
			ts: func() []float64 { ts, _ := synth(0, 15, 0.1, 20*mb, 9*mb, 0, 0, 1); return ts }(),
			ys: func() []float64 { _, ys := synth(0, 15, 0.1, 20*mb, 9*mb, 0, 0, 1); return ys }()},
		{name: "falling", limit: 256 * mb, wantOK: false,
			ts: func() []float64 { ts, _ := synth(0, 15, 0.1, 200*mb, -3*mb, 0, 1*mb, 4); return ts }(),
			ys: func() []float64 { _, ys := synth(0, 15, 0.1, 200*mb, -3*mb, 0, 1*mb, 4); return ys }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := ForecastLimit(tt.ts, tt.ys, tt.limit)
			if tt.flat {
				if ok && f.LatestSeconds != nil {
					t.Errorf("ForecastLimit = %+v; want no latest crossing for a flat curve", f)
				}
				return
			}
			if ok != tt.wantOK {
				t.Fatalf("ForecastLimit ok = %v (%+v); want %v", ok, f, tt.wantOK)
			}
			if !ok {
				return
			}
			if math.Abs(f.AtSeconds-tt.wantAt) > 0.05*tt.wantAt {
				t.Errorf("AtSeconds = %.1f; want %.1f ± 5%%", f.AtSeconds, tt.wantAt)
			}
			if (f.LatestSeconds != nil) != tt.wantLatest {
				t.Errorf("LatestSeconds = %v; want set: %v", f.LatestSeconds, tt.wantLatest)
			}
			if f.LatestSeconds != nil && !(f.EarliestSeconds <= f.AtSeconds && f.AtSeconds <= *f.LatestSeconds) {
				t.Errorf("earliest %.1f, at %.1f, latest %.1f; want in order", f.EarliestSeconds, f.AtSeconds, *f.LatestSeconds)
			}
			if f.FromSeconds < f.ToSeconds-ForecastWindowSeconds-1e-9 {
				t.Errorf("fitted from %.1f to %.1f; want at most the last %v s", f.FromSeconds, f.ToSeconds, ForecastWindowSeconds)
			}
		})
	}
}
