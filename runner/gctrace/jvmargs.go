package gctrace

import (
	"os"
	"slices"
	"strings"
)

// JVMLogOption is the unified logging option oomlab gives a JVM: the gc
// tag's info lines (one per collection, see ParseJVM) on stderr, where
// the harness reads them, with the uptime, the process ID, the level and
// the tags as decorators.
const JVMLogOption = "-Xlog:gc:stderr:uptime,pid,level,tags"

// jvmOptionVars are the variables every JVM reads options from:
// JAVA_TOOL_OPTIONS (any JVM, also one started by a wrapper, a shell or a
// build tool) and JDK_JAVA_OPTIONS (the java launcher, JDK 9 on).
var jvmOptionVars = []string{"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"}

// withJVMTrace returns env (nil: os.Environ()) with JVMLogOption
// appended to JAVA_TOOL_OPTIONS, which every JVM reads wherever it is in
// the target's tree, unless argv or the options already log the gc tag
// to stderr (a second output would print every line twice).
func withJVMTrace(argv, env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	if TracesJVM(argv, env) {
		return env
	}
	out := slices.Clone(env)
	for i := len(out) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(out[i], "JAVA_TOOL_OPTIONS="); ok {
			if v = strings.TrimSpace(v); v != "" {
				v += " "
			}
			out[i] = "JAVA_TOOL_OPTIONS=" + v + JVMLogOption
			return out
		}
	}
	return append(out, "JAVA_TOOL_OPTIONS="+JVMLogOption)
}

// TracesJVM reports whether argv or the JVM option variables of env
// (the last of each, as a child sees it) already log the gc tag to
// stderr: an -Xlog option whose selection starts with "gc" (gc, gc*,
// gc=info, gc*=debug) and whose output is stderr.
func TracesJVM(argv, env []string) bool {
	if slices.ContainsFunc(argv, isJVMGCToStderr) {
		return true
	}
	for _, name := range jvmOptionVars {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], name+"="); ok {
				if slices.ContainsFunc(strings.Fields(v), isJVMGCToStderr) {
					return true
				}
				break
			}
		}
	}
	return false
}

// isJVMGCToStderr reports "-Xlog:gc...:stderr[:...]".
func isJVMGCToStderr(opt string) bool {
	rest, ok := strings.CutPrefix(opt, "-Xlog:")
	if !ok {
		return false
	}
	parts := strings.Split(rest, ":")
	return len(parts) >= 2 && strings.HasPrefix(parts[0], "gc") && parts[1] == "stderr"
}
