package load

import (
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Stage is one step of the rate schedule: Rate requests per second, held
// for Duration.
type Stage struct {
	Rate     float64 // requests per second
	Duration time.Duration
}

// StagedPacer paces an attack through Stages in order, each at a constant
// rate, and stops after the last one. With stage k (rate r_k, duration
// d_k) starting at start_k = d_0 + … + d_{k−1}, the hits expected by the
// elapsed time t are
//
//	E(t) = r_0·d_0 + … + r_{k−1}·d_{k−1} + r_k·(t − start_k),   start_k ≤ t < start_k + d_k
//
// and hit n (counting from 0) is due at the t where E(t) = n: the first hit
// goes out at once and a stage holds r_k·d_k hits, give or take one. A
// stage with Rate 0 is a pause. A StagedPacer is a plain value, safe for
// concurrent use.
type StagedPacer struct {
	Stages []Stage
}

var _ vegeta.Pacer = StagedPacer{}

// Duration is the length of the whole schedule, d_0 + … + d_{n−1}.
func (p StagedPacer) Duration() time.Duration {
	var d time.Duration
	for _, s := range p.Stages {
		d += s.Duration
	}
	return d
}

// Pace implements vegeta.Pacer. It returns how long to wait before hit
// number hits (counting from 0) is due: 0 when it is already late, never a
// negative duration. It stops once elapsed reaches Duration or when the
// schedule holds no further hit.
func (p StagedPacer) Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool) {
	total := p.Duration()
	if elapsed >= total {
		return 0, true
	}
	due, ok := p.due(float64(hits))
	if !ok || due >= total {
		return 0, true
	}
	if due <= elapsed {
		return 0, false
	}
	return due - elapsed, false
}

// due returns the t where E(t) = n, or false when the schedule ends first.
func (p StagedPacer) due(n float64) (time.Duration, bool) {
	var start time.Duration
	cum := 0.0
	for _, s := range p.Stages {
		h := s.Rate * s.Duration.Seconds()
		if s.Rate > 0 && n < cum+h {
			off := time.Duration((n - cum) / s.Rate * float64(time.Second))
			return start + min(off, s.Duration), true
		}
		cum += h
		start += s.Duration
	}
	return 0, false
}

// Rate implements vegeta.Pacer: the rate of the stage that holds elapsed,
// 0 before the start and after the end.
func (p StagedPacer) Rate(elapsed time.Duration) float64 {
	if i := p.stageAt(elapsed); i >= 0 {
		return p.Stages[i].Rate
	}
	return 0
}

// Hits returns E(elapsed), the hits expected by elapsed (see StagedPacer),
// held at E(Duration) after the end and 0 before the start.
func (p StagedPacer) Hits(elapsed time.Duration) float64 {
	var start time.Duration
	cum := 0.0
	for _, s := range p.Stages {
		if elapsed < start+s.Duration {
			if elapsed <= start {
				return cum
			}
			return cum + s.Rate*(elapsed-start).Seconds()
		}
		cum += s.Rate * s.Duration.Seconds()
		start += s.Duration
	}
	return cum
}

// Lag returns how far the attack is behind the schedule: the missing hits
// E(elapsed) − hits expressed as time at the current rate,
//
//	lag = (E(t) − hits) / r(t)
//
// where r(t) is Rate(t) or, during a pause or after the end, the last
// non-zero rate before t. Lag is never negative: an attack that is on time
// or ahead has lag 0.
func (p StagedPacer) Lag(elapsed time.Duration, hits uint64) time.Duration {
	missing := p.Hits(elapsed) - float64(hits)
	if missing <= 0 {
		return 0
	}
	r := p.lastRate(elapsed)
	if r <= 0 {
		return 0
	}
	secs := missing / r
	if secs >= math.MaxInt64/float64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(secs * float64(time.Second))
}

// lastRate is the rate in force at elapsed, or the last non-zero one
// before it.
func (p StagedPacer) lastRate(elapsed time.Duration) float64 {
	var start time.Duration
	r := 0.0
	for _, s := range p.Stages {
		if elapsed < start {
			break
		}
		if s.Rate > 0 {
			r = s.Rate
		}
		start += s.Duration
	}
	return r
}

// stageAt returns the index of the stage that holds elapsed, or -1 when
// elapsed is before the start or at or after the end.
func (p StagedPacer) stageAt(elapsed time.Duration) int {
	if elapsed < 0 {
		return -1
	}
	var start time.Duration
	for i, s := range p.Stages {
		start += s.Duration
		if elapsed < start {
			return i
		}
	}
	return -1
}

// stageIndex is like stageAt but clamps to the first and last stage, for
// attributing results and bytes to a stage.
func (p StagedPacer) stageIndex(elapsed time.Duration) int {
	if i := p.stageAt(elapsed); i >= 0 {
		return i
	}
	if elapsed < 0 || len(p.Stages) == 0 {
		return 0
	}
	return len(p.Stages) - 1
}

// stageStart returns when stage i starts.
func (p StagedPacer) stageStart(i int) time.Duration {
	var start time.Duration
	for _, s := range p.Stages[:i] {
		start += s.Duration
	}
	return start
}
