package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/report"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitlabfake"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
	"github.com/runnerfleet/runnerfleet/internal/testutil/standin"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/render"
)

func moreIdle(spec string) string {
	return strings.Replace(spec, "idle: {count: 1,", "idle: {count: 4,", 1)
}

// checkout is a clone whose origin/main holds the example and whose work tree holds head.
func checkout(t *testing.T, head string) string {
	t.Helper()
	repo, _ := fleetRepo(t)
	gitserver.Git(t, repo.Work, "fetch", "--quiet", "origin")
	writeFile(t, filepath.Join(repo.Work, "fleet.yaml"), head)
	return repo.Work
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPlanSourceDir(t *testing.T) {
	_, spec := fleetRepo(t)
	dir := checkout(t, moreIdle(spec))
	code, out, errOut := runCLI(t, "plan", "--source-dir", dir, "--base", "origin/main", "--detailed-exitcode")
	if code != exitChanges {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"origin/main (", "→ work tree", "~ pool spot: idle.count 1 → 4",
		"--- a/manager-0/config.toml", "-    IdleCount = 1", "+    IdleCount = 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour on a pipe")
	}
	code, out, _ = runCLI(t, "plan", "--source-dir", dir, "--detailed-exitcode") // default base: origin/main
	if code != exitChanges || !strings.Contains(out, "idle.count 1 → 4") {
		t.Fatalf("default base: exit %d", code)
	}
	writeFile(t, filepath.Join(dir, "fleet.yaml"), spec)
	if code, out, _ = runCLI(t, "plan", "--source-dir", dir, "--detailed-exitcode"); code != exitOK || !strings.Contains(out, "No changes") {
		t.Fatalf("no change: exit %d\n%s", code, out)
	}
}

func TestPlanRepoJSON(t *testing.T) {
	repo, spec := fleetRepo(t)
	base := gitserver.Git(t, repo.Work, "rev-parse", "HEAD")
	head := repo.Commit(map[string]string{"fleet.yaml": moreIdle(spec)}, "more idle")
	repo.Branch("feature", head)
	repo.Branch("main", base)
	code, out, errOut := runCLI(t, "plan", "--repo", repo.FileURL(), "--ref", "feature", "--base", "main", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Base.Commit != base || r.Head.Commit != head || !r.Changed || r.Summary[0].Text != "pool spot: idle.count 1 → 4" {
		t.Errorf("%+v", r)
	}
}

func TestPlanInvalidSpecEveryFormat(t *testing.T) {
	_, spec := fleetRepo(t)
	dir := checkout(t, strings.Replace(spec, "limit: 20", "limit: -1", 1))
	for _, format := range []string{"text", "markdown", "json"} {
		code, out, errOut := runCLI(t, "plan", "--source-dir", dir, "--format", format, "--detailed-exitcode")
		want := "fleet.yaml:42:12: runners[0].limit: must be >= 0, got -1"
		if format == "json" {
			want = `"line": 42,
      "col": 12,
      "path": "runners[0].limit",
      "message": "must be >= 0, got -1"`
		}
		if code != exitInvalid || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d\n%s\n%s", format, code, out, errOut)
		}
	}
}

func TestPlanGitLabNote(t *testing.T) {
	_, spec := fleetRepo(t)
	dir := checkout(t, moreIdle(spec))
	fake := gitlabfake.New(t)
	t.Setenv("CI_API_V4_URL", fake.URL)
	t.Setenv("CI_PROJECT_ID", fake.Project)
	t.Setenv("CI_MERGE_REQUEST_IID", fmt.Sprint(fake.MR))
	t.Setenv("RUNNERFLEET_GITLAB_TOKEN", gitlabfake.Token)
	args := []string{"plan", "--source-dir", dir, "--format", "markdown", "--gitlab-note", "--gitlab-note-limit", "700"}
	var all string
	for range 2 {
		code, out, errOut := runCLI(t, args...)
		all += out + errOut
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	}
	notes := fake.Notes()
	if len(notes) < 2 || fake.Calls("PUT note") != len(notes) || !strings.Contains(notes[0].Body, "idle.count 1 → 4") {
		t.Fatalf("%d notes, %d updates", len(notes), fake.Calls("PUT note"))
	}
	t.Setenv("RUNNERFLEET_GITLAB_TOKEN", "glpat-REVOKED-value")
	code, out, errOut := runCLI(t, args...)
	all += out + errOut
	if code != exitFailure || !strings.Contains(out, "#### Summary") || !strings.Contains(errOut, "401") {
		t.Fatalf("a failed post must print the report and exit 1: exit %d, %q", code, errOut)
	}
	if strings.Contains(all, gitlabfake.Token) || strings.Contains(all, "glpat-REVOKED-value") {
		t.Error("a token value was printed")
	}
}

func TestPlanTerraformStandIn(t *testing.T) {
	tf := tftest.Binary(t)
	planStackFiles = standin.Stack
	t.Cleanup(func() { planStackFiles = render.Stack })
	_, spec := fleetRepo(t)
	dir := checkout(t, strings.Replace(spec, "  count: 1\n", "  count: 2\n", 1))
	code, out, errOut := runCLI(t, "plan", "--source-dir", dir, "--terraform", "--terraform-path", tf,
		"--terraform-cache-dir", t.TempDir(), "--detailed-exitcode")
	if code != exitChanges {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"terraform plan -lock=false", "2 to add, 0 to change, 0 to destroy",
		"+ create   terraform_data.manager-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
