package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitlabfake"
	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// Known secret values, one per way a secret enters runnerfleet.
const (
	secEnvToken  = "glrt-ENV-token-9f8e7d"
	secFileToken = "glrt-FILE-token-6c5b4a"
	secSSMToken  = "glrt-SSM-token-3a2b1c"
	secHookToken = "webhook-SECRET-0d9c8b"
)

// secretWorld is a config repository over HTTP (basic auth), fake SSM/EC2 and GitLab, and a
// fleet.yaml whose runners take their tokens from the environment, a file and SSM.
type secretWorld struct {
	t       *testing.T
	srv     *gitserver.Server
	repo    *gitserver.Repo
	spec    string
	dir     string
	outputs map[string]string
}

func newSecretWorld(t *testing.T) *secretWorld {
	w := &secretWorld{t: t, srv: gitserver.NewServer(t), dir: t.TempDir(), outputs: map[string]string{}}
	b, err := os.ReadFile("../../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(w.dir, "build-token")
	writeFile(t, tokenFile, secFileToken+"\n")
	w.spec = strings.Replace(string(b), "privileged: true}", "privileged: true}\n    token: {env: SEC_ENV_TOKEN}", 1)
	w.spec = strings.Replace(w.spec, "tags: [build]", "tags: [build]\n    token: {file: "+tokenFile+"}", 1)
	w.repo = w.srv.NewRepo(t, "fleet.git")
	w.repo.Commit(map[string]string{"fleet.yaml": w.spec}, "fleet")
	fake := awsfake.New(t)
	fake.PutParameter("/ci-runners/runner-token", secSSMToken)
	awsEnv(t, fake)
	t.Setenv("SEC_ENV_TOKEN", secEnvToken)
	t.Setenv("RUNNERFLEET_GIT_PASSWORD", w.srv.Password)
	t.Setenv("RUNNERFLEET_GIT_USERNAME", w.srv.User)
	writeFile(t, filepath.Join(w.dir, "hook-token"), secHookToken)
	return w
}

func (w *secretWorld) path(p string) string { return filepath.Join(w.dir, p) }

// cli runs one command in-process and keeps its outputs.
func (w *secretWorld) cli(name string, want int, args ...string) string {
	w.t.Helper()
	code, out, errOut := runCLI(w.t, args...)
	w.outputs[name+" stdout"], w.outputs[name+" stderr"] = out, errOut
	if code != want {
		w.t.Fatalf("%s: exit %d, want %d\n%s\n%s", name, code, want, out, errOut)
	}
	return out
}

func (w *secretWorld) file(name, path string) {
	w.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatalf("%s: %v", name, err)
	}
	w.outputs[name] = string(b)
}

// dirFiles keeps every file under dir.
func (w *secretWorld) dirFiles(name, dir string) {
	w.t.Helper()
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.Contains(p, "/git/") && !strings.HasSuffix(p, ".zip") {
			w.file(name+" "+strings.TrimPrefix(p, dir), p)
		}
		return nil
	})
}

func (w *secretWorld) reconcileArgs(state string) []string {
	return []string{"reconcile", "--repo", w.srv.URL("fleet.git"), "--scope", "manager", "--manager", "manager-0",
		"--state-dir", w.path(state), "--runner-config-dir", w.path("etc"), "--metrics-file", w.path("metrics.prom"),
		"--log-format", "json", "--prune=false"}
}

// TestSecuritySecretsNeverLeak runs every command with known secrets (runner tokens from env,
// file and SSM; the git password; the GitLab API token; the webhook token; the fake AWS secret
// key) and searches everything they produce: stdout, stderr and logs, errors, status.json, the
// metrics file, rendered files, plan output in every format, the GitLab note, and the
// daemon's HTTP answers. It also checks config.toml is 0600 and the state dir 0700.
func TestSecuritySecretsNeverLeak(t *testing.T) {
	w := newSecretWorld(t)
	w.cli("validate", exitOK, "validate", "--repo", w.srv.URL("fleet.git"))
	writeFile(t, w.path("fleet.yaml"), w.spec)
	w.cli("render", exitOK, "render", "-f", w.path("fleet.yaml"), "-o", w.path("rendered"))
	w.dirFiles("rendered", w.path("rendered"))

	w.cli("reconcile", exitOK, w.reconcileArgs("state")...)
	w.checkConfigAndModes()
	w.file("metrics", w.path("metrics.prom"))
	w.cli("status text", exitOK, "status", "--state-dir", w.path("state"))
	w.cli("status json", exitOK, "status", "--state-dir", w.path("state"), "--format", "json")

	t.Setenv("SEC_ENV_TOKEN", "") // a failing run: the error names the reference
	errOut := w.cli("reconcile failing", exitFailure, append(w.reconcileArgs("state"), "--force")...)
	if !strings.Contains(w.outputs["reconcile failing stderr"], "env:SEC_ENV_TOKEN") {
		t.Errorf("the failing run does not name the reference: %s%s", errOut, w.outputs["reconcile failing stderr"])
	}
	t.Setenv("SEC_ENV_TOKEN", secEnvToken)
	w.dirFiles("state", w.path("state"))

	w.plan()
	w.cli("prune", exitOK, "prune", "--repo", w.srv.URL("fleet.git"), "--scope", "manager", "--manager", "manager-0",
		"--state-dir", w.path("prune-state"), "--machine-storage-path", w.path("machine"), "--dry-run", "--format", "json")
	w.cli("unlock", exitOK, "unlock", "--state-dir", w.path("state"), "--dry-run")
	w.serve()

	secrets := []string{secEnvToken, secFileToken, secSSMToken, secHookToken, gitserver.Password, gitlabfake.Token, awsfake.SecretAccessKey}
	for name, text := range w.outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q", name, s)
			}
		}
	}
	if len(w.outputs) < 25 {
		t.Errorf("only %d outputs searched", len(w.outputs))
	}
}

