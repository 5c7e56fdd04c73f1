package judge

import (
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Kind is one request kind's load figures over the whole run, as every
// output shows them: the runner's results.KindFigures with the ratios
// worked out once, here.
type Kind struct {
	Name     string `json:"name"`
	Requests uint64 `json:"requests"`
	// RatePerSecond is the kind's requests sent per second of load.
	RatePerSecond float64 `json:"rate_per_second"`
	// SuccessRatio, ShedRatio and ErrorRatio are shares of Requests (0
	// when none was sent).
	SuccessRatio float64 `json:"success_ratio"`
	ShedRatio    float64 `json:"shed_ratio"`
	ErrorRatio   float64 `json:"error_ratio"`
	P50Ms        float64 `json:"p50_ms"`
	P95Ms        float64 `json:"p95_ms"`
	P99Ms        float64 `json:"p99_ms"`
	// BytesIn is the answer bytes delivered to this kind's clients,
	// DownloadBytesPerSecond the same per second of load, all clients
	// together.
	BytesIn                uint64  `json:"bytes_in"`
	DownloadBytesPerSecond float64 `json:"download_bytes_per_second"`
}

// ShowsKinds reports whether a target's kinds are worth a block of their
// own: a mix of kinds, or one named kind. The single "default" kind of a
// one-request scenario repeats the target's own figures and is left out,
// so such a run renders as it did before kinds existed.
func ShowsKinds(kinds []results.KindFigures) bool {
	return len(kinds) > 1 || len(kinds) == 1 && kinds[0].Name != scenarios.DefaultKind
}

// kindsOf works out the per-kind figures of t (nil when ShowsKinds says
// they add nothing).
func kindsOf(t results.Target) []Kind {
	if !ShowsKinds(t.Kinds) {
		return nil
	}
	out := make([]Kind, len(t.Kinds))
	for i, k := range t.Kinds {
		out[i] = Kind{Name: k.Name, Requests: k.Requests, RatePerSecond: format.Round(k.AchievedRatePerSecond, 2),
			SuccessRatio: share(k.Successes, k.Requests), ShedRatio: share(k.Shed, k.Requests), ErrorRatio: share(k.Errors, k.Requests),
			P50Ms: format.Round(k.LatencyP50Ms, 1), P95Ms: format.Round(k.LatencyP95Ms, 1), P99Ms: format.Round(k.LatencyP99Ms, 1),
			BytesIn: k.BytesIn, DownloadBytesPerSecond: format.Round(k.DownloadBytesPerSecond, 0)}
	}
	return out
}

// share is n ÷ of, rounded to 4 decimals; 0 when of is 0.
func share(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return format.Round(float64(n)/float64(of), 4)
}

// kindLatencySymptoms: "p95 of kind export rose from 40 ms to 9.5 s
// (stage 1 → 4)", by latencySymptom's rule applied to each kind's stage
// figures. Only for a mix: a single kind repeats the target's own symptom.
func kindLatencySymptoms(res *results.Results, t results.Target) []string {
	if len(t.Kinds) < 2 {
		return nil
	}
	var out []string
	for _, k := range t.Kinds {
		p95 := func(st results.Stage) float64 {
			for _, sk := range st.Kinds {
				if sk.Name == k.Name && sk.Requests > 0 {
					return sk.LatencyP95Ms
				}
			}
			return 0
		}
		first, last, ok := latencyRise(res, t, p95)
		if !ok {
			continue
		}
		out = append(out, fmt.Sprintf("p95 of kind %s rose from %s to %s (stage %d → %d)", k.Name,
			format.Ms(p95(t.Stages[first])), format.Ms(p95(t.Stages[last])), first+1, last+1))
	}
	return out
}
