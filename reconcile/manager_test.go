package reconcile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

func TestManagerFirstRunThenUpToDate(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	res := h.mustRun()
	want := []string{"manager-0: write pools/spot.vars.json (new)", "manager-0: write pools/spot.zip (new)",
		"manager-0: write config.toml (new)"}
	if strings.Join(res.Changes, "\n") != strings.Join(want, "\n") {
		t.Fatalf("changes:\n%s\nwant (templates before config.toml):\n%s", strings.Join(res.Changes, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(h.read("config.toml"), "glrt-first-SECRET-value") {
		t.Error("config.toml lacks the resolved token")
	}
	fi, err := os.Stat(filepath.Join(h.opts.RunnerConfigDir, "config.toml"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config.toml mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	before := fi.ModTime()
	res = h.mustRun()
	if !res.UpToDate || res.Changed() || h.src.fetches != 1 {
		t.Errorf("second run: %+v, fetches %d; want up to date with no fetch", res, h.src.fetches)
	}
	if fi, _ := os.Stat(filepath.Join(h.opts.RunnerConfigDir, "config.toml")); !fi.ModTime().Equal(before) {
		t.Error("config.toml rewritten on an unchanged run")
	}
	if len(h.tf.calls) != 0 {
		t.Errorf("terraform called in the manager scope: %v", h.tf.calls)
	}
}

func TestManagerWritesOnlyWhatChanged(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	h.src.push(bytes.Replace(h.src.spec, []byte("idle: {count: 1,"), []byte("idle: {count: 4,"), 1))
	res := h.mustRun()
	if len(res.Changes) != 1 || res.Changes[0] != "manager-0: write config.toml (changed)" {
		t.Fatalf("changes %q, want only config.toml", res.Changes)
	}
	if !strings.Contains(h.read("config.toml"), "IdleCount = 4") {
		t.Error("new idle count not written")
	}
}

func TestInvalidSpecWritesNothing(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	good := h.read("config.toml")
	h.src.push(bytes.Replace(h.src.spec, []byte("idle: {count: 1,"), []byte("idle: {count: -2,"), 1))
	_, err := h.run()
	var diags fleet.Diagnostics
	if !errors.As(err, &diags) || !strings.Contains(diags.Error(), "pools[0].idle.count: must be >= 0, got -2") {
		t.Fatalf("err = %v, want the positioned diagnostic", err)
	}
	if h.read("config.toml") != good {
		t.Error("config.toml changed by an invalid spec")
	}
	st := status(t, h)
	if last := st.Runs[len(st.Runs)-1]; last.Result != "invalid" || st.Applied["manager/manager-0"].Commit == h.src.commit {
		t.Errorf("last run %+v; applied %s", last, st.Applied["manager/manager-0"].Commit)
	}
}

func TestWriteFailureKeepsOldConfig(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	good := h.read("config.toml")
	// A directory where the vars file should go makes its rename fail, as a full or broken
	// disk would; config.toml comes after the templates, so it must stay as it was.
	vars := filepath.Join(h.opts.RunnerConfigDir, "pools", "spot.vars.json")
	if err := os.Remove(vars); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(vars, "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.src.push(bytes.Replace(h.src.spec, []byte("[m5.large, m5a.large, m6i.large]"), []byte("[m5.large]"), 1))
	h.src.spec = bytes.Replace(h.src.spec, []byte("idle: {count: 1,"), []byte("idle: {count: 3,"), 1)
	if _, err := h.run(); err == nil {
		t.Fatal("run succeeded although a template could not be written")
	}
	if h.read("config.toml") != good {
		t.Error("config.toml was written although a template it points at failed")
	}
	if st := status(t, h); st.Applied["manager/manager-0"].Commit == h.src.commit {
		t.Error("the failed commit was recorded as applied")
	}
}

func TestConcurrentRunExits(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	if err := os.MkdirAll(h.opts.StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := reconcile.Acquire(h.opts.StateDir, h.now)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	_, err = h.run()
	if !errors.Is(err, reconcile.ErrLocked) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("err = %v, want ErrLocked naming the holder", err)
	}
	if _, err := os.Stat(filepath.Join(h.opts.RunnerConfigDir, "config.toml")); !os.IsNotExist(err) {
		t.Error("a locked-out run wrote files")
	}
}

func TestTokenRotationAppliedOnForcedOrDriftRun(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	h.env["RUNNER_TOKEN"] = "glrt-rotated-SECRET-value"
	if res := h.mustRun(); !res.UpToDate {
		t.Fatalf("unchanged commit fetched: %+v", res)
	}
	h.now = h.now.Add(2 * time.Hour) // the hourly drift check is due
	res := h.mustRun()
	if len(res.Changes) != 1 || !strings.Contains(h.read("config.toml"), "glrt-rotated-SECRET-value") {
		t.Fatalf("rotated token not applied: %q", res.Changes)
	}
	h.env["RUNNER_TOKEN"] = "glrt-third-SECRET-value"
	h.opts.Force = true
	if res := h.mustRun(); len(res.Changes) != 1 {
		t.Fatalf("--force did not apply the token: %q", res.Changes)
	}
}

func TestSecretsNeverInStatusOrLogs(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	h.env["RUNNER_TOKEN"] = ""
	h.opts.Force = true
	_, err := h.run()
	if err == nil || !strings.Contains(err.Error(), "env:RUNNER_TOKEN") {
		t.Fatalf("err = %v, want one naming the reference", err)
	}
	st, _ := os.ReadFile(filepath.Join(h.opts.StateDir, "status.json"))
	for name, text := range map[string]string{"status.json": string(st), "logs": h.logs.String(), "error": err.Error()} {
		if strings.Contains(text, "glrt-first-SECRET-value") {
			t.Errorf("the token appears in %s", name)
		}
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.opts.DryRun = true
	res := h.mustRun()
	if len(res.Changes) != 3 {
		t.Errorf("dry run changes %q, want 3", res.Changes)
	}
	if _, err := os.Stat(h.opts.RunnerConfigDir); !os.IsNotExist(err) {
		t.Error("dry run created the runner config dir")
	}
	if _, err := os.Stat(filepath.Join(h.opts.StateDir, "status.json")); !os.IsNotExist(err) {
		t.Error("dry run wrote status.json")
	}
}

func TestUnmanagedConfigBackedUp(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	if err := os.MkdirAll(h.opts.RunnerConfigDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.opts.RunnerConfigDir, "config.toml"), []byte("concurrent = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun()
	if b := h.read("config.toml.runnerfleet-backup"); b != "concurrent = 1\n" {
		t.Errorf("backup holds %q", b)
	}
}

func TestUnknownManager(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.opts.Manager = "manager-3"
	if _, err := h.run(); err == nil || !strings.Contains(err.Error(), `manager "manager-3" is not in this fleet`) {
		t.Fatalf("err = %v", err)
	}
}

func TestCorruptStatusStartsAfresh(t *testing.T) {
	h := newHarness(t, reconcile.ScopeManager)
	h.mustRun()
	if err := os.WriteFile(filepath.Join(h.opts.StateDir, "status.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := h.mustRun()
	if res.Changed() || !strings.Contains(h.logs.String(), "status.json is corrupt") {
		t.Errorf("changes %q; logs %s", res.Changes, h.logs.String())
	}
	if st := status(t, h); st.Applied["manager/manager-0"].Commit != h.src.commit {
		t.Error("status not rebuilt")
	}
}

func status(t *testing.T, h *harness) *reconcile.Status {
	t.Helper()
	st, err := reconcile.LoadStatus(h.opts.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestMetricsFile(t *testing.T) {
	h := newHarness(t, reconcile.ScopeAll)
	h.opts.MetricsFile = filepath.Join(t.TempDir(), "runnerfleet.prom")
	h.mustRun()
	b, err := os.ReadFile(h.opts.MetricsFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`runnerfleet_last_run_result{result="applied"} 1`,
		`runnerfleet_last_run_result{result="failed"} 0`,
		`runnerfleet_applied_commit_info{target="manager/manager-0",commit="` + h.src.commit + `"} 1`,
		"runnerfleet_terraform_runs_total 2",
		"# TYPE runnerfleet_last_success_timestamp_seconds gauge",
	} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
}
