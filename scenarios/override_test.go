package scenarios

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestOverrides(t *testing.T) {
	base := func(t *testing.T) *Scenario {
		sc, err := Builtin("upload-proxy")
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	t.Run("replace keeps expectations, detects runtime", func(t *testing.T) {
		sc := base(t)
		want := sc.Targets[0].Expect
		if err := sc.ReplaceTargetCommand("upload-naive", []string{"node", "server.js"}); err != nil {
			t.Fatal(err)
		}
		got := sc.Targets[0]
		if got.Builtin != "" || got.Runtime != "node" || !slices.Equal(got.Command, Command{"node", "server.js"}) ||
			!slices.Equal(got.Expect.Outcomes, want.Outcomes) {
			t.Errorf("ReplaceTargetCommand = %+v; want the node command with the old expectations", got)
		}
	})
	t.Run("add extends the deadline", func(t *testing.T) {
		sc := base(t)
		n, dl := len(sc.Targets), sc.Deadline
		if err := sc.AddTargetCommand("mine", []string{"./srv", "-p"}); err != nil {
			t.Fatal(err)
		}
		if len(sc.Targets) != n+1 || sc.Targets[n].Runtime != "other" || sc.Deadline <= dl {
			t.Errorf("after adding: %d targets, runtime %q, deadline %s; want %d, other, > %s", len(sc.Targets), sc.Targets[n].Runtime, sc.Deadline, n+1, dl)
		}
	})
	t.Run("bad names and commands", func(t *testing.T) {
		sc := base(t)
		for name, set := range map[string]func(string, []string) error{"Replace": sc.ReplaceTargetCommand, "Add": sc.AddTargetCommand} {
			if err := set("has space", []string{"x"}); err == nil {
				t.Errorf("%sTargetCommand(\"has space\") = nil; want an error", name)
			}
			if err := set("upload-naive", nil); err == nil {
				t.Errorf("%sTargetCommand(empty argv) = nil; want an error", name)
			}
		}
	})
	t.Run("replace an unknown name, add a known one", func(t *testing.T) {
		sc := base(t)
		n := len(sc.Targets)
		err := sc.ReplaceTargetCommand("upload-naiv", []string{"./srv"})
		var ue *UnknownTargetError
		const want = "scenarios: upload-proxy has no target upload-naiv (did you mean upload-naive?); its targets: upload-naive, upload-aware, node-upload-naive, node-upload-aware. To run your command beside them, use --add-target upload-naiv=COMMAND"
		if !errors.As(err, &ue) || err.Error() != want {
			t.Errorf("ReplaceTargetCommand(upload-naiv) = %v;\nwant %s", err, want)
		}
		if err := sc.ReplaceTargetCommand("mine", []string{"./srv"}); err == nil || strings.Contains(err.Error(), "did you mean") {
			t.Errorf("ReplaceTargetCommand(mine) = %v; want an error without a suggestion", err)
		}
		if err := sc.AddTargetCommand("upload-aware", []string{"./srv"}); err == nil || !strings.Contains(err.Error(), "use --target upload-aware=COMMAND") {
			t.Errorf("AddTargetCommand(upload-aware) = %v; want an error pointing to --target", err)
		}
		if len(sc.Targets) != n {
			t.Errorf("after refused overrides: %d targets; want %d", len(sc.Targets), n)
		}
	})
	t.Run("keep runtime", func(t *testing.T) {
		sc := base(t)
		if err := sc.KeepRuntime("go"); err != nil {
			t.Fatal(err)
		}
		for _, tg := range sc.Targets {
			if tg.Runtime != "go" {
				t.Errorf("KeepRuntime(go) kept %s (%s)", tg.Name, tg.Runtime)
			}
		}
		if err := sc.KeepRuntime("other"); err == nil {
			t.Error("KeepRuntime(other) on a scenario without such targets = nil; want an error")
		}
		if err := sc.KeepRuntime("java"); err == nil {
			t.Error("KeepRuntime(java) = nil; want an error")
		}
	})
	t.Run("memory limit", func(t *testing.T) {
		sc := base(t)
		if err := sc.SetMemoryLimit("128MiB"); err != nil || sc.MemoryLimit != 128<<20 {
			t.Errorf("SetMemoryLimit(128MiB) = %v, limit %d", err, sc.MemoryLimit)
		}
		for _, bad := range []string{"1MiB", "lots", "-5MiB"} {
			if err := sc.SetMemoryLimit(bad); err == nil {
				t.Errorf("SetMemoryLimit(%q) = nil; want an error", bad)
			}
		}
		for in, want := range map[string]string{
			"256m": `did you mean "256MiB"?`,
			"256":  `a number without a unit is bytes: did you mean "256MiB"?`,
		} {
			if err := sc.SetMemoryLimit(in); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("SetMemoryLimit(%q) = %v; want an error saying %q", in, err, want)
			}
		}
	})
}

func TestRestartPolicy(t *testing.T) {
	const head = "name: r\nload: {stages: [{rate: 1, duration: 1s}]}\ntargets:\n  - name: a\n    builtin: upload-naive\n"
	tests := []struct {
		name, yaml string
		wantErr    string // "" for valid
		wantMax    int
	}{
		{"default never", head, "", 0},
		{"on-failure gets the default bound", head + "    restart: on-failure\n", "", DefaultMaxRestarts},
		{"explicit bound", head + "    restart: on-failure\n    max_restarts: 2\n", "", 2},
		{"unknown policy", head + "    restart: always\n", "s.yaml:6: targets[0].restart", 0},
		{"bound without policy", head + "    max_restarts: 2\n", "s.yaml:6: targets[0].max_restarts: needs restart: on-failure", 0},
		{"bound too large", head + "    restart: on-failure\n    max_restarts: 1000\n", "s.yaml:7: targets[0].max_restarts: must be between 1 and 100", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", strings.NewReader(tt.yaml))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Parse = %v; want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Parse = %v; want an error containing %q", err, tt.wantErr)
			case tt.wantErr == "" && sc.Targets[0].MaxRestarts != tt.wantMax:
				t.Errorf("max_restarts = %d; want %d", sc.Targets[0].MaxRestarts, tt.wantMax)
			}
		})
	}
	sc, _ := Builtin("upload-proxy")
	if err := sc.SetRestart(RestartOnFailure); err != nil || sc.Targets[0].MaxRestarts != DefaultMaxRestarts {
		t.Errorf("SetRestart(on-failure) = %v, max %d", err, sc.Targets[0].MaxRestarts)
	}
	if err := sc.SetRestart("sometimes"); err == nil {
		t.Error("SetRestart(sometimes) = nil; want an error")
	}
}
