package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDestroyWithVarFile(t *testing.T) {
	dir := workdir(t, map[string]string{
		"main.tf": `variable "name" {
  type = string
}
resource "terraform_data" "machine" {
  input = var.name
}
`,
		"tfvars.json": `{"name": "runner-abc-spot-1"}`,
	})
	r, rec := newRunner(t, dir, Options{})
	ctx := t.Context()
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	// Apply the way the docker-machine driver does, then destroy like pruning does.
	if err := r.tf.Apply(ctx, varFileApply("tfvars.json")...); err != nil {
		t.Fatal(err)
	}
	if err := r.Destroy(ctx, "tfvars.json"); err != nil {
		t.Fatal(err)
	}
	if rec.count("cmd=destroy", "Destroy complete! Resources: 1 destroyed") != 1 {
		t.Errorf("destroy output missing:\n%s", rec.text())
	}
	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil || strings.Contains(string(state), "terraform_data") {
		t.Fatalf("state after destroy still tracks resources (%v):\n%s", err, state)
	}
	// Without the var file terraform cannot evaluate the configuration: the error says so.
	if err := r.Destroy(ctx, ""); err == nil || !strings.Contains(err.Error(), "unable to destroy terraform resources") {
		t.Errorf("destroy without the required variable: %v", err)
	}
}

// TestDestroyArgsSuitTerraform014 runs Destroy against a stand-in for the driver's
// Terraform 0.14 that records its arguments, and checks only flags 0.14 accepts are used
// (no -force: removed in 0.15; no -json, -refresh-only or -destroy plan flags).
func TestDestroyArgsSuitTerraform014(t *testing.T) {
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	fake := filepath.Join(dir, "terraform-0.14")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'Terraform v0.14.11'; exit 0; fi\n" +
		"printf '%s\\n' \"$@\" > " + argsFile + "\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := New(fake, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Destroy(t.Context(), "tfvars.json"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	// Flags of `terraform destroy` in 0.14 (terraform 0.14.11 command/apply.go, destroy mode).
	known014 := map[string]bool{"destroy": true, "-no-color": true, "-auto-approve": true, "-input=false": true, "-lock-timeout=0s": true,
		"-var-file=tfvars.json": true, "-lock=true": true, "-parallelism=10": true, "-refresh=true": true}
	args := strings.Fields(string(b))
	for _, a := range args {
		if !known014[a] {
			t.Errorf("argument %q is not one Terraform 0.14 destroy accepts (all: %v)", a, args)
		}
	}
	if len(args) == 0 || args[0] != "destroy" || !strings.Contains(string(b), "-auto-approve") {
		t.Errorf("not a non-interactive destroy: %v", args)
	}
}
