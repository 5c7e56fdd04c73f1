package runner

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/scenarios"
)

// TestTargetVarsTied: the names the scenario validator knows are expanded
// are exactly those the runner gives values to.
func TestTargetVarsTied(t *testing.T) {
	got := slices.Sorted(maps.Keys(targetVars(1, "http://127.0.0.1:2", "127.0.0.1:3")))
	want := slices.Sorted(slices.Values(scenarios.TargetVars))
	if !slices.Equal(got, want) {
		t.Errorf("targetVars keys = %q; scenarios.TargetVars = %q", got, want)
	}
}

func TestTargetCommand(t *testing.T) {
	h := &harness{}
	defer h.close()
	vars := targetVars(8123, "http://127.0.0.1:9", "")
	tg := &scenarios.Target{
		Name: "svc", Runtime: "node", Command: scenarios.Command{"npm", "start", "--", "--port=${PORT}", "$HOME"},
		Env:           map[string]string{"API": "${DOWNSTREAM_URL}/v1", "LIT": "$PORT"},
		DownstreamEnv: &scenarios.DownstreamEnv{Name: "DATABASE_URL", URL: "${DOWNSTREAM_URL}/db"},
	}
	argv, env, err := h.targetCommand(tg, tg.Command, vars)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"npm", "start", "--", "--port=8123", "$HOME"}; !slices.Equal(argv, want) {
		t.Errorf("argv = %q; want %q", argv, want)
	}
	for _, kv := range []string{"API=http://127.0.0.1:9/v1", "LIT=$PORT", "PORT=8123", "DOWNSTREAM_URL=http://127.0.0.1:9",
		"DATABASE_URL=http://127.0.0.1:9/db"} {
		if !slices.Contains(env, kv) {
			t.Errorf("env lacks %q", kv)
		}
	}
	i := slices.IndexFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "NODE_OPTIONS=") })
	if i < 0 || !strings.Contains(env[i], "--require ") || !strings.Contains(env[i], "oomlab-trace-gc.js") {
		t.Errorf("NODE_OPTIONS = %q; want a --require of the trace preload (npm start)", env[max(i, 0)])
	}

	// node itself gets --trace-gc as an argument, no preload; a builtin's
	// argv is not expanded.
	direct := &scenarios.Target{Name: "n", Runtime: "node", Builtin: "node-upload-naive"}
	argv, env, err = h.targetCommand(direct, []string{"/usr/bin/node", "/tmp/${PORT}.js"}, vars)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/usr/bin/node", "--trace-gc", "/tmp/${PORT}.js"}; !slices.Equal(argv, want) {
		t.Errorf("argv = %q; want %q", argv, want)
	}
	if slices.ContainsFunc(env, func(kv string) bool { return strings.Contains(kv, "oomlab-trace-gc.js") }) {
		t.Errorf("env has the preload for node run directly")
	}
}

// TestTargetCommandPython: a Python target's PYTHONPATH gets the
// preload's folder first, its own entries kept after it, the preload is
// written there as sitecustomize.py, and what was added is said in words
// with how to switch it off; other runtimes get no PYTHONPATH.
func TestTargetCommandPython(t *testing.T) {
	h := &harness{}
	defer h.close()
	vars := targetVars(8123, "http://127.0.0.1:9", "")
	tests := []struct {
		name     string
		runtime  string
		env      map[string]string
		wantPath string // PYTHONPATH after the preload's folder; "-": none set
	}{
		{name: "python, no PYTHONPATH", runtime: "python", wantPath: ""},
		{name: "python, the target's PYTHONPATH kept", runtime: "python", env: map[string]string{"PYTHONPATH": "/srv/app:/srv/lib"}, wantPath: ":/srv/app:/srv/lib"},
		{name: "other runtime untouched", runtime: "other", env: map[string]string{"PYTHONPATH": "/srv/app"}, wantPath: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &scenarios.Target{Name: "py", Runtime: tt.runtime, Command: scenarios.Command{"python3", "app.py"}, Env: tt.env}
			argv, env, err := h.targetCommand(tg, tg.Command, vars)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(argv, []string{"python3", "app.py"}) {
				t.Errorf("argv = %q; want it unchanged", argv)
			}
			last := ""
			for _, kv := range env {
				if v, ok := strings.CutPrefix(kv, "PYTHONPATH="); ok {
					last = v
				}
			}
			plainArgv, plainEnv := h.untracedCommand(tg, tg.Command, vars)
			injected := injected(plainArgv, plainEnv, argv, env)
			if tt.wantPath == "-" {
				if len(injected) != 0 || strings.Contains(last, pythonPreloadDir) {
					t.Errorf("PYTHONPATH = %q, injected %q; want nothing added", last, injected)
				}
				return
			}
			dir, rest, _ := strings.Cut(last, ":")
			if filepath.Base(dir) != pythonPreloadDir || (rest != "" && ":"+rest != tt.wantPath) || (rest == "" && tt.wantPath != "") {
				t.Errorf("PYTHONPATH = %q; want the preload's folder, then %q", last, tt.wantPath)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "sitecustomize.py")); err != nil || !bytes.Equal(b, gctrace.PythonPreload) {
				t.Errorf("sitecustomize.py in %s: %v; want the preload", dir, err)
			}
			if len(injected) != 1 || !strings.HasPrefix(injected[0], "PYTHONPATH: "+dir+" put first") || !strings.Contains(injected[0], "switch off: runtime: other") {
				t.Errorf("injected = %q; want one entry naming %s and how to switch it off", injected, dir)
			}
		})
	}
}
