package main

import (
	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/scenarios"
)

// newSchemaCmd prints the JSON Schema of scenario files, the same
// document docs/reference/scenario.schema.json holds.
func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files, for editors and CI checks",
		Long: `Schema prints the JSON Schema (draft-07) of oomlab scenario files on
stdout. It is generated from the same types and tables as the validator, and
published as ` + scenarios.SchemaID + `.

The files oomlab init writes name it in their first line, a modeline the YAML
language server (VS Code's YAML extension and other editors) reads to complete
and check keys as you type. To work offline, save it and point the modeline at
the file:

    oomlab schema > oomlab.schema.json
    # yaml-language-server: $schema=./oomlab.schema.json

The schema checks keys, types, names and bounds; rules that relate fields (the
deadline against the load, phases in order) are oomlab validate's alone.`,
		Example: "  oomlab schema > oomlab.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(scenarios.Schema())
			return err
		},
	}
}
