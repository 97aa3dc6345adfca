package reconcile_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// standInWorker stands in for the worker template (which needs the AWS provider): the
// driver's variables and one terraform_data, and no dm_machine_ip output, like a machine
// whose instance never came up.
const standInWorker = `variable "dm_client_ip" {}
variable "dm_machine_name" {}
variable "dm_onetime_password" {}
variable "dm_ssh_user" {}
variable "dm_ssh_port" {}
variable "dm_ssh_private_key_file" {}
variable "dm_ssh_public_key_file" {}
variable "fleet" {}
variable "manager" {}
variable "pool" {}

resource "terraform_data" "worker" {
  input = "${var.fleet}/${var.manager}/${var.dm_machine_name}"
}
`

// TestPruneDestroysWithRealTerraform applies a driver workspace the way the driver does
// (init, apply -var-file=tfvars.json) with the real terraform, then prunes it as stuck:
// destroy runs in its terraform-config/ with its tfvars.json, and the directory goes only
// after that.
func TestPruneDestroysWithRealTerraform(t *testing.T) {
	bin := tftest.Binary(t)
	h := newPruneHarness(t, reconcile.ScopeManager)
	dir := h.machine(workspaces.MachineFixture{Name: "runner-abcd1234-docker-1700000000-1a2b3c", NoState: true,
		Files: map[string]string{"main.tf": standInWorker}}, time.Hour)
	tfDir := filepath.Join(dir, workspaces.TerraformDir)
	for _, args := range [][]string{{"init", "-input=false"}, {"apply", "-auto-approve", "-input=false", "-var-file=tfvars.json"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = tfDir, append(os.Environ(), "CHECKPOINT_DISABLE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
	w, err := workspaces.ReadWorkspace(dir)
	if err != nil || len(w.Resources) != 1 || w.Resources[0] != "terraform_data.worker" {
		t.Fatalf("applied workspace: %+v, %v", w, err)
	}
	deps := h.pruneDeps()
	var versions []string
	deps.Prune.Destroyer = func(_ context.Context, version, dir string) (reconcile.Destroyer, error) {
		versions = append(versions, version)
		return terraform.New(bin, dir, terraform.Options{Logger: deps.Logger})
	}
	rep, err := reconcile.Prune(t.Context(), reconcile.PruneOptions{Scope: h.opts.Scope, Manager: h.opts.Manager,
		StateDir: h.opts.StateDir, MachineStoragePath: h.store}, deps)
	if err != nil {
		t.Fatalf("prune: %v\n%s", err, h.logs.String())
	}
	if d := decision(rep, reconcile.KindWorkspace, w.Name); !d.Done || d.Reason != "stuck" || d.Action != "destroy-and-remove" {
		t.Errorf("decision: %+v", d)
	}
	if exists(dir) || len(versions) != 1 || versions[0] != "0.14.11" {
		t.Errorf("dir exists %v, destroy versions %v", exists(dir), versions)
	}
	if !strings.Contains(h.logs.String(), "Destroy complete! Resources: 1 destroyed") {
		t.Errorf("terraform destroy output missing:\n%s", h.logs.String())
	}
}
