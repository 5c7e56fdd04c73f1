package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/fixtures"
)

// newFixtureCmd is how built-in Go targets run: the harness re-executes its
// own binary as "oomlab fixture NAME", so one binary carries every target.
func newFixtureCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "fixture NAME",
		Short:  "Run a built-in target server (started by the harness; reads PORT and DOWNSTREAM_URL)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := fixtures.Run(cmd.Context(), args[0], os.Getenv); err != nil {
				return fmt.Errorf("fixture %s: %w (known: %s)", args[0], err, strings.Join(fixtures.Names(), ", "))
			}
			return nil
		},
	}
}
