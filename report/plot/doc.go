// Package plot draws the figures of a report with gonum/plot:
// memory.png/svg (RSS against the limit, stages and phases shaded, kills
// marked), dashboard.png/svg (RSS, GC, latency, rates and CPU on one time
// axis, and each request kind's p95 per stage when the load is a mix) and
// edge.png/svg (an edge search's probes against the offered
// rate). SVG text is made fit for XML.
//
// It is the only package of oomlab that imports gonum.org/v1/plot. It
// reads saved runs (report/saved) and may use the judge's exported
// verdicts (report/judge) for what it draws, never runner/results/curve;
// it imports no runner, Vegeta or os/exec, and never reads the wall
// clock.
package plot
