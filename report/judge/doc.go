// Package judge gives every verdict of a report, once: for each target of
// a saved run its class (oom-killed, growing, bounded, ... — the curve
// classed by runner/results/curve's rule, with the confidence and the
// settled window behind it), symptoms, expectations checked (those that
// name a request kind against that kind's figures), GC thrash,
// time to the limit, story and advice (Judge); the gate status of a set
// of verdicts (GateOf); and baseline files and their comparison
// (NewBaseline, ReadBaseline, CompareBaselines). The renderers in report
// and the plots in report/plot take its verdicts and render them; none
// judges again.
//
// It imports report/saved, report/format, runner/results,
// runner/results/curve and scenarios. It never draws (no report/plot, no
// gonum/plot), imports no runner, Vegeta or os/exec, and never reads the
// wall clock.
package judge
