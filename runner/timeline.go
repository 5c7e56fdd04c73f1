package runner

import (
	"github.com/oomlab/oomlab/runner/results"
)

// timeline remembers which rate stage and downstream phase a target's load
// was last in, so that each change is reported once, as an event.
type timeline struct {
	stages []results.StageSpan
	phases []results.PhaseSpan
	stage  int
	phase  int
}

func newTimeline(res *results.Results) timeline {
	return timeline{stages: res.Stages, phases: res.Phases, stage: -1, phase: -1}
}

// advance returns the events due at t (seconds since load start): a stage
// or a phase entered since the last call.
func (m *timeline) advance(target string, t float64) []results.RunEvent {
	var evs []results.RunEvent
	st := spanIndex(len(m.stages), func(i int) float64 { return m.stages[i].StartSeconds },
		func(i int) float64 { return m.stages[i].EndSeconds }, t)
	if st > m.stage {
		m.stage = st
		evs = append(evs, results.RunEvent{Kind: results.EventStage, Target: target, AtSeconds: t, Stage: st})
	}
	ph := spanIndex(len(m.phases), func(i int) float64 { return m.phases[i].StartSeconds },
		func(i int) float64 { return m.phases[i].EndSeconds }, t)
	if ph > m.phase {
		m.phase = ph
		evs = append(evs, results.RunEvent{Kind: results.EventPhase, Target: target, AtSeconds: t, Stage: m.stage, Phase: m.phases[ph].Name})
	}
	return evs
}

// spanIndex returns the index of the span holding t (start ≤ t < end),
// the last span once t has passed them all, or -1 before the first.
func spanIndex(n int, start, end func(int) float64, t float64) int {
	idx := -1
	for i := range n {
		if t >= start(i) {
			idx = i
		}
		if t < end(i) && t >= start(i) {
			return i
		}
	}
	return idx
}
