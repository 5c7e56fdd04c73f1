package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/scenarios"
)

// Exit codes: exitCodes says the same to people, in --help, the README
// and docs/reference/exit-codes.md, all rendered from it.
const (
	exitOK          = 0
	exitFailed      = 1 // an expectation or a baseline check failed
	exitBadInput    = 2 // usage, scenario or harness error
	exitNothing     = 3 // nothing to judge
	exitInterrupted = 130
)

// exitCodes is the one table of exit statuses and what they mean.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{exitOK, "every expectation (and baseline check) held"},
	{exitFailed, "an expectation or a baseline check failed, or one of the targets could not start"},
	{exitBadInput, "usage, scenario or harness error: a bad flag or argument, a scenario problem, a run the harness could not carry out or where no target could start"},
	{exitNothing, "nothing to judge: no targets, no samples, no expectations, empty results"},
	{exitInterrupted, "interrupted (Ctrl-C or SIGTERM)"},
}

// exitTable is printed at the end of every command's --help.
var exitTable = renderExitTable()

// renderExitTable is exitCodes for a terminal: one status a line, the
// meaning wrapped at 78 columns under its own indent.
func renderExitTable() string {
	var b strings.Builder
	b.WriteString("Exit status:")
	for _, e := range exitCodes {
		fmt.Fprintf(&b, "\n  %-4d ", e.code)
		col := 7
		for i, w := range strings.Fields(e.meaning) {
			if i > 0 && col+1+len(w) > 78 {
				b.WriteString("\n       ")
				col = 7
			} else if i > 0 {
				b.WriteString(" ")
				col++
			}
			b.WriteString(w)
			col += len(w)
		}
	}
	return b.String()
}

// exitError carries an exit code through cobra to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad flag, argument or command: exit 2, with a hint.
type usageError struct {
	cmd string // "oomlab run"
	err error
}

func (e *usageError) Error() string {
	return fmt.Sprintf("%v (see '%s --help')", e.err, e.cmd)
}
func (e *usageError) Unwrap() error { return e.err }

// ranError marks an error returned by a command's RunE, as opposed to one
// cobra found before running anything (an unknown command or flag).
type ranError struct{ err error }

func (e *ranError) Error() string { return e.err.Error() }
func (e *ranError) Unwrap() error { return e.err }

func usage(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd.CommandPath(), err: fmt.Errorf(format, args...)}
}

// classifyErrors makes every flag, argument and command error of root and
// its subcommands a usageError, marks what RunE returns, and adds the exit
// table to every --help.
func classifyErrors(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{cmd: c.CommandPath(), err: err}
	})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(cmd *cobra.Command, a []string) error {
				if err := addrHint(cmd, a); err != nil {
					return err
				}
				if err := args(cmd, a); err != nil {
					return &usageError{cmd: cmd.CommandPath(), err: err}
				}
				return nil
			}
		}
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, a []string) error {
				if err := run(cmd, a); err != nil {
					return &ranError{err}
				}
				return nil
			}
		}
		if !c.Runnable() && c.HasSubCommands() && c.HasParent() {
			// A group (completion, baseline): cobra would print its help
			// and exit 0 for an unknown subcommand.
			c.RunE = func(cmd *cobra.Command, a []string) error {
				if len(a) > 0 {
					return usage(cmd, "unknown command %q for %q", a[0], cmd.CommandPath())
				}
				return cmd.Help()
			}
		}
		if !strings.Contains(c.Long, "Exit status:") && !c.Hidden {
			c.Long = strings.TrimSpace(strings.TrimSpace(c.Long) + "\n\n" + exitTable)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// exitCode prints err and returns the process's exit status: an
// exitError's code; 2 for a usage error (with its hint), a scenario
// problem or a harness error; and 2 with a hint for anything cobra
// rejected before running a command.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "oomlab:", format.TermText(ee.err.Error()))
		}
		return ee.code
	}
	var ue *usageError
	var re *ranError
	switch {
	case errors.As(err, &ue):
	case errors.As(err, &re):
	case scenarios.IsInvalid(err):
	default:
		err = &usageError{cmd: "oomlab", err: err} // cobra's own: an unknown command
	}
	fmt.Fprintln(os.Stderr, "oomlab:", format.TermText(err.Error()))
	return exitBadInput
}

// exitFor is the one place a gate status becomes a command's result:
// nil (exit 0) for a pass, exit 1 for a failure, exit 3 when there was
// nothing to judge, each with the status's reason. noGate (run --no-gate:
// no gate wanted) makes both exit 0; the outputs still say what the gate
// concluded.
func exitFor(g judge.GateStatus, noGate bool) error {
	if noGate && (g.State == judge.GateFail || g.State == judge.GateNothing) {
		return nil
	}
	switch g.State {
	case judge.GatePass:
		return nil
	case judge.GateFail:
		return &exitError{code: exitFailed, err: fmt.Errorf("gate failed: %s", g.Reason)}
	case judge.GateNothing:
		return &exitError{code: exitNothing, err: fmt.Errorf("nothing to judge: %s", g.Reason)}
	}
	return &exitError{code: exitBadInput, err: fmt.Errorf("unknown gate state %v: %s", g.State, g.Reason)}
}

// codeOf is the exit status err leads to, as exitCode decides it, without
// printing anything.
func codeOf(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitBadInput
}
