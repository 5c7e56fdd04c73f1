package savedtest

import (
	"testing"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// FailingUpload is the saved upload-proxy run with an aware max_rss it
// cannot meet, so that one test case fails.
func FailingUpload(t testing.TB) *saved.Run {
	t.Helper()
	run := Upload(t)
	spec := *run.Results.ScenarioSpec
	spec.Targets = append([]scenarios.Target(nil), spec.Targets...)
	spec.Targets[1].Expect.MaxRSS = 8 << 20
	run.Results.ScenarioSpec = &spec
	return run
}

// WithoutExpectations is the saved upload-proxy run with every expect:
// removed: it runs and samples, but there is nothing to judge.
func WithoutExpectations(t testing.TB) *saved.Run {
	t.Helper()
	run := Upload(t)
	spec := *run.Results.ScenarioSpec
	spec.Targets = append([]scenarios.Target(nil), spec.Targets...)
	for i := range spec.Targets {
		spec.Targets[i].Expect = scenarios.Expectation{}
	}
	run.Results.ScenarioSpec = &spec
	return run
}

// UploadProxyFast is the synthetic upload-proxy run (UploadProxy) with
// its aware target's load stopped early by --fast at 38 s of 40 s: its
// samples end there, and results.json says when and why, with the fit
// of the settled part of the top stage (32.5-38 s) as the runner made
// it (report/judge's tests check it against curve's fit).
func UploadProxyFast() *saved.Run {
	const at = 38.0
	run := UploadProxy().Run()
	s := run.Series[1]
	n := 0
	for n < len(s.T) && s.T[n] <= at {
		n++
	}
	s.T, s.RSSMiB, s.CPUPercent, s.CgroupMiB, s.HeapMiB, s.GCCount = s.T[:n], s.RSSMiB[:n], s.CPUPercent[:n], s.CgroupMiB[:n], s.HeapMiB[:n], s.GCCount[:n]
	aware := &run.Results.Targets[1]
	aware.DurationSeconds = at
	aware.StoppedEarly = &results.EarlyStop{AtSeconds: at, LoadSeconds: 40, FromSeconds: 32.5,
		SlopeBytesPerSecond: 0.186 * format.BytesPerMiB, SlopeUpperBytesPerSecond: 0.234 * format.BytesPerMiB,
		Reason: "memory flat: RSS slope +0.19 MiB/s, upper bound +0.23 < 0.5 MiB/s over 32.5-38.0 s (56 samples), 3 checks in a row"}
	aware.OutcomeDetail = "alive when --fast stopped the load at 38.0 s of 40 s (" + aware.StoppedEarly.Reason + "); stopped by the harness"
	return run
}
