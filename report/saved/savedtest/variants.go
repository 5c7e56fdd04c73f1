package savedtest

import (
	"testing"

	"github.com/oomlab/oomlab/report/saved"
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
