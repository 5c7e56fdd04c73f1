package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/oomlab/oomlab/fixtures"
	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/scenarios"
)

// targetVars gives the values of scenarios.TargetVars for one target:
// the one place they are known. Each is also set in the target's
// environment, and expanded as ${NAME} in its command words, env values
// and downstream_env.url. A variable added here must be added to
// scenarios.TargetVars too (TestTargetVarsTied).
//
// DOWNSTREAM_ADDR is the TCP fault proxy's host:port (downAddr), empty
// for the mock downstream.
func targetVars(port int, downURL, downAddr string) map[string]string {
	return map[string]string{
		"PORT":            strconv.Itoa(port),
		"DOWNSTREAM_URL":  downURL,
		"DOWNSTREAM_ADDR": downAddr,
	}
}

// targetCommand returns the argv and environment a target starts with:
// the harness's environment, the target's env (expanded), every target
// variable, its downstream_env, and what makes its runtime trace its GC.
// The command words of a command target are expanded; a builtin's argv
// is the harness's own.
func (h *harness) targetCommand(t *scenarios.Target, argv []string, vars map[string]string) ([]string, []string, error) {
	if len(t.Command) > 0 {
		argv = slices.Clone(argv)
		for i, w := range argv {
			argv[i] = scenarios.Expand(w, vars)
		}
	}
	env := os.Environ()
	keys := make([]string, 0, len(t.Env))
	for k := range t.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+scenarios.Expand(t.Env[k], vars))
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		env = append(env, k+"="+vars[k])
	}
	if e := t.DownstreamEnv; e != nil {
		env = append(env, e.Name+"="+scenarios.Expand(cmpOr(e.URL, scenarios.DefaultDownstreamURL), vars))
	}
	argv, env = gctrace.TraceArgs(t.Runtime, argv, env)
	switch {
	case t.Runtime == gctrace.RuntimePython:
		env, err := h.pythonEnv(env)
		return argv, env, err
	case t.Runtime == gctrace.RuntimeNode && !gctrace.TracesNode(argv, env):
		// Started through npm, a shell or a script: --trace-gc must reach
		// node wherever it is in the tree, and NODE_OPTIONS does not take
		// V8 flags, but it takes a preload that sets one.
		preload, err := h.scratch.file("oomlab-trace-gc.js", []byte(gctrace.NodeTracePreload))
		if err != nil {
			return nil, nil, err
		}
		env = gctrace.WithNodeOption(env, "--require", preload)
	}
	return argv, env, nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a
}

// errSkip marks a target that cannot run on this machine (node missing).
var errSkip = errors.New("skipped")

// targetArgv resolves what to execute for a target: a built-in Go fixture
// re-executes the oomlab binary, a built-in Node.js fixture is written to a
// temporary directory and run with node, a command runs as given.
func (h *harness) targetArgv(t *scenarios.Target) ([]string, error) {
	switch {
	case len(t.Command) > 0:
		return append([]string(nil), t.Command...), nil
	case t.Runtime == "node":
		if _, ok := fixtures.NodeScript(t.Builtin); !ok {
			return nil, fmt.Errorf("runner: no built-in Node.js target %q", t.Builtin)
		}
		node := h.opts.Node
		if node == "" {
			node = "node"
		}
		path, err := exec.LookPath(node)
		if err != nil {
			return nil, fmt.Errorf("%w: node is not installed (%v), so the Node.js target %s cannot run", errSkip, err, t.Name)
		}
		// The script and its node_modules link share the directory's lock:
		// parallel targets would otherwise install the same packages at once.
		var file string
		err = h.scratch.use(func(dir string) error {
			var err error
			if file, err = fixtures.WriteNode(dir, t.Builtin); err != nil { // the script and the module it requires
				return fmt.Errorf("runner: %w", err)
			}
			return h.nodeModules(dir, t.Builtin)
		})
		if err != nil {
			return nil, err
		}
		return []string{path, file}, nil
	default:
		return []string{h.opts.Executable, "fixture", t.Builtin}, nil
	}
}
