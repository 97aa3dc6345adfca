package reconcile_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/internal/testutil/standin"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// waitPID waits for the provisioner to write name in dir and returns the pid in it.
func waitPID(t *testing.T, dir, name string) int {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && pid > 0 {
			return pid
		}
	}
	t.Fatalf("terraform never reached the apply (%s)", name)
	return 0
}

// TestFaultTerraformKilledMidApply: terraform dies with SIGKILL during apply. The run fails
// clearly, the manifest does not move, the next run refuses to touch the stack and names the
// stale lock and how to release it, and after the lock is released the stack converges.
func TestFaultTerraformKilledMidApply(t *testing.T) {
	bin := tftest.Binary(t)
	h := newHarness(t, reconcile.ScopeInfra)
	deps := h.deps()
	deps.Stack = standin.Slow
	deps.Terraform = func(_ context.Context, _, dir string, _ func(string) string) (reconcile.Terraform, error) {
		return terraform.New(bin, dir, terraform.Options{Logger: slog.New(slog.DiscardHandler)})
	}
	stack := reconcile.StackDir(h.opts.StateDir)
	if err := os.MkdirAll(stack, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stack, "slow"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := reconcile.Run(context.Background(), h.opts, deps); done <- err }()
	tfPID, shPID := waitPID(t, stack, "tf.pid"), waitPID(t, stack, "sh.pid")
	if err := syscall.Kill(tfPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = syscall.Kill(shPID, syscall.SIGKILL) // the orphaned provisioner
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "unable to apply terraform plan") || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("killed apply: err = %v", err)
	}
	if st := status(t, h); st.Applied["infra"].Commit != "" || st.Runs[len(st.Runs)-1].Result != "failed" {
		t.Errorf("status after the kill: applied %q, runs %+v", st.Applied["infra"].Commit, st.Runs)
	}
	lock, lerr := reconcile.ReadStateLock(stack)
	if lerr != nil || lock == nil || lock.Operation != "OperationTypeApply" {
		t.Fatalf("lock left by the killed terraform: %+v, %v", lock, lerr)
	}

	_, err = reconcile.Run(context.Background(), h.opts, deps)
	if !errors.Is(err, reconcile.ErrStaleStateLock) || !strings.Contains(err.Error(), lock.ID) ||
		!strings.Contains(err.Error(), "runnerfleet unlock") || !strings.Contains(err.Error(), "OperationTypeApply") {
		t.Fatalf("next run: err = %v, want the stale lock named with its ID and the way out", err)
	}

	os.Remove(filepath.Join(stack, "slow"))
	tf, err := terraform.New(bin, stack, terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.ForceUnlock(context.Background(), "not-"+lock.ID); err == nil {
		t.Error("force-unlock with a wrong ID succeeded")
	}
	if err := tf.ForceUnlock(context.Background(), lock.ID); err != nil {
		t.Fatalf("force-unlock: %v", err)
	}
	if res, err := reconcile.Run(context.Background(), h.opts, deps); err != nil || res.Plan == nil || res.Plan.Add != 1 {
		t.Fatalf("recovery run: %v, plan %+v", err, res.Plan)
	}
	if res, err := reconcile.Run(context.Background(), h.opts, deps); err != nil || !res.UpToDate {
		t.Fatalf("after recovery: %v %+v", err, res)
	}
}
