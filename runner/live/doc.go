// Package live shows a run while it happens, in the terminal: one line
// per target with its rate stage and time left, the downstream's phase,
// RSS as a bar against the limit, GC cycles per second, achieved rate,
// p95, shed and errors. On a terminal the lines redraw in place
// (vbauerster/mpb); elsewhere (CI) plain lines are printed at most every
// few seconds, under a header.
//
// A Display receives the run as a runner.Recorder: its methods only
// update a small, fixed-size state under a mutex and return at once, so
// the sampler and the load never wait on the screen. Drawing happens on
// the display's own goroutine, which Close stops.
//
// live imports runner/results only; it never imports runner, report,
// Vegeta or os/exec.
package live
