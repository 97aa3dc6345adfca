package terraform

import (
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// applyAll inits, plans and applies, and checks a second plan has no changes.
func applyAll(t *testing.T, r *Runner) {
	t.Helper()
	ctx := t.Context()
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Plan(ctx, "tfplan"); err != nil {
		t.Fatal(err)
	}
	if err := r.Apply(ctx, "tfplan"); err != nil {
		t.Fatal(err)
	}
	if changes, err := r.Plan(ctx, "tfplan"); err != nil || changes {
		t.Fatalf("plan after apply: changes=%v err=%v, want none", changes, err)
	}
}

const fourResources = `variable "gen" {
  type = string
}
resource "terraform_data" "a_replaced" {
  triggers_replace = var.gen
}
resource "terraform_data" "b_updated" {
  input = var.gen
}
`

func TestPlanShowApply(t *testing.T) {
	dir := workdir(t, map[string]string{
		"main.tf":          fourResources + "resource \"terraform_data\" \"c_deleted\" {}\n",
		"terraform.tfvars": "gen = \"1\"\n",
	})
	r, rec := newRunner(t, dir, Options{})
	ctx := t.Context()
	if !mustInitPlan(t, r) {
		t.Fatal("plan of a new configuration reports no changes")
	}
	sum, err := r.Show(ctx, "tfplan")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Add != 3 || sum.Change != 0 || sum.Destroy != 0 {
		t.Errorf("first plan: %+v, want 3 to add", sum)
	}
	if rec.count("cmd=show", "stream=stdout") != 0 {
		t.Error("show -json output was logged")
	}
	if err := r.Apply(ctx, "tfplan"); err != nil {
		t.Fatal(err)
	}
	if rec.count("cmd=apply", "Apply complete! Resources: 3 added") != 1 {
		t.Errorf("apply output not streamed to the log:\n%s", rec.text())
	}
	if changes, err := r.Plan(ctx, "tfplan"); err != nil || changes {
		t.Fatalf("plan after apply: changes=%v err=%v, want none", changes, err)
	}
	if sum, err := r.Show(ctx, "tfplan"); err != nil || sum.Add+sum.Change+sum.Destroy+len(sum.Resources) != 0 {
		t.Fatalf("show of an empty plan: %+v, %v", sum, err)
	}

	assertMixedPlan(t, r, dir)
}

// assertMixedPlan changes the configuration of TestPlanShowApply so that one resource is
// replaced, one updated, one deleted and one created, and checks Show's summary.
func assertMixedPlan(t *testing.T, r *Runner, dir string) {
	t.Helper()
	ctx := t.Context()
	writeFiles(t, dir, map[string]string{
		"main.tf":          fourResources + "resource \"terraform_data\" \"d_created\" {}\n",
		"terraform.tfvars": "gen = \"2\"\n",
	})
	if changes, err := r.Plan(ctx, "tfplan"); err != nil || !changes {
		t.Fatalf("plan after a change: changes=%v err=%v, want changes", changes, err)
	}
	sum, err := r.Show(ctx, "tfplan")
	if err != nil {
		t.Fatal(err)
	}
	want := reconcile.PlanSummary{Add: 2, Change: 1, Destroy: 2, Resources: []reconcile.ResourceChange{
		{Address: "terraform_data.a_replaced", Action: "replace"},
		{Address: "terraform_data.b_updated", Action: "update"},
		{Address: "terraform_data.c_deleted", Action: "delete"},
		{Address: "terraform_data.d_created", Action: "create"},
	}}
	if sum.Add != want.Add || sum.Change != want.Change || sum.Destroy != want.Destroy ||
		!slices.Equal(sum.Resources, want.Resources) {
		t.Fatalf("summary:\n got %+v\nwant %+v", sum, want)
	}
	if err := r.Apply(ctx, "tfplan"); err != nil {
		t.Fatal(err)
	}
	// The applied plan file is now stale: applying it again must be refused.
	if err := r.Apply(ctx, "tfplan"); err == nil || !strings.Contains(err.Error(), "Saved plan is stale") {
		t.Fatalf("second apply of the same plan: %v, want a stale plan error", err)
	}
}

func TestFailingApplySurfacesScrubbedStderr(t *testing.T) {
	dir := workdir(t, map[string]string{"main.tf": `resource "terraform_data" "fails" {
  provisioner "local-exec" {
    command = "echo token=hunter2-secret >&2; exit 3"
  }
}
`})
	scrub := func(s string) string { return strings.ReplaceAll(s, "hunter2-secret", "[redacted]") }
	r, rec := newRunner(t, dir, Options{Scrub: scrub})
	mustInitPlan(t, r)
	err := r.Apply(t.Context(), "tfplan")
	if err == nil {
		t.Fatal("apply of a failing provisioner succeeded")
	}
	msg := err.Error()
	if !contains(msg, "unable to apply terraform plan tfplan: exit status 1", "local-exec provisioner error", "exit status 3", "token=[redacted]") {
		t.Errorf("error lacks the exit status or terraform's stderr:\n%s", msg)
	}
	var ce *CommandError
	var ee *exec.ExitError
	if !errors.As(err, &ce) || ce.ExitCode != 1 || !errors.As(err, &ee) {
		t.Errorf("error does not unwrap to *CommandError and *exec.ExitError: %#v", err)
	}
	if strings.Contains(msg, "hunter2") || strings.Contains(rec.text(), "hunter2") {
		t.Errorf("secret printed unscrubbed:\n%s\n%s", msg, rec.text())
	}
	if rec.count("stream=stderr", "Error:") == 0 {
		t.Errorf("stderr not logged:\n%s", rec.text())
	}
}

func TestNewRejectsManagedEnv(t *testing.T) {
	_, err := New(terraformBinary(t), t.TempDir(), Options{Env: map[string]string{"TF_LOG": "trace"}})
	if err == nil || !strings.Contains(err.Error(), "TF_LOG") {
		t.Fatalf("New with TF_LOG in Env: %v, want an error naming TF_LOG", err)
	}
}
