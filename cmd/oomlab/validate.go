package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/scenarios"
)

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE|NAME...",
		Short: "Parse and check scenario files; print every problem with its file, line and field",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var errs []error
			for _, a := range args {
				sc, err := scenarios.Lookup(a)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				for _, w := range scenarios.Warnings(a, sc) {
					fmt.Fprintln(cmd.OutOrStdout(), "warning:", w)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d targets, %d stages, %s of load, %d downstream phases)\n",
					a, len(sc.Targets), len(sc.Load.Stages), sc.Load.TotalDuration(), len(sc.Downstream.Phases))
			}
			if len(errs) > 0 {
				return &exitError{code: exitBadInput, err: errors.Join(errs...)}
			}
			return nil
		},
	}
}
