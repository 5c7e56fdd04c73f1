package runner

import (
	"time"

	"github.com/oomlab/oomlab/runner/load"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

func stageSpans(l scenarios.Load) []results.StageSpan {
	spans := make([]results.StageSpan, 0, len(l.Stages))
	var t time.Duration
	for i, s := range l.Stages {
		end := t + s.Duration.D()
		spans = append(spans, results.StageSpan{Index: i, RatePerSecond: s.Rate, StartSeconds: t.Seconds(), EndSeconds: end.Seconds()})
		t = end
	}
	return spans
}

func phaseSpans(sc *scenarios.Scenario) []results.PhaseSpan {
	total := sc.Load.TotalDuration()
	spans := make([]results.PhaseSpan, 0, len(sc.Downstream.Phases))
	for _, p := range sc.Downstream.Phases {
		end := p.End()
		if end == 0 {
			end = max(total, p.At.D())
		}
		spans = append(spans, results.PhaseSpan{
			Name: p.Name, StartSeconds: p.At.Seconds(), EndSeconds: end.Seconds(),
			LatencySeconds: p.Latency.Seconds(), ReadBandwidthBytesPerSecond: int64(p.ReadBandwidth),
			Capacity: p.Capacity, ErrorRate: p.ErrorRate, Stall: p.Stall,
		})
	}
	return spans
}

func loadStages(l scenarios.Load) []load.Stage {
	out := make([]load.Stage, 0, len(l.Stages))
	for _, s := range l.Stages {
		out = append(out, load.Stage{Rate: s.Rate, Duration: s.Duration.D()})
	}
	return out
}
