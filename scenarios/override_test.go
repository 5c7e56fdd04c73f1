package scenarios

import (
	"slices"
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
		if err := sc.SetTargetCommand("upload-naive", []string{"node", "server.js"}); err != nil {
			t.Fatal(err)
		}
		got := sc.Targets[0]
		if got.Builtin != "" || got.Runtime != "node" || !slices.Equal(got.Command, Command{"node", "server.js"}) ||
			!slices.Equal(got.Expect.Outcomes, want.Outcomes) {
			t.Errorf("SetTargetCommand = %+v; want the node command with the old expectations", got)
		}
	})
	t.Run("add extends the deadline", func(t *testing.T) {
		sc := base(t)
		n, dl := len(sc.Targets), sc.Deadline
		if err := sc.SetTargetCommand("mine", []string{"python3", "s.py"}); err != nil {
			t.Fatal(err)
		}
		if len(sc.Targets) != n+1 || sc.Targets[n].Runtime != "other" || sc.Deadline <= dl {
			t.Errorf("after adding: %d targets, runtime %q, deadline %s; want %d, other, > %s", len(sc.Targets), sc.Targets[n].Runtime, sc.Deadline, n+1, dl)
		}
	})
	t.Run("bad names and commands", func(t *testing.T) {
		sc := base(t)
		if err := sc.SetTargetCommand("has space", []string{"x"}); err == nil {
			t.Error("SetTargetCommand(\"has space\") = nil; want an error")
		}
		if err := sc.SetTargetCommand("x", nil); err == nil {
			t.Error("SetTargetCommand(empty argv) = nil; want an error")
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
	})
}
