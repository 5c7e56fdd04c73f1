package judge

import (
	"fmt"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/runner/results/curve"
)

// earlyStopText says why --fast stopped a target's load, from what the
// runner recorded (results.Target.StoppedEarly): "stopped early at 40.4 s
// of 50 s under --fast: memory flat (slope -0.06 MiB/s, upper bound +0.03
// < 0.5 MiB/s over 35.0–40.4 s)"; "" when it ran its whole load. The
// runner decided with curve's rule (curve.Rule.FlatWindow) over the same
// settled window the class rests on, so the class of such a target is
// bounded unless the samples after the stop, while the requests in
// flight finished, changed the fit.
func earlyStopText(t results.Target) string {
	es := t.StoppedEarly
	if es == nil {
		return ""
	}
	return fmt.Sprintf("stopped early at %.1f s of %s s under --fast: memory flat (slope %s, upper bound %s < %s over %.1f–%.1f s)",
		es.AtSeconds, format.Rate(format.Round(es.LoadSeconds, 1)), format.Slope(es.SlopeBytesPerSecond/format.BytesPerMiB),
		format.SlopeBare(es.SlopeUpperBytesPerSecond/format.BytesPerMiB), format.SlopeLimit(curve.GrowthSlopeMiBPerSec),
		es.FromSeconds, es.AtSeconds)
}

// ranInFull reports whether target t ran stage k of res (nearly) in full:
// 90 % of its planned length, or up to the moment --fast stopped the load
// in the top stage, which then counts as run.
func ranInFull(res *results.Results, t results.Target, k int) bool {
	if k >= len(res.Stages) || k >= len(t.Stages) {
		return false
	}
	if t.StoppedEarly != nil && k == len(res.Stages)-1 {
		return true
	}
	return t.Stages[k].DurationSeconds >= 0.9*(res.Stages[k].EndSeconds-res.Stages[k].StartSeconds)
}
