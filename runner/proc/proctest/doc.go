// Package proctest checks, at the end of a test binary, that no process the
// tests started is still running: what goleak does for goroutines, done for
// processes. A package whose tests start processes wraps its testing.M:
//
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(proctest.Main(m)) }
//
// or, without goleak, proctest.VerifyTestMain(m).
//
// Before the tests run, Main marks the test binary's environment with a
// random token in MarkEnv; every process started with the inherited
// environment carries it, however deep in the tree and whoever adopted it
// since (a shell's child left under PID 1 still has it in
// /proc/PID/environ). A process started with a cleared environment is
// still found while it descends from the test binary. After the tests,
// Main waits up to Grace for the marked processes to exit, then kills what
// is left (a whole process group when every member of it is left over),
// lists each one (pid, group, parent, command line) on stderr and turns a
// passing exit code into 1.
//
// The check reads /proc and works on Linux only; elsewhere Main runs the
// tests unchecked. It is for tests only: it imports no oomlab package and
// must not be imported by production code.
package proctest
