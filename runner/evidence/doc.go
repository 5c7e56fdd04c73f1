// Package evidence captures what holds a target's memory when it passes
// set shares of its limit: a Go target's heap profile (net/http/pprof,
// summarised with github.com/google/pprof/profile into its top in-use
// allocation sites), a Node.js target's process.memoryUsage() (streamed on
// its stdout by a preloaded script, so memory outside the V8 heap is
// measured, not inferred) and, optionally, a V8 heap snapshot, a JVM's
// class histogram, heap and native memory summary (jcmd, the JDK's own
// tool, run against the tree's largest java process), a Python target's
// tracemalloc top allocation sites when asked (each process of its tree
// answers on a Unix socket of the preload's, by PID), and for any
// process /proc/PID/smaps_rollup (anonymous, file-backed, shared).
//
// A Capturer is fed the samples the runner takes anyway and works on its
// own goroutine, one capture at a time, so sampling never waits for it.
// Each capture records what it cost the target (time, RSS before/after).
//
// The parsers (SummariseHeap, ParseSmapsRollup, ParseNodeLine,
// ParseClassHistogram, ParseJVMHeapInfo, ParseNativeMemory,
// ParsePythonHeap) are pure and tested on recorded files in testdata.
// The package is part of the runner: it reads /proc, talks HTTP (and
// Unix sockets) to targets and runs jcmd; report reads only the
// summaries it leaves in results.
package evidence
