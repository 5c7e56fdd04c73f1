// Package load drives one target with a staged, open-loop request stream
// and aggregates what comes back into runner/results types.
//
// It is the only package in oomlab that imports Vegeta: StagedPacer paces
// the attack through piecewise-constant rate stages, Run wraps Vegeta's
// Attack in a context, and the aggregation converts Vegeta results into
// results.Stage (per stage) and results.LoadRow (per time window) as they
// stream in. Memory stays bounded whatever the run's length or rate: no
// result is kept, latencies go into t-digests, status codes are keyed by
// code and error messages are normalised into at most a few kinds per stage.
//
// Run refuses targets that are not on the loopback interface unless
// Config.AllowRemote is set. Package load must not import runner (its
// parent), report, or any fixture.
package load
