package gctrace

import (
	"os"
	"slices"
	"strings"
)

// NodeTracePreload is a script that turns V8's GC trace on from inside a
// Node.js process. NODE_OPTIONS refuses V8 flags ("--trace-gc is not
// allowed in NODE_OPTIONS") but takes --require, and the trace flag is
// read at every collection, so setting it from a preload works: every
// node the target starts (npm start's child, cluster workers, npm itself)
// then writes the same trace lines --trace-gc would, on its stdout.
const NodeTracePreload = `// Written by oomlab: V8's GC trace, as --trace-gc, for a node started
// through npm, a shell or a script (NODE_OPTIONS cannot carry --trace-gc).
try { require('v8').setFlagsFromString('--trace-gc'); } catch (e) {}
`

// TracesNode reports whether argv and env already make node trace its
// GC: argv runs node with --trace-gc, or NODE_OPTIONS carries it.
func TracesNode(argv, env []string) bool {
	return len(argv) > 0 && isNodeExe(argv[0]) && hasTraceGC(argv) || nodeOptionsTraceGC(env)
}

// WithNodeOption returns a copy of env (nil: os.Environ()) whose last
// NODE_OPTIONS ends with args, each quoted when it holds a space; a
// NODE_OPTIONS is added when there is none.
func WithNodeOption(env []string, args ...string) []string {
	if env == nil {
		env = os.Environ()
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t\"\\") {
			a = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(a) + `"`
		}
		quoted[i] = a
	}
	add := strings.Join(quoted, " ")
	out := slices.Clone(env)
	for i := len(out) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(out[i], "NODE_OPTIONS="); ok {
			if strings.TrimSpace(v) != "" {
				add = v + " " + add
			}
			out[i] = "NODE_OPTIONS=" + add
			return out
		}
	}
	return append(out, "NODE_OPTIONS="+add)
}
