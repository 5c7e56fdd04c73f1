package gctrace

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// TraceArgs returns argv and env changed so that the runtime writes its
// GC trace; the inputs are not modified.
//
// For RuntimeGo it sets gctrace=1 in GODEBUG, keeping the other GODEBUG
// settings (a gctrace already at 1 or more is left alone). For
// RuntimeNode, when argv[0]'s base name is "node" or "nodejs", it inserts
// --trace-gc right after it, unless argv or NODE_OPTIONS already has
// --trace-gc (or --trace_gc). For RuntimeJVM it appends JVMLogOption to
// JAVA_TOOL_OPTIONS (read by every JVM, also one behind a wrapper),
// unless argv, JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS already log the gc
// tag to stderr. Other runtimes get argv and env back unchanged.
//
// env is the complete environment of the command; nil means the current
// process's environment (os.Environ()), as in exec.Cmd, so the returned
// env, which is then non-nil, still carries it.
//
// Note that V8 writes its trace to stdout: a Node target's stdout, not
// its stderr, is what must be fed to a Tracker. The JVM's goes to
// stderr, as Go's does.
func TraceArgs(runtime string, argv []string, env []string) (newArgv, newEnv []string) {
	switch runtime {
	case RuntimeGo:
		if env == nil {
			env = os.Environ()
		}
		return argv, withGCTrace(env)
	case RuntimeJVM:
		return argv, withJVMTrace(argv, env)
	case RuntimeNode:
		if len(argv) == 0 || !isNodeExe(argv[0]) || hasTraceGC(argv) || nodeOptionsTraceGC(env) {
			return argv, env
		}
		out := make([]string, 0, len(argv)+1)
		out = append(out, argv[0], "--trace-gc")
		return append(out, argv[1:]...), env
	}
	return argv, env
}

func isNodeExe(arg0 string) bool {
	base := filepath.Base(arg0)
	return base == "node" || base == "nodejs"
}

func hasTraceGC(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return a == "--trace-gc" || a == "--trace_gc"
	})
}

// nodeOptionsTraceGC reports whether NODE_OPTIONS (the last one, as a
// child would see it) turns the trace on.
func nodeOptionsTraceGC(env []string) bool {
	if env == nil {
		env = os.Environ()
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "NODE_OPTIONS="); ok {
			return hasTraceGC(strings.Fields(v))
		}
	}
	return false
}

// withGCTrace returns a copy of env whose GODEBUG has gctrace >= 1. When
// GODEBUG appears several times, the last one (the one a child sees) is
// changed.
func withGCTrace(env []string) []string {
	out := slices.Clone(env)
	for i := len(out) - 1; i >= 0; i-- {
		v, ok := strings.CutPrefix(out[i], "GODEBUG=")
		if !ok {
			continue
		}
		out[i] = "GODEBUG=" + mergeGODEBUG(v)
		return out
	}
	return append(out, "GODEBUG=gctrace=1")
}

// mergeGODEBUG sets gctrace=1 in a GODEBUG value unless it is already on.
// Go reads the comma-separated settings in order and the last one wins,
// so an existing gctrace setting is edited in place.
func mergeGODEBUG(v string) string {
	parts := strings.Split(v, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		name, val, _ := strings.Cut(parts[i], "=")
		if name != "gctrace" {
			continue
		}
		if val != "" && val != "0" && strings.Trim(val, "0123456789") == "" {
			return v // already tracing (1, 2, ...)
		}
		parts[i] = "gctrace=1"
		return strings.Join(parts, ",")
	}
	if v == "" {
		return "gctrace=1"
	}
	return v + ",gctrace=1"
}
