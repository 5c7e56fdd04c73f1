package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/scenarios"
)

func newListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios, one line each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SCENARIO\tRUNTIMES\tDESCRIPTION")
			for _, in := range scenarios.Builtins() {
				fmt.Fprintf(w, "%s\t%s\t%s\n", in.Name, strings.Join(in.Runtimes, ","), in.Description)
			}
			return w.Flush()
		},
	}
}
