package runner

import (
	"math"
	"testing"
	"time"
)

func TestFailFastObserve(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name    string
		limit   int64
		load    time.Duration
		mem     func(t float64) float64
		wantCut bool
		cutBy   float64 // seconds: the cut comes by then
	}{
		// 20 rps of 1 MiB bodies the downstream drains at 11/s: 9 MiB/s into 2 GiB.
		{name: "naive into 2 GiB", limit: 2048 * mb, load: 300 * time.Second, wantCut: true, cutBy: 12,
			mem: func(t float64) float64 { return 20*mb + 9*mb*t + 6*mb*math.Mod(t, 1.3) }},
		// Same climb, but the load ends long before the limit is near.
		{name: "naive, load too short to matter", limit: 2048 * mb, load: 40 * time.Second, wantCut: false,
			mem: func(t float64) float64 { return 20*mb + 9*mb*t }},
		{name: "aware, flat with GC", limit: 256 * mb, load: 40 * time.Second, wantCut: false,
			mem: func(t float64) float64 { return 30*mb + 8*mb*math.Mod(t, 2) }},
		// A warm-up: 20 MiB in two seconds, then flat: never three confident forecasts.
		{name: "warm-up step", limit: 256 * mb, load: 40 * time.Second, wantCut: false,
			mem: func(t float64) float64 { return 20*mb + 20*mb*math.Min(t, 2)/2 + 2*mb*math.Mod(t, 0.7) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ff := newFailFast(tt.limit, tt.load, true)
			cutAt := -1.0
			for i := 0; i <= int(tt.load.Seconds()*10); i++ {
				ts := float64(i) / 10
				if fc, cut := ff.observe(ts, int64(tt.mem(ts))); cut {
					cutAt = ts
					if !fc.Confident(tt.load.Seconds()) {
						t.Errorf("cut at %.1f s on a forecast that is not confident: %+v", ts, fc)
					}
					break
				}
			}
			if (cutAt >= 0) != tt.wantCut {
				t.Fatalf("cut at %.1f s; want cut: %v", cutAt, tt.wantCut)
			}
			if tt.wantCut && cutAt > tt.cutBy {
				t.Errorf("cut at %.1f s; want by %.0f s", cutAt, tt.cutBy)
			}
			if len(ff.ts) > int(10*10)+2 {
				t.Errorf("kept %d samples; want at most the last 10 s", len(ff.ts))
			}
		})
	}
}
