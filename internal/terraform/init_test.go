package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

const localBackend = `terraform {
  backend "local" {
    path = "%s"
  }
}
`

const oneResource = `resource "terraform_data" "a" {
  input = "one"
}
`

func TestInitRunsOnceAndAgainWhenInputsChange(t *testing.T) {
	dir := workdir(t, map[string]string{
		"backend.tf": sprintf(localBackend, "first.tfstate"),
		"main.tf":    oneResource,
	})
	r, rec := newRunner(t, dir, Options{})
	ctx := t.Context()

	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inits(rec); got != 1 {
		t.Fatalf("first Init ran terraform init %d times, want 1", got)
	}
	if rec.count("terraform_version") != 0 {
		t.Errorf("terraform-exec's version -json output was logged:\n%s", rec.text())
	}
	applyAll(t, r)

	// Unchanged inputs (a resource change is not an init input): no init.
	writeFiles(t, dir, map[string]string{"main.tf": oneResource + "# changed\n"})
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inits(rec); got != 1 {
		t.Fatalf("Init with unchanged backend/providers ran terraform init again (%d runs)", got)
	}

	assertBackendMigrates(t, r, rec, dir)

	// Provider requirements change: init -upgrade.
	writeFiles(t, dir, map[string]string{"versions.tf": "terraform {\n  required_version = \">= 1.0\"\n}\n"})
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inits(rec); got != 3 || rec.count("reason=provider requirements changed") != 1 {
		t.Fatalf("Init after a required_version change: %d init runs, want 3; log:\n%s", got, rec.text())
	}
}

func inits(rec *logRecorder) int { return rec.count("cmd=init", "successfully initialized") }

// assertBackendMigrates changes the local backend's path: Init runs again with -force-copy,
// which moves the state, so a plan afterwards has nothing to do.
func assertBackendMigrates(t *testing.T, r *Runner, rec *logRecorder, dir string) {
	t.Helper()
	ctx := t.Context()
	writeFiles(t, dir, map[string]string{"backend.tf": sprintf(localBackend, "second.tfstate")})
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inits(rec); got != 2 {
		t.Fatalf("Init after a backend change: %d init runs, want 2", got)
	}
	if rec.count("reason=backend changed") != 1 {
		t.Errorf("backend change not named as the reason; log:\n%s", rec.text())
	}
	if _, err := os.Stat(filepath.Join(dir, "second.tfstate")); err != nil {
		t.Fatalf("state not migrated to the new backend: %v", err)
	}
	if changes, err := r.Plan(ctx, "tfplan"); err != nil || changes {
		t.Fatalf("plan after backend migration: changes=%v err=%v, want no changes", changes, err)
	}
}

func TestInitAgainWhenDotTerraformRemoved(t *testing.T) {
	dir := workdir(t, map[string]string{"main.tf": oneResource})
	r, rec := newRunner(t, dir, Options{})
	for i := 0; i < 2; i++ {
		if err := r.Init(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.count("cmd=init", "successfully initialized"); got != 2 {
		t.Fatalf("terraform init ran %d times, want 2 (once per missing .terraform)", got)
	}
}

func TestInitFailureIsReportedAndNotRecorded(t *testing.T) {
	dir := workdir(t, map[string]string{"main.tf": "terraform {\n  backend \"nosuch\" {}\n}\n"})
	r, _ := newRunner(t, dir, Options{})
	err := r.Init(t.Context())
	if err == nil {
		t.Fatal("init with an unknown backend succeeded")
	}
	if !contains(err.Error(), "unable to initialise terraform working directory", "nosuch") {
		t.Errorf("error does not say what failed: %v", err)
	}
	if _, ok := r.readMarker(); ok {
		t.Error("a failed init wrote the init marker")
	}
}
