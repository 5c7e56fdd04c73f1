package runner

import (
	// Named apart from the runner's own timeline (timeline.go), which
	// reports a run's stage and phase events.
	fxtimeline "github.com/oomlab/oomlab/fixtures/timeline"
	"github.com/oomlab/oomlab/scenarios"
)

// timelinePhases converts the scenario's downstream phases into the
// fixtures' timeline, the one form both the mock downstream and the TCP
// fault proxy follow: read_bandwidth is each request body's rate for the
// mock and the aggregate towards the upstream behind the proxy,
// write_bandwidth the aggregate back (proxy only).
func timelinePhases(sc *scenarios.Scenario) []fxtimeline.Phase {
	out := make([]fxtimeline.Phase, 0, len(sc.Downstream.Phases))
	for _, p := range sc.Downstream.Phases {
		out = append(out, fxtimeline.Phase{
			Name: p.Name, Start: p.At.D(), End: p.End(), Latency: p.Latency.D(),
			ReadBytesPerSecond: int64(p.ReadBandwidth), WriteBytesPerSecond: int64(p.WriteBandwidth),
			Capacity: p.Capacity, ErrorRate: p.ErrorRate, ResetRate: p.ResetRate, Stall: p.Stall,
		})
	}
	return out
}
