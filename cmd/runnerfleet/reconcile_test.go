package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// fleetRepo is a bare repository holding the multi-runner example with an env token.
func fleetRepo(t *testing.T) (*gitserver.Repo, string) {
	t.Helper()
	b, err := os.ReadFile("../../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(string(b), "{ssm: /ci-runners/runner-token}", "{env: TEST_RUNNER_TOKEN}", 1)
	repo := gitserver.NewRepo(t, filepath.Join(t.TempDir(), "fleet.git"))
	repo.Commit(map[string]string{"fleet.yaml": spec}, "fleet")
	return repo, spec
}

func TestValidateRepo(t *testing.T) {
	repo, spec := fleetRepo(t)
	if code, _, errOut := runCLI(t, "validate", "--repo", repo.Bare, "--ref", "main"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	repo.Commit(map[string]string{"fleet.yaml": strings.Replace(spec, "limit: 20", "limit: -1", 1)}, "bad")
	code, out, _ := runCLI(t, "validate", "--repo", "file://"+repo.Bare)
	if code != exitInvalid || !strings.Contains(out, "fleet.yaml:") || !strings.Contains(out, ".limit: must be >= 0, got -1") {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func TestReconcileExitCodes(t *testing.T) {
	repo, spec := fleetRepo(t)
	dir := t.TempDir()
	t.Setenv("TEST_RUNNER_TOKEN", "glrt-cli-SECRET")
	t.Setenv("RUNNERFLEET_MANAGER", "manager-0")
	args := []string{"reconcile", "--repo", repo.Bare, "--scope", "manager", "--detailed-exitcode",
		"--state-dir", filepath.Join(dir, "state"), "--runner-config-dir", filepath.Join(dir, "etc")}

	code, out, errOut := runCLI(t, args...)
	if code != exitChanges || !strings.Contains(out, "manager-0: write config.toml (new)") {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ = runCLI(t, args...); code != exitOK || !strings.HasPrefix(out, "up to date at ") {
		t.Fatalf("second run: exit %d %q", code, out)
	}
	repo.Commit(map[string]string{"fleet.yaml": strings.Replace(spec, "pool: spot", "pool: spto", 1)}, "typo")
	if code, _, errOut = runCLI(t, args...); code != exitInvalid || !strings.Contains(errOut, `did you mean "spot"?`) {
		t.Fatalf("invalid spec: exit %d %q", code, errOut)
	}
	lock, err := reconcile.Acquire(filepath.Join(dir, "state"), nowFunc())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if code, _, errOut = runCLI(t, args...); code != exitLocked || !strings.Contains(errOut, "holds the lock") {
		t.Fatalf("locked: exit %d %q", code, errOut)
	}
	if strings.Contains(out+errOut, "glrt-cli-SECRET") {
		t.Error("token printed")
	}
}

func TestReconcileNeedsManager(t *testing.T) {
	repo, _ := fleetRepo(t)
	code, _, errOut := runCLI(t, "reconcile", "--repo", repo.Bare, "--scope", "manager", "--state-dir", t.TempDir())
	if code != exitFailure || !strings.Contains(errOut, "needs --manager") {
		t.Fatalf("exit %d %q", code, errOut)
	}
}

// TestReconcileSSMToken resolves an {ssm: …} token through the real AWS SDK, configured the
// way a host configures it (environment), against the in-process fake SSM endpoint.
func TestReconcileSSMToken(t *testing.T) {
	fake := awsfake.New(t)
	fake.PutParameter("/ci-runners/runner-token", "glrt-from-SSM-secret")
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": fake.URL(), "AWS_ACCESS_KEY_ID": awsfake.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": awsfake.SecretAccessKey, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none")} {
		t.Setenv(k, v)
	}
	b, err := os.ReadFile("../../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	repo := gitserver.NewRepo(t, filepath.Join(t.TempDir(), "fleet.git"))
	repo.Commit(map[string]string{"fleet.yaml": string(b)}, "fleet")
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "reconcile", "--repo", repo.Bare, "--scope", "manager", "--manager", "manager-0",
		"--state-dir", filepath.Join(dir, "state"), "--runner-config-dir", filepath.Join(dir, "etc"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "etc", "config.toml"))
	if err != nil || strings.Count(string(cfg), "token = 'glrt-from-SSM-secret'") != 3 {
		t.Fatalf("config.toml does not carry the SSM token for the 3 runners: %v", err)
	}
	if n := fake.Calls("GetParameter"); n != 1 {
		t.Errorf("GetParameter called %d times; one token shared by 3 runners must be read once", n)
	}
	if strings.Contains(errOut, "glrt-from-SSM-secret") {
		t.Error("token in the logs")
	}
}
