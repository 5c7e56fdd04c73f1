package runner

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/oomlab/oomlab/scenarios"
)

// injectedOff says how a user switches off what oomlab adds to a
// target's command for its runtime (GC trace, memoryUsage preload).
const injectedOff = "switch off: runtime: other"

// injected words what oomlab added to a target's command for its
// runtime, for results.json's Target.Injected: each variable of env that
// plainEnv lacks or has with another value ("JAVA_TOOL_OPTIONS +=
// -Xlog:gc:stderr:uptime,pid,level,tags (switch off: runtime: other)"),
// and the words argv has that plainArgv lacks. plainArgv and plainEnv are
// the command as it would start without them (see untracedCommand).
func injected(plainArgv, plainEnv, argv, env []string) []string {
	var out []string
	if len(argv) > len(plainArgv) {
		var added []string
		for _, w := range argv {
			if !slices.Contains(plainArgv, w) {
				added = append(added, w)
			}
		}
		if len(added) > 0 {
			out = append(out, fmt.Sprintf("argv += %s (%s)", strings.Join(added, " "), injectedOff))
		}
	}
	before := lastValues(plainEnv)
	after := lastValues(env)
	names := make([]string, 0, len(after))
	for k := range after {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := after[k]
		old, ok := before[k]
		trimmed := strings.TrimSpace(old)
		off := injectedOff
		if strings.HasPrefix(k, "OOMLAB_PY_") {
			off = "switch off: evidence.tracemalloc: false"
		}
		switch {
		case ok && old == v:
		case trimmed != "" && strings.HasPrefix(v, trimmed):
			out = append(out, fmt.Sprintf("%s += %s (%s)", k, strings.TrimSpace(v[len(trimmed):]), off))
		case k == "PYTHONPATH":
			first, _, _ := strings.Cut(v, string(os.PathListSeparator))
			out = append(out, fmt.Sprintf("PYTHONPATH: %s put first, whose sitecustomize.py writes a line per garbage collection on stdout, then runs your own sitecustomize (%s)", first, off))
		default:
			out = append(out, fmt.Sprintf("%s=%s (%s)", k, v, off))
		}
	}
	return out
}

// lastValues maps each variable of env to its last value (what a child
// sees).
func lastValues(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// untracedCommand is targetCommand for t as if its runtime were "other":
// the command without what oomlab adds for a runtime, to compare with.
func (h *harness) untracedCommand(t *scenarios.Target, argv []string, vars map[string]string) ([]string, []string) {
	plain := *t
	plain.Runtime = scenarios.RuntimeOther
	a, e, err := h.targetCommand(&plain, argv, vars)
	if err != nil {
		return nil, nil
	}
	return a, e
}
