package runner

import (
	"slices"
	"testing"

	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/scenarios"
)

func TestInjected(t *testing.T) {
	base := []string{"PATH=/usr/bin", "PORT=1"}
	tests := []struct {
		name                string
		plainArgv, plainEnv []string
		argv, env           []string
		want                []string
	}{
		{"nothing added", []string{"./srv"}, base, []string{"./srv"}, base, nil},
		{"a variable added", []string{"./srv"}, base, []string{"./srv"}, append(slices.Clone(base), "GODEBUG=gctrace=1"),
			[]string{"GODEBUG=gctrace=1 (switch off: runtime: other)"}},
		{"a variable extended", []string{"java", "P"}, append(slices.Clone(base), "JAVA_TOOL_OPTIONS=-Xss512k"),
			[]string{"java", "P"}, append(slices.Clone(base), "JAVA_TOOL_OPTIONS=-Xss512k -Xlog:gc:stderr"),
			[]string{"JAVA_TOOL_OPTIONS += -Xlog:gc:stderr (switch off: runtime: other)"}},
		{"a variable changed", []string{"./srv"}, append(slices.Clone(base), "GODEBUG=gctrace=0"),
			[]string{"./srv"}, append(slices.Clone(base), "GODEBUG=gctrace=1"),
			[]string{"GODEBUG=gctrace=1 (switch off: runtime: other)"}},
		{"an argument added", []string{"node", "s.js"}, base, []string{"node", "--trace-gc", "s.js"}, base,
			[]string{"argv += --trace-gc (switch off: runtime: other)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := injected(tt.plainArgv, tt.plainEnv, tt.argv, tt.env); !slices.Equal(got, tt.want) {
				t.Errorf("injected(...) = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestInjectedJVM: a JVM target, direct or behind a shell, gets the GC
// log through JAVA_TOOL_OPTIONS, and says so.
func TestInjectedJVM(t *testing.T) {
	t.Setenv("JAVA_TOOL_OPTIONS", "-Xss1m")
	h := &harness{}
	defer h.close()
	vars := targetVars(8123, "http://127.0.0.1:9", "")
	for _, cmd := range []scenarios.Command{{"java", "-cp", "/x", "UploadNaive"}, {"sh", "-c", "exec java -cp /x UploadNaive"}} {
		tg := &scenarios.Target{Name: "j", Runtime: scenarios.RuntimeJVM, Command: cmd}
		argv, env, err := h.targetCommand(tg, tg.Command, vars)
		if err != nil {
			t.Fatal(err)
		}
		plainArgv, plainEnv := h.untracedCommand(tg, tg.Command, vars)
		got := injected(plainArgv, plainEnv, argv, env)
		want := []string{"JAVA_TOOL_OPTIONS += " + gctrace.JVMLogOption + " (switch off: runtime: other)"}
		if !slices.Equal(got, want) || !slices.Equal(argv, []string(cmd)) {
			t.Errorf("%q: argv %q, injected %q; want argv unchanged, %q", cmd, argv, got, want)
		}
	}
}
