package main

import (
	"fmt"
	"os"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/spf13/cobra"
)

func newValidate() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [FILE...]",
		Short: "Check fleet specs and print every problem at once",
		Long: `Validate parses each fleet spec (default: fleet.yaml) and prints every problem, one a
line, as file:line:col: field.path: what is wrong and what to do. It checks types, required
fields, unknown keys (with suggestions), references between runners and pools, token
references, cron schedules, durations, time zones, AWS id shapes, instance types, regions and
the length of names that become AWS names.

Exit code 0 when every file is valid, 3 when any is not.`,
		Example: `  runnerfleet validate
  runnerfleet validate fleet-examples/*/fleet.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"fleet.yaml"}
			}
			var all fleet.Diagnostics
			for _, name := range args {
				_, diags, err := loadSpec(name)
				if err != nil {
					return err
				}
				all = append(all, diags...)
			}
			for _, d := range all {
				fmt.Fprintln(cmd.OutOrStdout(), d.String())
			}
			if len(all) > 0 {
				return exitError{code: exitInvalid, msg: fmt.Sprintf("%d problem(s) found", len(all))}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d file(s) valid\n", len(args))
			return nil
		},
	}
}

// loadSpec reads and parses one spec file. A read error is an error; spec problems are
// returned as diagnostics.
func loadSpec(name string) (*fleet.Spec, fleet.Diagnostics, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, fmt.Errorf("unable to read fleet spec: %w", err)
	}
	spec, diags := fleet.Parse(name, src)
	return spec, diags, nil
}
