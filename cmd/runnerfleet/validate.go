package main

import (
	"context"
	"fmt"
	"os"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/gitsource"
	"github.com/spf13/cobra"
)

func newValidate() *cobra.Command {
	var git gitFlags
	cmd := &cobra.Command{
		Use:   "validate [FILE...] | validate --repo URL [--ref REF]",
		Short: "Check fleet specs and print every problem at once",
		Long: `Validate parses each fleet spec (default: fleet.yaml) and prints every problem, one a
line, as file:line:col: field.path: what is wrong and what to do. It checks types, required
fields, unknown keys (with suggestions), references between runners and pools, token
references, cron schedules, durations, time zones, AWS id shapes, instance types, regions and
the length of names that become AWS names.

With --repo it fetches the spec at --ref (in memory) and validates that.

Exit code 0 when every file is valid, 3 when any is not.`,
		Example: `  runnerfleet validate
  runnerfleet validate fleet-examples/*/fleet.yaml
  runnerfleet validate --repo https://gitlab.example.com/platform/fleet.git --ref main`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && git.repo == "" {
				args = []string{"fleet.yaml"}
			}
			all, err := validateAll(cmd, &git, args)
			if err != nil {
				return err
			}
			for _, d := range all {
				fmt.Fprintln(cmd.OutOrStdout(), d.String())
			}
			if len(all) > 0 {
				return exitError{code: exitInvalid, msg: fmt.Sprintf("%d problem(s) found", len(all))}
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "valid")
			return nil
		},
	}
	git.register(cmd)
	return cmd
}

// validateAll parses the files, or the spec fetched from --repo, and returns every problem.
func validateAll(cmd *cobra.Command, git *gitFlags, files []string) (fleet.Diagnostics, error) {
	var all fleet.Diagnostics
	if git.repo != "" {
		src, err := fetchSpec(cmd.Context(), git)
		if err != nil {
			return nil, err
		}
		_, diags := fleet.Parse(git.path, src)
		return diags, nil
	}
	for _, name := range files {
		_, diags, err := loadSpec(name)
		if err != nil {
			return nil, err
		}
		all = append(all, diags...)
	}
	return all, nil
}

// fetchSpec fetches fleet.yaml at --ref into memory.
func fetchSpec(ctx context.Context, git *gitFlags) ([]byte, error) {
	opts, err := git.options("")
	if err != nil {
		return nil, err
	}
	src, err := gitsource.New(opts)
	if err != nil {
		return nil, err
	}
	res, err := src.Fetch(ctx, gitsource.Request{})
	if err != nil {
		return nil, err
	}
	return res.Content, nil
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
