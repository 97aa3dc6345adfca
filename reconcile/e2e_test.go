package reconcile_test

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/gitsource"
	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
	"github.com/runnerfleet/runnerfleet/internal/testutil/standin"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/render"
)

// countingTerraform wraps the real runner and counts the commands run.
type countingTerraform struct {
	reconcile.Terraform
	calls *[]string
}

func (c countingTerraform) Plan(ctx context.Context, f string) (bool, error) {
	*c.calls = append(*c.calls, "plan")
	return c.Terraform.Plan(ctx, f)
}

func (c countingTerraform) Apply(ctx context.Context, f string) error {
	*c.calls = append(*c.calls, "apply")
	return c.Terraform.Apply(ctx, f)
}

// failingStack is the stand-in stack, plus a resource whose creation fails when the manager
// instance type is t3.nano: a failing apply on demand.
func failingStack(spec *fleet.Spec) (render.Files, error) {
	files, err := standin.Stack(spec)
	if err == nil && spec.Manager.InstanceType == "t3.nano" {
		files["stack/fail.tf"] = []byte("resource \"terraform_data\" \"fail\" {\n  provisioner \"local-exec\" {\n    command = \"echo apply failed on purpose >&2; exit 3\"\n  }\n}\n")
	}
	return files, err
}

// TestEndToEndRealGitAndTerraform runs the infra and manager scopes through a real git
// repository and the real terraform, on a stand-in for the manager stack.
func TestEndToEndRealGitAndTerraform(t *testing.T) {
	bin := tftest.Binary(t)
	h := newHarness(t, reconcile.ScopeAll)
	repo := gitserver.NewRepo(t, filepath.Join(t.TempDir(), "fleet.git"))
	repo.Commit(map[string]string{"fleet.yaml": string(h.src.spec)}, "fleet")
	src, err := gitsource.New(gitsource.Options{URL: repo.Bare, Ref: "main", CacheDir: filepath.Join(h.opts.StateDir, "git")})
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	deps := h.deps()
	deps.Source = gitsource.ReconcileSource{Source: src}
	deps.Stack = failingStack
	deps.Terraform = func(_ context.Context, _, dir string, _ func(string) string) (reconcile.Terraform, error) {
		tf, err := terraform.New(bin, dir, terraform.Options{Logger: slog.New(slog.DiscardHandler)})
		return countingTerraform{Terraform: tf, calls: &calls}, err
	}
	run := func() (reconcile.Result, error) { return reconcile.Run(context.Background(), h.opts, deps) }
	edit := func(old, new string) {
		t.Helper()
		spec := strings.Replace(string(h.src.spec), old, new, 1)
		h.src.spec = []byte(spec)
		repo.Commit(map[string]string{"fleet.yaml": spec}, "edit "+old)
	}

	res, err := run()
	if err != nil || res.Plan == nil || res.Plan.Add != 1 || strings.Join(calls, ",") != "plan,apply" {
		t.Fatalf("first run: %v, %+v, calls %v", err, res.Plan, calls)
	}
	calls = nil
	if res, err := run(); err != nil || !res.UpToDate || len(calls) != 0 {
		t.Fatalf("unchanged run: %v %+v calls %v", err, res, calls)
	}

	edit("limit: 20", "limit: 30") // runner only: no terraform
	if res, err := run(); err != nil || len(calls) != 0 || len(res.Changes) != 1 {
		t.Fatalf("runner-only change: %v, changes %q, calls %v", err, res.Changes, calls)
	}

	edit("instance_type: t3.small", "instance_type: t3.medium")
	if res, err := run(); err != nil || res.Plan == nil || res.Plan.Change != 1 {
		t.Fatalf("input change: %v %+v", err, res.Plan)
	}

	applied := status(t, h).Applied["infra"].Commit
	edit("instance_type: t3.medium", "instance_type: t3.nano")
	if _, err := run(); err == nil || !strings.Contains(err.Error(), "apply failed on purpose") {
		t.Fatalf("failing apply: err = %v", err)
	}
	if got := status(t, h).Applied["infra"].Commit; got != applied {
		t.Errorf("failed apply moved the manifest from %s to %s", applied, got)
	}

	edit("instance_type: t3.nano", "instance_type: t3.medium") // back to good: converges
	if _, err := run(); err != nil {
		t.Fatalf("recovery run: %v", err)
	}

	// Drift: remove a resource from the state behind runnerfleet's back.
	out, err := exec.Command(bin, "-chdir="+reconcile.StackDir(h.opts.StateDir), "state", "rm", "terraform_data.manager-0").CombinedOutput()
	if err != nil {
		t.Fatalf("state rm: %v\n%s", err, out)
	}
	h.now = h.now.Add(2 * time.Hour)
	res, err = run()
	if err != nil || !res.Drift || res.Plan == nil || res.Plan.Add != 1 {
		t.Fatalf("drift run: %v, drift %v, plan %+v", err, res.Drift, res.Plan)
	}
}

// TestEndToEndInvalidPushOverGit: an invalid commit exits with diagnostics, the last good
// files stay, and the next good commit applies.
func TestEndToEndInvalidPushOverGit(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	repo := gitserver.NewRepo(t, filepath.Join(t.TempDir(), "fleet.git"))
	repo.Commit(map[string]string{"fleet.yaml": string(h.src.spec)}, "fleet")
	src, err := gitsource.New(gitsource.Options{URL: "file://" + repo.Bare, Ref: "main"})
	if err != nil {
		t.Fatal(err)
	}
	deps := h.deps()
	deps.Source = gitsource.ReconcileSource{Source: src}
	if _, err := reconcile.Run(context.Background(), h.opts, deps); err != nil {
		t.Fatal(err)
	}
	good := h.read("config.toml")
	repo.Commit(map[string]string{"fleet.yaml": strings.Replace(string(h.src.spec), "pool: spot", "pool: spto", 1)}, "typo")
	_, err = reconcile.Run(context.Background(), h.opts, deps)
	var diags fleet.Diagnostics
	if !errors.As(err, &diags) || !strings.Contains(err.Error(), `fleet.yaml:`) || !strings.Contains(err.Error(), `did you mean "spot"?`) {
		t.Fatalf("err = %v", err)
	}
	if h.read("config.toml") != good {
		t.Error("invalid push changed config.toml")
	}
}
