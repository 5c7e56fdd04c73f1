// Package load drives one target with a staged, open-loop request stream
// and aggregates what comes back into runner/results types.
//
// It is the only package in oomlab that imports Vegeta: StagedPacer paces
// the attack through piecewise-constant rate stages, Run wraps Vegeta's
// Attack in a context, and the aggregation converts Vegeta results into
// results.Stage (per stage), results.KindFigures (per request kind, per
// stage and over the run) and results.LoadRow (per time window) as they
// stream in. Memory stays bounded whatever the run's length or rate: no
// result is kept, latencies go into t-digests, status codes are keyed by
// code and error messages are normalised into at most a few kinds per stage.
//
// The stream is a mix of request kinds (Kind): each request's kind is
// chosen by weight (mix), and a kind may have slow clients, whose answers
// are read and bodies sent through a rate-limited reader (throttledReader)
// so that the target meets real TCP backpressure, and clients that open a
// new connection per request. A slow client holds its worker and its
// connection, nothing more: the attacker's memory is bounded by
// Config.MaxWorkers and MaxConnections whatever the clients' speed, and
// when slow clients hold every worker the stage falls behind and says so.
// Each request carries its kind in its URL's fragment, which is never sent
// (markedURL): the transport and the aggregation read it back.
//
// Run refuses targets that are not on the loopback interface unless
// Config.AllowRemote is set. Package load must not import runner (its
// parent), report, or any fixture.
package load