// checkConfigAndModes: the tokens did reach config.toml (so the search is meaningful), which
// is 0600, in a state dir of 0700.
func (w *secretWorld) checkConfigAndModes() {
	w.t.Helper()
	cfg, err := os.ReadFile(w.path("etc/config.toml"))
	for _, tok := range []string{secEnvToken, secFileToken, secSSMToken} {
		if err != nil || !strings.Contains(string(cfg), tok) {
			w.t.Fatalf("config.toml lacks a resolved token: %v", err)
		}
	}
	for path, want := range map[string]os.FileMode{"etc/config.toml": 0o600, "state": 0o700, "state/status.json": 0o600} {
		if fi, err := os.Stat(w.path(path)); err != nil || fi.Mode().Perm() != want {
			w.t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
}

// plan runs plan in every format, and posts the GitLab note (then fails once with a revoked
// GitLab token, whose error must not echo it either).
func (w *secretWorld) plan() {
	w.t.Helper()
	gitserver.Git(w.t, w.repo.Work, "fetch", "--quiet", "origin")
	writeFile(w.t, filepath.Join(w.repo.Work, "fleet.yaml"), moreIdle(w.spec))
	base := []string{"plan", "--source-dir", w.repo.Work, "--base", "origin/main"}
	for _, format := range []string{"text", "markdown", "json"} {
		w.cli("plan "+format, exitOK, append(base, "--format", format)...)
	}
	fake := gitlabfake.New(w.t)
	w.t.Setenv("CI_API_V4_URL", fake.URL)
	w.t.Setenv("CI_PROJECT_ID", fake.Project)
	w.t.Setenv("CI_MERGE_REQUEST_IID", fmt.Sprint(fake.MR))
	w.t.Setenv("RUNNERFLEET_GITLAB_TOKEN", gitlabfake.Token)
	w.cli("plan note", exitOK, append(base, "--format", "markdown", "--gitlab-note")...)
	for i, n := range fake.Notes() {
		w.outputs[fmt.Sprintf("gitlab note %d", i)] = n.Body
	}
	if len(fake.Notes()) == 0 {
		w.t.Error("no note posted")
	}
	fake.FailStatus = http.StatusUnauthorized
	w.cli("plan note refused", exitFailure, append(base, "--format", "markdown", "--gitlab-note")...)
}

// serve runs the daemon as its own process, asks each endpoint, and stops it with SIGTERM.
func (w *secretWorld) serve() {
	w.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append(w.reconcileArgs("serve-state"), "--listen", addr, "--interval", "1h", "--webhook-token-file", w.path("hook-token"))
	args[0] = "serve"
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), benchMain+"=1")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	if !w.waitHealthy("http://" + addr + "/healthz") {
		w.t.Fatalf("serve never became healthy:\n%s", logs.String())
	}
	w.get("metrics", "http://"+addr+"/metrics")
	push := `{"object_kind":"push","ref":"refs/heads/main"}`
	w.hook("hook wrong token", addr, "not-the-token", push, http.StatusUnauthorized)
	w.hook("hook push", addr, secHookToken, push, http.StatusAccepted)
	w.hook("hook oversized", addr, secHookToken, `{"pad":"`+strings.Repeat("x", maxHookBody)+`"}`, http.StatusRequestEntityTooLarge)
	time.Sleep(300 * time.Millisecond) // let the webhook's run log
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	w.outputs["serve logs"] = logs.String()
	w.dirFiles("serve state", w.path("serve-state"))
}

func (w *secretWorld) waitHealthy(url string) bool {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		// TestMain points the child's AWS SDK at a closed port, so its SSM runner is held back
		// and /healthz reports that failure: the held-back path's outputs are searched too.
		if body, code := w.fetch("GET", url, "", ""); code != 0 && strings.TrimSpace(body) != "starting" {
			w.outputs["healthz"] = body
			return true
		}
	}
	return false
}

func (w *secretWorld) get(name, url string) {
	w.outputs[name], _ = w.fetch("GET", url, "", "")
}

func (w *secretWorld) hook(name, addr, token, body string, want int) {
	w.t.Helper()
	got, code := w.fetch("POST", "http://"+addr+"/hooks/gitlab", token, body)
	w.outputs[name] = got
	if code != want {
		w.t.Errorf("%s: status %d, want %d", name, code, want)
	}
}

func (w *secretWorld) fetch(method, url, token, body string) (string, int) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Gitlab-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}
