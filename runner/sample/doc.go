// Package sample measures one process at a time: resident memory, its
// high-water mark, CPU use since the previous sample, threads and open
// file descriptors. The runner calls a Sampler on a ticker for each
// target and for the harness itself.
//
// RSS, CPU times and descriptors come from gopsutil v4's process
// package; VmHWM (which gopsutil does not report) and the thread count
// come from one read of /proc/PID/status, parsed without allocating.
// Every file is read under a configurable proc root (WithProcRoot), so
// tests run against fake trees in testdata/.
//
// A process that has exited — gone from /proc, or a zombie not yet
// reaped — makes Sample return an error wrapping ErrGone. Once the
// process has been reaped its PID may be reused: stop sampling when Wait
// returns.
//
// Package sample reads /proc only on Linux; elsewhere New reports an
// error. It must not import runner, report or os/exec.
package sample
