package savedtest

import (
	"math"

	"github.com/oomlab/oomlab/runner/results"
)

// EdgeRun is a saved edge search (edge.json) of the upload-proxy
// scenario: the naive proxy's edge at 10.63/s, found by a repeat probe;
// the aware proxy held at 320/s, a lower bound set by the load generator
// (its 640/s probe fell behind and is not judged).
func EdgeRun() *results.EdgeRun {
	g := func(v float64) *float64 { return &v }
	return &results.EdgeRun{
		Schema: results.EdgeSchema, Scenario: "upload-proxy", MemoryLimitBytes: 256 << 20, LimitMode: "cgroup-v1",
		Phase:     results.PhaseSpan{Name: "slow downstream", LatencySeconds: 2, ReadBandwidthBytesPerSecond: 1_000_000, Capacity: 32},
		BodyBytes: 1 << 20, LittleRatePerSecond: 10.497, ProbeSeconds: 20,
		Criteria: results.EdgeCriteria{MaxSlopeMiBPerSec: 0.5, MinTimeToLimitSeconds: 300, MinSuccessRatio: 0.95, MinGoodputRatio: 0.8, MaxP95Ms: 10000},
		Targets: []results.Edge{
			{Target: "upload-naive", Role: "naive", Runtime: "go", RatePerSecond: 10.63, FailedRatePerSecond: 11.25, Bound: results.BoundEdge,
				Confidence: "held 10.63/s, failed 11.25/s",
				Probes: []results.EdgeProbe{
					{RatePerSecond: 10, Holds: true, SlopeMiBPerSec: 0.4, TimeToLimitSeconds: 400, SuccessRatio: 1, GoodputRatio: g(0.79), P95Ms: 3100, RSSPeakBytes: 90 << 20},
					{RatePerSecond: 20, SlopeMiBPerSec: 13, TimeToLimitSeconds: 0, SuccessRatio: 0.4, GoodputRatio: g(0.94), P95Ms: 8200, Reasons: []string{"did not survive: oom-killed"}},
					{RatePerSecond: 11.25, SlopeMiBPerSec: 1.0, TimeToLimitSeconds: 146, SuccessRatio: 1, GoodputRatio: g(0.85), P95Ms: 3900, Reasons: []string{"RSS climbs"}},
					{RatePerSecond: 10.63, Holds: true, Repeat: true, SlopeMiBPerSec: 0.3, TimeToLimitSeconds: -1, SuccessRatio: 1, GoodputRatio: g(0.84), P95Ms: 3200},
				}},
			{Target: "upload-aware", Role: "aware", Runtime: "go", RatePerSecond: 320, Bound: results.BoundLower, LimitedBy: results.LimitLoadGenerator,
				Confidence: "holds ≥ 320/s (the highest rate offered in full; the load generator, not the target, limited the search)",
				Probes: []results.EdgeProbe{
					{RatePerSecond: 10, Holds: true, SuccessRatio: 1, GoodputRatio: g(0.8), P95Ms: 3000},
					{RatePerSecond: 320, Holds: true, SuccessRatio: 0.04, GoodputRatio: g(0.97), P95Ms: 700},
					{RatePerSecond: 640, Inconclusive: true, Behind: true, AchievedRatePerSecond: 588.1, MaxLagSeconds: 1.9, SuccessRatio: 0.01,
						GoodputRatio: g(0.83), P95Ms: math.NaN(), Reasons: []string{"the load generator fell behind (load-generator bound): 588.1 of 640 requests/s sent, up to 1.9 s late"}},
				}},
		},
		MaxRatePerSecond: 640, MaxRateSource: "given (--max-rate)",
		Comparison: "the aware one (upload-aware) holds ≥ 30.1× the load of the naive one (upload-naive): ≥ 320/s (a lower bound: the highest rate offered in full; the load generator, not the target, limited the search) against 10.63/s",
	}
}
