package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/report"
	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/render"
)

// planStackFiles renders the manager stack that plan --terraform plans; tests replace it with
// a stand-in stack that needs no provider (the real one needs the AWS provider).
var planStackFiles = render.Stack

// planFile is the saved plan inside plan's temporary working directory.
const planStackPlanFile = "runnerfleet-mr.tfplan"

// planStack plans the manager stack in a temporary working directory with -lock=false, so
// that a merge request's plan never blocks (or waits for) an apply. A failure is reported in
// the report, not returned: the rest of the report still stands.
func (f *planFlags) planStack(ctx context.Context, spec *fleet.Spec, log *slog.Logger) *report.Terraform {
	sum, err := f.runStackPlan(ctx, spec, log)
	if err != nil {
		log.Warn("manager stack plan failed", "error", err)
		return &report.Terraform{Error: err.Error(), Resources: []report.Resource{}}
	}
	return sum
}

func (f *planFlags) runStackPlan(ctx context.Context, spec *fleet.Spec, log *slog.Logger) (*report.Terraform, error) {
	files, err := planStackFiles(spec)
	if err != nil {
		return nil, fmt.Errorf("unable to render the manager stack: %w", err)
	}
	dir, err := os.MkdirTemp("", "runnerfleet-plan-*")
	if err != nil {
		return nil, fmt.Errorf("unable to create the plan's working directory: %w", err)
	}
	defer os.RemoveAll(dir)
	stack := files.Under("stack")
	for _, p := range stack.Paths() {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), stack[p], 0o600); err != nil {
			return nil, fmt.Errorf("unable to write the manager stack: %w", err)
		}
	}
	exe, env, err := f.terraformSetup(ctx, spec.Terraform.Version, log)
	if err != nil {
		return nil, err
	}
	runner, err := terraform.New(exe, dir, terraform.Options{Logger: log, Env: env})
	if err != nil {
		return nil, err
	}
	if err := runner.Init(ctx); err != nil {
		return nil, err
	}
	if err := planUnlocked(ctx, exe, dir); err != nil {
		return nil, err
	}
	sum, err := runner.Show(ctx, planStackPlanFile)
	if err != nil {
		return nil, err
	}
	out := &report.Terraform{Add: sum.Add, Change: sum.Change, Destroy: sum.Destroy, Resources: []report.Resource{}}
	for _, rc := range sum.Resources {
		out.Resources = append(out.Resources, report.Resource{Address: rc.Address, Action: rc.Action})
	}
	return out, nil
}

// terraformSetup finds (or installs) terraform and prepares the provider cache.
func (f *planFlags) terraformSetup(ctx context.Context, version string, log *slog.Logger) (string, map[string]string, error) {
	if f.tfCacheDir == "" && f.tf.path == "" {
		return "", nil, fmt.Errorf("unable to find terraform: give --terraform-path or --terraform-cache-dir")
	}
	exe, err := terraform.Find(ctx, terraform.FindOptions{ExplicitPath: f.tf.path, StateDir: f.tfCacheDir,
		Version: version, Logger: log})
	if err != nil {
		return "", nil, err
	}
	env := map[string]string{}
	if f.tfCacheDir != "" {
		cache := filepath.Join(f.tfCacheDir, "plugin-cache")
		if err := os.MkdirAll(cache, 0o700); err != nil {
			return "", nil, fmt.Errorf("unable to create the provider cache: %w", err)
		}
		env["TF_PLUGIN_CACHE_DIR"] = cache
	}
	return exe, env, nil
}

// planUnlocked runs terraform plan -lock=false -out. internal/terraform's Runner.Plan always
// locks the state (right for reconcile), so this one call goes through terraform-exec directly;
// terraform inherits this process's environment (plan needs no provider cache setting).
func planUnlocked(ctx context.Context, exe, dir string) error {
	tf, err := tfexec.NewTerraform(dir, exe)
	if err != nil {
		return fmt.Errorf("unable to prepare terraform plan: %w", err)
	}
	var stderr strings.Builder
	tf.SetStderr(&stderr)
	if _, err := tf.Plan(ctx, tfexec.Out(planStackPlanFile), tfexec.Lock(false)); err != nil {
		return fmt.Errorf("unable to plan the manager stack: %w", err)
	}
	return nil
}
