package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// awsEnv points the SDK's default chain at the fake, as a host's environment would.
func awsEnv(t *testing.T, fake *awsfake.Server) {
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": fake.URL(), "AWS_ACCESS_KEY_ID": awsfake.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": awsfake.SecretAccessKey, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none")} {
		t.Setenv(k, v)
	}
}

func TestPruneDryRunPrintsDecisions(t *testing.T) {
	repo, _ := fleetRepo(t)
	fake := awsfake.New(t)
	awsEnv(t, fake)
	store, state := t.TempDir(), filepath.Join(t.TempDir(), "state")
	old := time.Now().Add(-2 * time.Hour)
	for _, m := range []workspaces.MachineFixture{
		{Name: "runner-abcd1234-docker-1", Resources: []string{"aws_key_pair.worker"}, Created: old},
		{Name: "runner-abcd1234-docker-2", IP: "10.0.0.2", InstanceID: "i-0reclaimed", Resources: []string{"aws_ec2_fleet.worker"}, Created: old},
	} {
		if _, err := workspaces.WriteMachine(store, m); err != nil {
			t.Fatal(err)
		}
	}
	orphan := fake.AddInstance(awsfake.Instance{Tags: map[string]string{reconcile.TagFleet: "ci-runners",
		reconcile.TagManager: "manager-0", reconcile.TagMachine: "runner-abcd1234-docker-9"}})
	t.Setenv("RUNNERFLEET_MACHINE_STORAGE_PATH", store)
	args := []string{"prune", "--repo", repo.Bare, "--scope", "manager", "--manager", "manager-0", "--state-dir", state, "--dry-run"}
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"dry run", "destroy-and-remove workspace    runner-abcd1234-docker-1", "stuck: no IP after 2h",
		"instance gone: instance i-0reclaimed is terminated or missing", "mark               instance     " + orphan,
		"orphan: no machine directory runner-abcd1234-docker-9", "[phase mark]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if fake.InstanceState(orphan) != "running" {
		t.Error("dry run terminated an instance")
	}
	code, out, _ = runCLI(t, append(args, "--format", "json")...)
	var rep reconcile.PruneReport
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil || len(rep.Decisions) != 3 || !rep.DryRun {
		t.Fatalf("json: exit %d, %v, %+v", code, err, rep)
	}
}

func TestPruneExitCodes(t *testing.T) {
	repo, spec := fleetRepo(t)
	awsEnv(t, awsfake.New(t))
	state := filepath.Join(t.TempDir(), "state")
	args := []string{"prune", "--repo", repo.Bare, "--scope", "manager", "--manager", "manager-0", "--state-dir", state,
		"--machine-storage-path", t.TempDir()}
	if code, out, errOut := runCLI(t, args...); code != exitOK || !strings.Contains(out, "0 decision(s)") {
		t.Fatalf("empty prune: exit %d %q %q", code, out, errOut)
	}
	lock, err := reconcile.Acquire(state, nowFunc())
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, args...); code != exitLocked || !strings.Contains(errOut, "holds the lock") {
		t.Errorf("locked: exit %d %q", code, errOut)
	}
	lock.Release()
	repo.Commit(map[string]string{"fleet.yaml": strings.Replace(spec, "stuck_after: 45m", "stuck_after: soon", 1)}, "bad")
	if code, _, errOut := runCLI(t, args...); code != exitInvalid || !strings.Contains(errOut, "stuck_after") {
		t.Errorf("invalid spec: exit %d %q", code, errOut)
	}
}
