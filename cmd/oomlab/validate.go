package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/runner"
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
				sc, err := loadScenario(a)
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

// loadScenario is the one validator of `validate` and `run`: the
// scenario's own rules (scenarios.Lookup), then what only the runner can
// judge (runner.Check: builtins it ships, body limits).
func loadScenario(arg string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Lookup(arg)
	if err != nil {
		return nil, err
	}
	if err := runner.Check(sc); err != nil {
		return nil, fmt.Errorf("%s: scenario %w", arg, err)
	}
	return sc, nil
}
