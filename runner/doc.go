// Package runner runs a scenario: it starts the mock downstream, then, for
// each target in turn, a memory-limited subprocess, the staged load and the
// sampler, and it streams what it sees to the output directory while
// assembling results.json.
//
// runner and its subpackages are the only code that starts processes,
// creates cgroups, reads /proc, opens sockets or imports Vegeta:
//
//	runner/cgroup   memory limits (cgroup v1/v2) and their counters
//	runner/proc     target processes: groups, Pdeathsig, readiness, stderr tail
//	runner/sample   RSS, peak RSS, CPU, threads, FDs of a process
//	runner/gctrace  GC activity parsed from the runtime's own trace
//	runner/load     Vegeta, a staged pacer and bounded aggregation
//	runner/results  the output model (imported by report too)
//
// Each target is run by two parts. Its lifecycle (targetRun: target.go,
// outcome.go) starts it, drives the load, records each death as classify
// decides it, starts it again when its restart policy allows, stops it and
// gives its outcome. Its monitor (targetMonitor: monitor.go) samples it,
// records the samples, keeps the figures of results.json and applies the
// rules of decide.go — the watchdog, the limit stall, an OOM kill in its
// tree, fail-fast — whose decisions the lifecycle carries out.
//
// Nothing here grows with the run's length or the request rate: samples and
// load windows are written to CSV as they are taken, load figures are
// aggregated into digests, and stderr is kept as a bounded tail.
package runner
