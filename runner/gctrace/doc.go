// Package gctrace reads a target's garbage-collector activity from the
// runtime's own trace, line by line, as the target writes it.
//
// Three traces are understood: Go's GODEBUG=gctrace=1 (written to
// stderr), Node.js's --trace-gc (V8 prints it with printf, so it arrives
// on the target's stdout, mixed with the application's console.log
// output) and the JVM's unified logging at the gc tag (-Xlog:gc, asked
// for on stderr through JAVA_TOOL_OPTIONS). CPython has no trace of its
// own: PythonPreload, a sitecustomize module put on PYTHONPATH
// (WithPythonPath), writes one line per collection from gc.callbacks to
// the target's stdout. TraceArgs turns the Go, Node and JVM traces on
// for a command; ParseGo, ParseNode, ParseJVM and ParsePython turn one
// line into an Event; a Tracker keeps the running figures a sampler
// needs (cycles so far, heap after the latest cycle) without keeping the
// events, so its memory does not grow with the length of a run.
//
// Units: both runtimes print "MB" meaning MiB (1<<20 bytes). Go prints
// whole MiB, rounded down (runtime/mgc.go: heap>>20), so a heap under
// 1 MiB reads as 0. V8 prints one decimal of MiB (gc-tracer.cc divides
// by MB, and V8's globals.h defines MB = KB * 1024), about 100 KiB of
// precision. The JVM prints B, K, M or G (powers of 1024), rounded down.
//
// A runtime whose GC cannot be read is never reported as "0 GC": a nil
// *Tracker answers Snapshot with -1, which callers store as "unknown".
//
// Package gctrace must not import runner, report, os/exec or anything
// that starts processes; it parses text and edits argument lists.
package gctrace
