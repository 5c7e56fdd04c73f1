package runner

import (
	"math"
	"testing"
	"time"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
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

// TestFailFastAgreesWithVerdict feeds one sample series through
// --fail-fast's forecast (failFast.observe) and through the verdict
// (report.Judge on a run of the same samples) and requires the same time
// to limit: the same fit over the same window, the same band. It fails
// if either side fits differently (another window, another standard
// error, another fit).
func TestFailFastAgreesWithVerdict(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name  string
		limit int64
		mem   func(t float64) float64 // bytes
	}{
		{name: "steady climb", limit: 1024 * mb, mem: func(t float64) float64 { return 40*mb + 3*mb*t }},
		// Slow, then four times faster: only a fit of the last 10 s
		// forecasts alike.
		{name: "climb that quickens", limit: 512 * mb,
			mem: func(t float64) float64 { return 40*mb + 1*mb*t + 3*mb*math.Max(0, t-15) }},
		// A GC saw-tooth leaves long runs of residuals of one sign: the
		// plain and the widened standard errors differ several times.
		{name: "climb with a GC saw-tooth", limit: 512 * mb,
			mem: func(t float64) float64 { return 40*mb + 2.5*mb*t + 6*mb*math.Mod(t, 1.3) }},
	}
	const seconds = 30
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ff := newFailFast(tt.limit, 300*time.Second, false)
			s := &saved.Series{Target: "naive"}
			var got results.Forecast
			for i := 0; i <= seconds*10; i++ {
				ts := float64(i) / 10
				b := int64(tt.mem(ts))
				if fc, _ := ff.observe(ts, b); fc.Samples > 0 {
					got = fc
				}
				s.T, s.RSSMiB = append(s.T, ts), append(s.RSSMiB, float64(b)/mb)
				for _, col := range []*[]float64{&s.CPUPercent, &s.CgroupMiB, &s.HeapMiB, &s.GCCount} {
					*col = append(*col, math.NaN())
				}
			}
			if got.ToSeconds != seconds {
				t.Fatalf("fail-fast's last forecast = %+v; want one at %d s, the last sample", got, seconds)
			}
			run := &saved.Run{Results: &results.Results{Schema: results.Schema, Scenario: "agree", MemoryLimitBytes: tt.limit,
				Stages:  []results.StageSpan{{RatePerSecond: 20, StartSeconds: 0, EndSeconds: seconds}},
				Targets: []results.Target{{Name: "naive", Outcome: results.OutcomeSurvived}}},
				Series: []*saved.Series{s}}
			v := judge.Judge(run)[0]
			if v.Class != judge.ClassGrowing || v.TimeToLimit == nil || v.TimeToLimit.Source != judge.LimitForecast {
				t.Fatalf("Judge = class %s, time to limit %+v; want growing with a forecast", v.Class, v.TimeToLimit)
			}
			r1 := func(x float64) float64 { return math.Round(x*10) / 10 }
			ttl := v.TimeToLimit
			if ttl.Seconds != r1(got.AtSeconds) || ttl.EarliestSeconds == nil || *ttl.EarliestSeconds != r1(got.EarliestSeconds) {
				t.Errorf("verdict's time to limit %.1f s (earliest %v); fail-fast's %.1f s (earliest %.1f)", ttl.Seconds, ttl.EarliestSeconds,
					r1(got.AtSeconds), r1(got.EarliestSeconds))
			}
			switch {
			case (ttl.LatestSeconds == nil) != (got.LatestSeconds == nil):
				t.Errorf("verdict's latest %v, fail-fast's %v; want both or neither", ttl.LatestSeconds, got.LatestSeconds)
			case got.LatestSeconds != nil && *ttl.LatestSeconds != r1(*got.LatestSeconds):
				t.Errorf("verdict's latest %.1f s, fail-fast's %.1f s; want the same", *ttl.LatestSeconds, r1(*got.LatestSeconds))
			}
			t.Logf("at %.1f s (from %.1f s), slope %.2f ± %.2f MiB/s", ttl.Seconds, *ttl.EarliestSeconds,
				got.SlopeBytesPerSecond/mb, got.SlopeStdErrBytesPerSecond/mb)
		})
	}
}
