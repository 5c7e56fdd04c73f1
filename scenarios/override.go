package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ReplaceTargetCommand makes the named target run argv instead of its
// builtin or command, keeping its role, env and expectations and
// detecting its runtime again. It is what `oomlab run --target
// NAME=COMMAND` does. A name the scenario does not have is an
// *UnknownTargetError: a misspelt name must not quietly add a target and
// leave the one meant to be replaced running (AddTargetCommand adds).
func (s *Scenario) ReplaceTargetCommand(name string, argv []string) error {
	if err := checkOverride(name, argv); err != nil {
		return err
	}
	i := slices.IndexFunc(s.Targets, func(t Target) bool { return t.Name == name })
	if i < 0 {
		names := make([]string, len(s.Targets))
		for j, t := range s.Targets {
			names[j] = t.Name
		}
		return &UnknownTargetError{Scenario: s.Name, Name: name, Known: names}
	}
	s.setCommand(i, argv)
	return nil
}

// AddTargetCommand adds a target named name that runs argv, without
// expectations, and extends the deadline by its share. It is what
// `oomlab run --add-target NAME=COMMAND` does; a name the scenario
// already has is refused (ReplaceTargetCommand replaces).
func (s *Scenario) AddTargetCommand(name string, argv []string) error {
	if err := checkOverride(name, argv); err != nil {
		return err
	}
	if slices.ContainsFunc(s.Targets, func(t Target) bool { return t.Name == name }) {
		return fmt.Errorf("scenarios: %s already has a target %s: to run another command in its place, use --target %s=COMMAND", s.Name, name, name)
	}
	s.Targets = append(s.Targets, Target{Name: name, ReadyTimeout: DefaultReadyTimeout})
	s.Deadline += Duration(s.Load.TotalDuration()) + DeadlineGrace
	s.setCommand(len(s.Targets)-1, argv)
	return nil
}

// checkOverride checks the name and command of a target given on the
// command line.
func checkOverride(name string, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("scenarios: target %s: empty command", name)
	}
	if !nameOK(name) {
		return fmt.Errorf("scenarios: target name %q: use 1-64 letters, digits, '.', '_' or '-'", name)
	}
	return nil
}

// setCommand makes target i run argv where oomlab was started.
func (s *Scenario) setCommand(i int, argv []string) {
	t := &s.Targets[i]
	t.Builtin, t.Command, t.Dir = "", Command(argv), "" // runs where it was typed
	t.Runtime = detectRuntime(*t)
}

// UnknownTargetError is a target name the scenario does not have, given
// to replace a target's command.
type UnknownTargetError struct {
	Scenario string
	Name     string
	Known    []string // the scenario's target names, in its order
}

func (e *UnknownTargetError) Error() string {
	msg := fmt.Sprintf("scenarios: %s has no target %s", e.Scenario, e.Name)
	if best := Nearest(e.Name, e.Known); best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return msg + fmt.Sprintf("; its targets: %s. To run your command beside them, use --add-target %s=COMMAND",
		strings.Join(e.Known, ", "), e.Name)
}

// KeepRuntime drops every target whose runtime is not rt (one of
// Runtimes), except those named in always; it fails when none is left.
func (s *Scenario) KeepRuntime(rt string, always ...string) error {
	if !slices.Contains(runtimes, rt) {
		return fmt.Errorf("scenarios: runtime %q: want %s or all", rt, strings.Join(runtimes, ", "))
	}
	kept := slices.DeleteFunc(slices.Clone(s.Targets), func(t Target) bool { return t.Runtime != rt && !slices.Contains(always, t.Name) })
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
