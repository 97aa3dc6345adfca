package reconcile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// planFile is the saved plan inside the stack's working directory.
const planFile = "runnerfleet.tfplan"

// StackDir is the manager stack's Terraform working directory under the state dir.
func StackDir(stateDir string) string { return filepath.Join(stateDir, "stacks", "manager") }

// applyInfra runs Terraform on the manager stack when its rendered inputs differ from the
// manifest or a drift check is due, and applies only a plan that has changes.
func (r *run) applyInfra(ctx context.Context, spec *fleet.Spec, commit string, driftDue bool, res *Result) error {
	files, err := r.deps.Stack(spec)
	if err != nil {
		return err
	}
	files = files.Under("stack")
	prev := r.status.Applied[targetInfra]
	next := workspaces.NewManifest(commit, files)
	inputs := workspaces.Diff(prev, next)
	onDisk, err := stackManifest(StackDir(r.opts.StateDir))
	if err != nil {
		return err
	}
	// A failed run may have left other files in the working dir than the manifest says.
	inputs.Added = append(inputs.Added, workspaces.Diff(onDisk, next).Changed...)
	if inputs.Empty() && !driftDue && workspaces.Diff(onDisk, next).Empty() {
		r.deps.Logger.Info("manager stack unchanged; terraform not run", "commit", commit)
		r.markApplied(next)
		return nil
	}
	dir, cleanup, err := r.stackDir(files, onDisk)
	if err != nil {
		return err
	}
	defer cleanup()
	reportOnly := driftDue && inputs.Empty() && workspaces.Diff(onDisk, next).Empty() && !spec.Drift.Remediate
	changed, err := r.planAndApply(ctx, spec.Terraform.Version, dir, reportOnly, res)
	if err != nil {
		return err
	}
	if driftDue && inputs.Empty() && changed {
		res.Drift = true
		r.deps.Logger.Warn("drift: the manager stack differed from fleet.yaml", "commit", commit)
	}
	r.markApplied(next)
	return nil
}

func (r *run) markApplied(m workspaces.Manifest) {
	if !r.opts.DryRun {
		r.status.Applied[targetInfra] = m
	}
}

// planAndApply plans, summarises and (unless a dry run) applies the saved plan.
// With reportOnly (a drift check with drift.remediate false) a plan with changes is reported
// and not applied.
func (r *run) planAndApply(ctx context.Context, version, dir string, reportOnly bool, res *Result) (bool, error) {
	if err := checkStateLock(StackDir(r.opts.StateDir)); err != nil {
		return false, err
	}
	tf, err := r.deps.Terraform(ctx, version, dir, r.secrets.Scrub)
	if err != nil {
		return false, err
	}
	if err := tf.Init(ctx); err != nil {
		return false, err
	}
	plan := filepath.Join(dir, planFile)
	r.status.TerraformRuns++
	changed, err := tf.Plan(ctx, plan)
	if err != nil || !changed {
		return false, err
	}
	sum, err := tf.Show(ctx, plan)
	if err != nil {
		return false, err
	}
	res.Plan = &sum
	line := fmt.Sprintf("manager stack: %d to add, %d to change, %d to destroy", sum.Add, sum.Change, sum.Destroy)
	if reportOnly {
		line = "drift in the " + line + " — not repaired, drift.remediate is false"
	}
	res.Changes = append(res.Changes, line)
	if r.opts.DryRun || reportOnly {
		return true, nil
	}
	r.deps.Logger.Info("applying the manager stack", "add", sum.Add, "change", sum.Change, "destroy", sum.Destroy)
	r.status.TerraformRuns++
	return true, tf.Apply(ctx, plan)
}

// stackDir writes the stack's files into its working directory and removes the configuration
// files there that are no longer rendered. A dry run works on a copy instead, so that the
// real directory (and its local state) is never touched.
func (r *run) stackDir(files render.Files, onDisk workspaces.Manifest) (string, func(), error) {
	dir := StackDir(r.opts.StateDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("unable to create the stack dir: %w", err)
	}
	cleanup := func() {}
	if r.opts.DryRun {
		tmp, err := copyStack(dir)
		if err != nil {
			return "", nil, err
		}
		dir, cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	for _, p := range files.Paths() {
		if err := workspaces.WriteFile(filepath.Join(dir, p), files[p], 0o600); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	var stale []string
	for p := range onDisk.Files {
		if _, ok := files[p]; !ok {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	for _, p := range stale {
		if err := os.Remove(filepath.Join(dir, p)); err != nil && !os.IsNotExist(err) {
			cleanup()
			return "", nil, fmt.Errorf("unable to remove %s from the stack: %w", p, err)
		}
	}
	return dir, cleanup, nil
}

// copyStack copies the stack's files and local state (not .terraform, which init rebuilds from
// the plugin cache) into a temporary directory for a dry run.
func copyStack(dir string) (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".dry-run-*")
	if err != nil {
		return "", fmt.Errorf("unable to create a dry-run copy of the stack: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("unable to read the stack dir: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == planFile {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, e.Name()), b, 0o600)
		}
		if err != nil {
			os.RemoveAll(tmp)
			return "", fmt.Errorf("unable to copy the stack for a dry run: %w", err)
		}
	}
	return tmp, nil
}

// stackManifest hashes the configuration files in the stack dir: *.tf, *.tf.json, *.tfvars
// and *.tfvars.json. State, plans and .terraform are not configuration.
func stackManifest(dir string) (workspaces.Manifest, error) {
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return workspaces.Manifest{}, fmt.Errorf("unable to read the stack dir: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !isConfigFile(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return workspaces.Manifest{}, fmt.Errorf("unable to read the stack dir: %w", err)
		}
		files[e.Name()] = b
	}
	return workspaces.NewManifest("", files), nil
}

func isConfigFile(name string) bool {
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
