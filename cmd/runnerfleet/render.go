package main

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/runnerfleet/runnerfleet/render"
	"github.com/runnerfleet/runnerfleet/workspaces"
	"github.com/spf13/cobra"
)

func newRender() *cobra.Command {
	var file, out, manager, configDir string
	cmd := &cobra.Command{
		Use:   "render -f FILE -o DIR [--manager NAME]",
		Short: "Write what every host would write, with tokens redacted",
		Long: `Render writes every file the spec implies into DIR, tokens redacted:

  DIR/stack/                      the manager stack (Terraform) applied by --scope infra
  DIR/<manager>/config.toml       each manager's gitlab-runner config
  DIR/<manager>/pools/<pool>.zip  each docker+machine pool's worker template,
  DIR/<manager>/pools/<pool>.vars.json   and its variables

With --manager only that manager's files are written (and the stack). DIR is replaced as a
whole and atomically: it holds the new tree or the old one, never half of each.`,
		Example: `  runnerfleet render -f fleet.yaml -o out
  runnerfleet render -f fleet.yaml -o out --manager manager-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRender(cmd, file, out, manager, configDir) },
	}
	cmd.Flags().StringVarP(&file, "file", "f", "fleet.yaml", "fleet spec to render")
	cmd.Flags().StringVarP(&out, "output", "o", "", "directory to write (replaced as a whole)")
	cmd.Flags().StringVar(&manager, "manager", "", "render only this manager's files, such as manager-0")
	cmd.Flags().StringVar(&configDir, "runner-config-dir", render.DefaultRunnerConfigDir,
		"where managers keep config.toml and pools/ (paths inside config.toml point there)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// runRender renders the spec in file, tokens redacted, and swaps it into out as a whole.
func runRender(cmd *cobra.Command, file, out, manager, configDir string) error {
	spec, diags, err := loadSpec(file)
	if err != nil {
		return err
	}
	if len(diags) > 0 {
		return diags
	}
	if manager != "" && !slices.Contains(spec.ManagerNames(), manager) {
		return fmt.Errorf("unknown manager %q: this fleet has %v", manager, spec.ManagerNames())
	}
	files, err := render.Render(spec, render.Redacted{}, render.Options{RunnerConfigDir: configDir})
	if err != nil {
		return err
	}
	if manager != "" {
		files = onlyManager(files, spec.ManagerNames(), manager)
	}
	if err := workspaces.ReplaceTree(out, files, 0o644); err != nil {
		return err
	}
	for _, p := range files.Paths() {
		fmt.Fprintln(cmd.OutOrStdout(), filepath.Join(out, p))
	}
	return nil
}

// onlyManager drops the files of every other manager.
func onlyManager(files render.Files, managers []string, keep string) render.Files {
	out := render.Files{}
	for p, b := range files {
		other := false
		for _, m := range managers {
			if m != keep && len(p) > len(m) && p[:len(m)+1] == m+"/" {
				other = true
			}
		}
		if !other {
			out[p] = b
		}
	}
	return out
}
