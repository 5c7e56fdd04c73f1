// Package report turns a saved oomlab run into pictures, tables and
// verdicts: memory.png/svg (RSS of every target against the limit, with
// the rate stages and downstream phases shaded), dashboard.png/svg (RSS,
// GC, latency, rates and CPU on one time axis), report.html (one
// self-contained page), summary.md (for a CI job summary), verdicts.json
// and the plain-text table printed at the end of a run. A load that is a
// mix of request kinds gets its figures per kind in each of them
// (kinds.go).
//
// It reads only what runner/results wrote (results.json, samples.csv,
// load.csv), so any saved run can be rendered again years later. Its
// packages, by role:
//
//   - report/saved: a saved run as read from its folder (Run, Series,
//     Load). Imports runner/results and scenarios only.
//   - report/format: formatting and escaping (MiB, rates, slopes,
//     latencies, percents; Markdown, terminal and XML text). Imports
//     nothing of oomlab.
//   - report/judge: every verdict, check and gate status. Imports saved,
//     format, runner/results and runner/results/curve; never draws.
//   - report/plot: the figures, and the only importer of gonum/plot.
//   - report (this package): the renderers — WriteAll, HTML, Markdown,
//     JUnit, terminal, GitHub annotations, catalog, baseline tables, the
//     edge summary. They take verdicts and render them; they do not
//     import the judge's internals (runner/results/curve).
//
// No package under report imports runner (other than runner/results and
// runner/results/curve), Vegeta or os/exec, and none reads the wall
// clock: every time it shows comes from the files. deps_test.go enforces
// these rules with `go list`.
package report
