package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/standin"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// slowStackEnv makes the re-executed test binary reconcile slowStack instead of the real stack.
const slowStackEnv = "RUNNERFLEET_TEST_SLOW_STACK"

func init() {
	if os.Getenv(slowStackEnv) != "" {
		reconcileStackFiles = standin.Slow
	}
}

// infraHost runs the binary (this test binary, see TestMain) as a control host would.
type infraHost struct {
	t                  *testing.T
	repo, state, stack string
	tf                 string
}

func newInfraHost(t *testing.T) *infraHost {
	repo, _ := fleetRepo(t)
	state := filepath.Join(t.TempDir(), "state")
	h := &infraHost{t: t, repo: repo.Bare, state: state, stack: reconcile.StackDir(state), tf: tftest.Binary(t)}
	if err := os.MkdirAll(h.stack, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.stack, "slow"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *infraHost) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	if len(args) > 0 && args[0] == "reconcile" {
		args = append(args, "--repo", h.repo, "--scope", "infra", "--terraform-path", h.tf, "--prune=false")
	}
	cmd := exec.Command(os.Args[0], append(args, "--state-dir", h.state)...)
	cmd.Env = append(os.Environ(), benchMain+"=1", slowStackEnv+"=1", "TEST_RUNNER_TOKEN=glrt-unused")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	return cmd, &out, &errOut
}

// run runs a command to its end and returns its exit code and output.
func (h *infraHost) run(args ...string) (int, string, string) {
	h.t.Helper()
	cmd, out, errOut := h.command(args...)
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		h.t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// terraformPID waits until the stand-in's apply runs and returns terraform's pid.
func (h *infraHost) terraformPID() int {
	h.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(h.stack, "tf.pid"))
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && pid > 0 {
			return pid
		}
	}
	h.t.Fatal("terraform never reached the apply")
	return 0
}

func (h *infraHost) waitExit(cmd *exec.Cmd) int {
	h.t.Helper()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(40 * time.Second):
		_ = cmd.Process.Kill()
		h.t.Fatal("runnerfleet did not exit")
		return 0
	}
}

func (h *infraHost) lastRun() reconcile.RunRecord {
	h.t.Helper()
	st, err := reconcile.LoadStatus(h.state)
	if err != nil || len(st.Runs) == 0 {
		h.t.Fatalf("status: %v", err)
	}
	return st.Runs[len(st.Runs)-1]
}

// converge removes the slowness and checks that the next run applies and the one after is a
// no-op.
func (h *infraHost) converge() {
	h.t.Helper()
	os.Remove(filepath.Join(h.stack, "slow"))
	if code, out, errOut := h.run("reconcile"); code != exitOK || !strings.Contains(out, "manager stack: 1 to add") {
		h.t.Fatalf("recovery run: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := h.run("reconcile"); code != exitOK || !strings.HasPrefix(out, "up to date") {
		h.t.Fatalf("after recovery: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestFaultSIGTERMMidApply: SIGTERM to `runnerfleet reconcile` while terraform applies. Terraform
// gets SIGINT and stops cleanly (its lock released), runnerfleet exits 1 and records the
// failure, and the next run converges.
func TestFaultSIGTERMMidApply(t *testing.T) {
	h := newInfraHost(t)
	cmd, _, errOut := h.command("reconcile")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h.terraformPID()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := h.waitExit(cmd); code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	logs := errOut.String()
	if !strings.Contains(logs, "Interrupt received") || !strings.Contains(logs, "runnerfleet: run interrupted") {
		t.Errorf("terraform did not report SIGINT, or the error does not say the run was cancelled:\n%s", logs)
	}
	if l, err := reconcile.ReadStateLock(h.stack); l != nil || err != nil {
		t.Errorf("state lock left after a clean stop: %+v %v", l, err)
	}
	if r := h.lastRun(); r.Result != "failed" || !strings.Contains(r.Error, "run interrupted") {
		t.Errorf("status: %+v", r)
	}
	h.converge()
}

// TestFaultSIGKILLThenUnlock: terraform killed with SIGKILL mid-apply; the next reconcile exits
// 1 naming the stale lock; `runnerfleet unlock --dry-run` prints it and changes nothing;
// `runnerfleet unlock` releases it; the run after converges.
func TestFaultSIGKILLThenUnlock(t *testing.T) {
	h := newInfraHost(t)
	cmd, _, errOut := h.command("reconcile")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(h.terraformPID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := h.waitExit(cmd); code != exitFailure || !strings.Contains(errOut.String(), "signal: killed") {
		t.Fatalf("killed apply: exit %d\n%s", code, errOut)
	}
	lock, err := reconcile.ReadStateLock(h.stack)
	if err != nil || lock == nil {
		t.Fatalf("no stale lock: %v", err)
	}
	code, _, stderr := h.run("reconcile")
	if code != exitFailure || !strings.Contains(stderr, "still locked") || !strings.Contains(stderr, lock.ID) ||
		!strings.Contains(stderr, "runnerfleet unlock") {
		t.Fatalf("next run: exit %d\n%s", code, stderr)
	}
	code, out, stderr := h.run("unlock", "--dry-run")
	if code != exitOK || !strings.Contains(out, "ID:        "+lock.ID) || !strings.Contains(out, "OperationTypeApply") {
		t.Fatalf("unlock --dry-run: exit %d\n%s\n%s", code, out, stderr)
	}
	if l, _ := reconcile.ReadStateLock(h.stack); l == nil {
		t.Fatal("--dry-run released the lock")
	}
	if code, _, stderr := h.run("unlock", "wrong-id", "--terraform-path", h.tf); code != exitFailure || !strings.Contains(stderr, "does not match") {
		t.Fatalf("unlock with a wrong ID: exit %d %s", code, stderr)
	}
	if code, out, stderr := h.run("unlock", "--terraform-path", h.tf); code != exitOK || !strings.Contains(out, "released lock "+lock.ID) {
		t.Fatalf("unlock: exit %d\n%s\n%s", code, out, stderr)
	}
	if code, out, _ := h.run("unlock"); code != exitOK || !strings.Contains(out, "is not locked") {
		t.Fatalf("unlock when not locked: exit %d %s", code, out)
	}
	h.converge()
}

// TestUnlockRespectsTheRunLock: unlock never releases a state lock under a running reconcile.
func TestUnlockRespectsTheRunLock(t *testing.T) {
	state := t.TempDir()
	lock, err := reconcile.Acquire(state, nowFunc())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if code, _, errOut := runCLI(t, "unlock", "--state-dir", state); code != exitLocked {
		t.Fatalf("exit %d %s", code, errOut)
	}
}
