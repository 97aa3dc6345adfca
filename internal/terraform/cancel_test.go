package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The provisioner sleeps 30s unless the file "fast" exists, so the rerun is quick. It execs
// sleep: terraform kills the provisioner's process on interrupt, and a sleep forked by sh
// would outlive it.
const slowApply = `resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "echo slow-apply-started; test -f fast || exec sleep 30"
  }
}
`

func TestCancelDuringApplyInterruptsTerraform(t *testing.T) {
	dir := workdir(t, map[string]string{"main.tf": slowApply})
	r, rec := newRunner(t, dir, Options{WaitDelay: 20 * time.Second})
	mustInitPlan(t, r)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Apply(ctx, "tfplan") }()
	rec.waitFor(t, "slow-apply-started", 20*time.Second)
	cancelled := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(25 * time.Second):
		t.Fatal("apply did not return after the context was cancelled")
	}
	took := time.Since(cancelled)
	if took > 10*time.Second {
		t.Errorf("apply took %s to stop after cancel; terraform was not interrupted gracefully", took)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled apply returned %v, want an error that is context.Canceled", err)
	}
	if rec.count("Interrupt received") == 0 || rec.count("Gracefully shutting down") == 0 {
		t.Errorf("terraform did not report SIGINT; log:\n%s", rec.text())
	}
	if _, err := os.Stat(filepath.Join(dir, ".terraform.tfstate.lock.info")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state lock info left behind after the interrupt: %v", err)
	}
	t.Logf("apply stopped %s after cancel", took.Round(time.Millisecond))
	assertConverges(t, r, dir)
}

// assertConverges plans with locking (fails if the state is still locked), applies and
// checks a last plan is empty.
func assertConverges(t *testing.T, r *Runner, dir string) {
	t.Helper()
	writeFiles(t, dir, map[string]string{"fast": ""})
	ctx := t.Context()
	changes, err := r.Plan(ctx, "tfplan")
	if err != nil {
		t.Fatalf("plan after the interrupted apply (state left locked?): %v", err)
	}
	if !changes {
		t.Fatal("the interrupted resource is not planned again")
	}
	if err := r.Apply(ctx, "tfplan"); err != nil {
		t.Fatalf("rerun apply: %v", err)
	}
	if changes, err := r.Plan(ctx, "tfplan"); err != nil || changes {
		t.Fatalf("plan after the rerun: changes=%v err=%v, want none", changes, err)
	}
}
