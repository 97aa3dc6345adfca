package main

import (
	"runtime"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/spf13/cobra"
)

func newSchema() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of fleet.yaml",
		Long: `Schema prints the JSON Schema of fleet.yaml version 1. Editors with the YAML language
server complete and check fleet.yaml with it when the file starts with

  # yaml-language-server: $schema=<path or URL of fleet.schema.json>

fleet-examples/fleet.schema.json is this output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(fleet.JSONSchema())
			return err
		},
	}
}

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the runnerfleet version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			cmd.Printf("runnerfleet %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}
