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
//	runner/results  the output model (imported by report and its packages too)
//
// The files of package runner, by what they hold:
//
//	run.go        Options, Run, and the harness: what lives for the whole run
//	schedule.go   the targets run one after another or all at once (parallel)
//	results.go    results.json built: its start, its header, its writing
//	spans.go      the scenario's stages and phases as spans, load stages and
//	              downstream phases
//	machine.go    the machine described for the results
//	target.go     a target's lifecycle: start, launch, cleanup
//	drive.go      its load, and the monitor's decisions carried out (act)
//	death.go      its deaths recorded (recordDeath) and its outcome (finish)
//	classify.go   how a process died, a pure function of what is known of it
//	monitor.go    its monitor: sampling, figures, the rules applied
//	decide.go     the monitor's rules, a pure function (stall.go, failfast.go)
//	counters.go   the one reader of the cgroup's counters and their baselines
//	tree.go       the process tree's sampler and figures
//	timeline.go   the stage and phase a target's load is in, as events
//	command.go    a target's command and environment (execin.go: started in
//	              its cgroup; npm.go: the npm packages of a Node.js builtin;
//	              python.go: the Python preload on PYTHONPATH, tracemalloc)
//	scratch.go    the run's one temporary directory
//	evidence.go   heap evidence near the limit
//	downstream.go the mock downstream and the TCP fault proxy
//	services.go   the scenario's services
//	body.go       the request body; check.go what only the runner can check
//	recorder.go   the run as it happens (sink.go: the CSV files)
//	recover.go    a panic of the harness caught, the run stopped cleanly
//	hooks.go      the fault-injection hooks of the tests, the one seam
//	format.go     mib and ptr, shared by the words above
//
// Each target is run by two parts. Its lifecycle (targetRun: target.go,
// drive.go, death.go) starts it, drives the load, records each death as
// classify decides it, starts it again when its restart policy allows,
// stops it and gives its outcome. Its monitor (targetMonitor: monitor.go)
// samples it, records the samples, keeps the figures of results.json and
// applies the rules of decide.go — the watchdog, the limit stall, an OOM
// kill in its tree, fail-fast — whose decisions the lifecycle carries out;
// the lifecycle reaches the monitor's state only through its methods.
//
// Nothing here grows with the run's length or the request rate: samples and
// load windows are written to CSV as they are taken, load figures are
// aggregated into digests, and stderr is kept as a bounded tail.
package runner
