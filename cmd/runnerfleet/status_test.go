package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatusAfterReconcile(t *testing.T) {
	repo, _ := fleetRepo(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	t.Setenv("TEST_RUNNER_TOKEN", "glrt-status-SECRET")
	if code, _, errOut := runCLI(t, "reconcile", "--repo", repo.Bare, "--scope", "manager", "--manager", "manager-0",
		"--state-dir", state, "--runner-config-dir", filepath.Join(dir, "etc")); code != exitOK {
		t.Fatalf("reconcile: exit %d %s", code, errOut)
	}
	code, out, _ := runCLI(t, "status", "--state-dir", state)
	if code != exitOK {
		t.Fatalf("status: exit %d", code)
	}
	for _, want := range []string{"manager/manager-0    commit ", ", 3 files", "drift check         last ", "(0 * * * *)",
		"prune               last ", "manager applied"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "status", "--state-dir", state, "--format", "json")
	var st struct {
		Applied map[string]any    `json:"applied"`
		Next    map[string]string `json:"next"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != exitOK || st.Next["drift"] == "" || len(st.Applied) != 1 {
		t.Fatalf("json status: exit %d, %v, %+v", code, err, st)
	}
	if strings.Contains(out, "glrt-status-SECRET") {
		t.Error("status shows a token")
	}
}

func TestStatusCorruptFile(t *testing.T) {
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, "status.json"), []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "status", "--state-dir", state)
	if code != exitFailure || !strings.Contains(errOut, "status.json is corrupt") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
