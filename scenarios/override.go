package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SetTargetCommand makes the named target run argv: it replaces the
// command of an existing target (keeping its role, env and expectations,
// and detecting its runtime again) or adds a new target without
// expectations. It is what `oomlab run --target NAME=COMMAND` does.
func (s *Scenario) SetTargetCommand(name string, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("scenarios: target %s: empty command", name)
	}
	if !nameOK(name) {
		return fmt.Errorf("scenarios: target name %q: use 1-64 letters, digits, '.', '_' or '-'", name)
	}
	i := slices.IndexFunc(s.Targets, func(t Target) bool { return t.Name == name })
	if i < 0 {
		s.Targets = append(s.Targets, Target{Name: name, ReadyTimeout: DefaultReadyTimeout})
		i = len(s.Targets) - 1
		s.Deadline += Duration(s.Load.TotalDuration()) + DeadlineGrace
	}
	t := &s.Targets[i]
	t.Builtin, t.Command, t.Dir = "", Command(argv), "" // runs where it was typed
	t.Runtime = detectRuntime(*t)
	return nil
}

// KeepRuntime drops every target whose runtime is not rt (one of
// Runtimes); it fails when none is left.
func (s *Scenario) KeepRuntime(rt string) error {
	if !slices.Contains(runtimes, rt) {
		return fmt.Errorf("scenarios: runtime %q: want %s or all", rt, strings.Join(runtimes, ", "))
	}
	kept := slices.DeleteFunc(slices.Clone(s.Targets), func(t Target) bool { return t.Runtime != rt })
	if len(kept) == 0 {
		return fmt.Errorf("scenarios: %s has no %s target", s.Name, rt)
	}
	s.Targets = kept
	return nil
}

// SetMemoryLimit replaces the memory limit with a size such as "256MiB".
func (s *Scenario) SetMemoryLimit(size string) error {
	var b ByteSize
	if err := b.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: strings.TrimSpace(size)}); err != nil {
		return fmt.Errorf("scenarios: memory limit: %w", err)
	}
	if b < MinMemoryLimit {
		return fmt.Errorf("scenarios: memory limit %s is below the %s minimum%s", b, MinMemoryLimit, BareSizeHint(b))
	}
	s.MemoryLimit = b
	return nil
}

// SetRestart gives every target the restart policy rt ("never" or
// "on-failure", with its default bound); `oomlab run --restart`.
func (s *Scenario) SetRestart(rt string) error {
	if !slices.Contains(restarts, rt) {
		return fmt.Errorf("scenarios: restart %q: want %s or %s", rt, RestartNever, RestartOnFailure)
	}
	for i := range s.Targets {
		s.Targets[i].Restart, s.Targets[i].MaxRestarts = rt, 0
		if rt == RestartOnFailure {
			s.Targets[i].MaxRestarts = DefaultMaxRestarts
		}
	}
	return nil
}
