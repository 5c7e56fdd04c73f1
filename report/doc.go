// Package report turns a saved oomlab run into pictures, tables and
// verdicts: memory.png/svg (RSS of every target against the limit, with
// the rate stages and downstream phases shaded), dashboard.png/svg (RSS,
// GC, latency, rates and CPU on one time axis), report.html (one
// self-contained page), summary.md (for a CI job summary), verdicts.json
// and the plain-text table printed at the end of a run.
//
// It reads only what runner/results wrote (results.json, samples.csv,
// load.csv), so any saved run can be rendered again years later. It must
// not import runner (other than runner/results), Vegeta or os/exec, and it
// never reads the wall clock: every time it shows comes from the files.
// A test enforces the import rule with `go list -deps`.
package report
