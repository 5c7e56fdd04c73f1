// Command oomlab reproduces out-of-memory crashes caused by missing
// backpressure and proves the fix: it runs a naive and a
// backpressure-aware server under a real memory limit, drives them with
// rising load while a mock downstream slows down, and plots and judges
// their memory.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner"
)

// version is stamped by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// The shim that starts a target inside its cgroup runs before
	// anything else: it execs the target at once.
	if len(os.Args) > 1 && os.Args[1] == runner.ExecInCommand {
		err := runner.ExecIn(os.Args[2:])
		fmt.Fprintln(os.Stderr, "oomlab:", format.TermText(err.Error()))
		os.Exit(exitFailed)
	}
	ctx, stop := notifyContext()
	defer stop()
	err := newRoot().ExecuteContext(ctx)
	os.Exit(exitCode(err))
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
		Version:       buildVersion(),
	}
	root.AddCommand(newRunCmd(), newListCmd(), newValidateCmd(), newReportCmd(), newCompareCmd(),
		newFixtureCmd(), newCleanupCmd(), newDoctorCmd(), newBaselineCmd(), newGateCmd(), newInitCmd(), newEdgeCmd(), newServiceCmd(), newMergeCmd(),
		newSchemaCmd(), newReferenceCmd())
	classifyErrors(root)
	registerCompletions(root)
	return root
}
