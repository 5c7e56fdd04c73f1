// Command oomlab reproduces out-of-memory crashes caused by missing
// backpressure and proves the fix: it runs a naive and a
// backpressure-aware server under a real memory limit, drives them with
// rising load while a mock downstream slows down, and plots and judges
// their memory.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/scenarios"
)

// version is stamped by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1 // an expectation failed or a target could not be run
	exitBadInput    = 2 // a scenario or flag error
	exitInterrupted = 130
)

// exitError carries an exit code through cobra to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	// The shim that starts a target inside its cgroup runs before
	// anything else: it execs the target at once.
	if len(os.Args) > 1 && os.Args[1] == runner.ExecInCommand {
		err := runner.ExecIn(os.Args[2:])
		fmt.Fprintln(os.Stderr, "oomlab:", err)
		os.Exit(exitFailed)
	}
	ctx, stop := notifyContext()
	defer stop()
	err := newRoot().ExecuteContext(ctx)
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "oomlab:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "oomlab:", err)
	if scenarios.IsInvalid(err) {
		return exitBadInput
	}
	return exitFailed
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "oomlab",
		Short: "Reproduce out-of-memory crashes caused by missing backpressure, and prove the fix",
		Long: `oomlab runs a naive and a backpressure-aware server under a real memory limit,
drives them with rising open-loop load while a mock downstream slows down,
samples their memory and GC, and plots and judges the result.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.AddCommand(newRunCmd(), newListCmd(), newValidateCmd(), newReportCmd(), newCompareCmd(),
		newFixtureCmd(), newCleanupCmd(), newDoctorCmd())
	return root
}
