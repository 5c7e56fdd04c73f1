package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner/cgroup"
)

func newCleanupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cleanup",
		Short: "Remove cgroups left behind by a harness that was killed (every run also does this first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := cgroup.Explain("/") // find where groups go without placing anything
			if err != nil {
				return err
			}
			if m.Mode() == "none" {
				fmt.Fprintf(cmd.OutOrStdout(), "no cgroups in use here: %s\n", m.Reason())
				return nil
			}
			removed, err := m.Sweep()
			for _, r := range removed {
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", r)
			}
			if err == nil && len(removed) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "nothing to remove")
			}
			return err
		},
	}
}
