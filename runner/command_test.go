package runner

import (
	"maps"
	"slices"
	"strings"
	"testing"

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
