package load

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var threeStages = StagedPacer{Stages: []Stage{
	{Rate: 50, Duration: time.Second},
	{Rate: 100, Duration: time.Second},
	{Rate: 200, Duration: 2 * time.Second},
}}

func TestStagedPacerPace(t *testing.T) {
	tests := []struct {
		name     string
		p        StagedPacer
		elapsed  time.Duration
		hits     uint64
		wantWait time.Duration
		wantStop bool
	}{
		{"first hit at once", threeStages, 0, 0, 0, false},
		{"second hit one interval later", threeStages, 0, 1, 20 * time.Millisecond, false},
		{"on time mid stage", threeStages, 500 * time.Millisecond, 25, 0, false},
		{"ahead mid stage", threeStages, 500 * time.Millisecond, 26, 20 * time.Millisecond, false},
		{"behind sends at once", threeStages, 900 * time.Millisecond, 10, 0, false},
		{"first hit of stage 2", threeStages, 990 * time.Millisecond, 50, 10 * time.Millisecond, false},
		{"second hit of stage 2", threeStages, time.Second, 51, 10 * time.Millisecond, false},
		{"stage 3 interval", threeStages, 2 * time.Second, 151, 5 * time.Millisecond, false},
		{"last hit", threeStages, 3990 * time.Millisecond, 549, 5 * time.Millisecond, false},
		{"schedule exhausted", threeStages, 3996 * time.Millisecond, 550, 0, true},
		{"time is up though behind", threeStages, 4 * time.Second, 10, 0, true},
		{"no stages", StagedPacer{}, 0, 0, 0, true},
		{"pause waits for the next stage", StagedPacer{Stages: []Stage{{1, time.Second}, {0, time.Second}, {1, time.Second}}},
			100 * time.Millisecond, 1, 1900 * time.Millisecond, false},
		{"slow rate", StagedPacer{Stages: []Stage{{0.5, 10 * time.Second}}}, time.Second, 1, time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, stop := tt.p.Pace(tt.elapsed, tt.hits)
			if wait != tt.wantWait || stop != tt.wantStop {
				t.Errorf("Pace(%v, %d) = %v, %v; want %v, %v", tt.elapsed, tt.hits, wait, stop, tt.wantWait, tt.wantStop)
			}
		})
	}
}

func TestStagedPacerRateHitsLag(t *testing.T) {
	pause := StagedPacer{Stages: []Stage{{10, time.Second}, {0, time.Second}}}
	tests := []struct {
		name     string
		p        StagedPacer
		elapsed  time.Duration
		hits     uint64
		wantRate float64
		wantHits float64
		wantLag  time.Duration
	}{
		{"before start", threeStages, -time.Second, 0, 0, 0, 0},
		{"start", threeStages, 0, 0, 50, 0, 0},
		{"mid stage 1 on time", threeStages, 500 * time.Millisecond, 25, 50, 25, 0},
		{"mid stage 1 ahead", threeStages, 500 * time.Millisecond, 30, 50, 25, 0},
		{"mid stage 1 behind", threeStages, 500 * time.Millisecond, 20, 50, 25, 100 * time.Millisecond},
		{"stage 2 start", threeStages, time.Second, 50, 100, 50, 0},
		{"stage 3 behind by 1 s", threeStages, 3 * time.Second, 150, 200, 350, time.Second},
		{"end", threeStages, 4 * time.Second, 550, 0, 550, 0},
		{"after end behind", threeStages, 5 * time.Second, 450, 0, 550, 500 * time.Millisecond},
		{"pause behind uses last rate", pause, 1500 * time.Millisecond, 5, 0, 10, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Rate(tt.elapsed); got != tt.wantRate {
				t.Errorf("Rate(%v) = %v; want %v", tt.elapsed, got, tt.wantRate)
			}
			if got := tt.p.Hits(tt.elapsed); math.Abs(got-tt.wantHits) > 1e-9 {
				t.Errorf("Hits(%v) = %v; want %v", tt.elapsed, got, tt.wantHits)
			}
			if got := tt.p.Lag(tt.elapsed, tt.hits); got != tt.wantLag {
				t.Errorf("Lag(%v, %d) = %v; want %v", tt.elapsed, tt.hits, got, tt.wantLag)
			}
		})
	}
}

// TestStagedPacerSimulated drives Pace the way Vegeta does, in simulated
// time (no sleeping), and counts the hits that fall in each stage.
func TestStagedPacerSimulated(t *testing.T) {
	tests := []struct {
		name   string
		stages []Stage
	}{
		{"rising", threeStages.Stages},
		{"fractional rates", []Stage{{33.3, 3 * time.Second}, {0.7, 10 * time.Second}, {999.9, 1500 * time.Millisecond}}},
		{"with a pause", []Stage{{10, time.Second}, {0, 2 * time.Second}, {10, time.Second}}},
		{"one slow stage", []Stage{{0.25, 20 * time.Second}}},
		{"fast", []Stage{{20000, time.Second}, {15000, 500 * time.Millisecond}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := StagedPacer{Stages: tt.stages}
			counts := make([]int, len(tt.stages))
			limit := int(p.Hits(p.Duration())) + 10
			var elapsed time.Duration
			var hits uint64
			for ; int(hits) <= limit; hits++ {
				wait, stop := p.Pace(elapsed, hits)
				if stop {
					break
				}
				elapsed += wait
				counts[p.stageIndex(elapsed)]++
			}
			if int(hits) > limit {
				t.Fatalf("Pace did not stop after %d hits", limit)
			}
			for i, s := range tt.stages {
				want := s.Rate * s.Duration.Seconds()
				if math.Abs(float64(counts[i])-want) > 1 {
					t.Errorf("stage %d: %d hits; want %.1f ± 1", i, counts[i], want)
				}
			}
		})
	}
}

// TestStagedPacerNeverNegative checks, over random schedules and calls,
// that Pace never asks for a negative wait and never schedules a hit past
// the end.
func TestStagedPacerNeverNegative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		n := 1 + rng.IntN(4)
		stages := make([]Stage, n)
		for j := range stages {
			stages[j] = Stage{Rate: rng.Float64() * 1000, Duration: time.Duration(1 + rng.Int64N(int64(5*time.Second)))}
			if rng.IntN(5) == 0 {
				stages[j].Rate = 0
			}
		}
		p := StagedPacer{Stages: stages}
		elapsed := time.Duration(rng.Int64N(int64(p.Duration()+time.Second))) - 100*time.Millisecond
		hits := uint64(rng.Float64() * (p.Hits(p.Duration()) + 10))
		wait, stop := p.Pace(elapsed, hits)
		if wait < 0 {
			t.Fatalf("case %d: %+v.Pace(%v, %d) = %v; want a wait >= 0", i, stages, elapsed, hits, wait)
		}
		if !stop && elapsed+wait >= p.Duration() {
			t.Fatalf("case %d: %+v.Pace(%v, %d) = %v; want a hit before the end %v", i, stages, elapsed, hits, wait, p.Duration())
		}
		if lag := p.Lag(elapsed, hits); lag < 0 {
			t.Fatalf("case %d: Lag(%v, %d) = %v; want >= 0", i, elapsed, hits, lag)
		}
	}
}
