package reconcile_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/render"
)

const (
	ssmToken = "glrt-from-SSM-SECRET-value"
	envToken = "glrt-from-ENV-SECRET-value"
)

// ssmHarness is a manager whose default token is in (fake) SSM and whose privileged runner
// has its own token in the environment.
func ssmHarness(t *testing.T) (*harness, *awsfake.Server, reconcile.Deps) {
	h := newHarness(t, reconcile.ScopeManager)
	fake := awsfake.New(t)
	fake.PutParameter("/ci-runners/runner-token", ssmToken)
	h.env["PRIV_TOKEN"] = envToken
	h.src.push(bytes.Replace(h.example, []byte("privileged: true}"), []byte("privileged: true}\n    token: {env: PRIV_TOKEN}"), 1))
	deps := h.deps()
	deps.Secrets.SSM = func(context.Context, string) (reconcile.ParameterStore, error) {
		return awsapi.NewSSMFromConfig(fake.Config()), nil
	}
	return h, fake, deps
}

func runnersByName(t *testing.T, h *harness) map[string]render.Runner {
	t.Helper()
	var cfg render.RunnerConfig
	if err := toml.Unmarshal([]byte(h.read("config.toml")), &cfg); err != nil {
		t.Fatal(err)
	}
	out := map[string]render.Runner{}
	for _, r := range cfg.Runners {
		out[strings.TrimPrefix(r.Name, "ci-runners-manager-0-")] = r
	}
	return out
}

// TestFaultSSMUnavailable: with SSM down, the runners whose token is in SSM keep their previous
// config.toml entries, a new SSM runner stays out, the env runner's change applies, the run
// fails naming the reference (never a value), and the next run with SSM back converges.
func TestFaultSSMUnavailable(t *testing.T) {
	h, fake, deps := ssmHarness(t)
	run := func() error { _, err := reconcile.Run(context.Background(), h.opts, deps); return err }
	if err := run(); err != nil {
		t.Fatal(err)
	}
	spec := bytes.Replace(h.src.spec, []byte("limit: 20"), []byte("limit: 25"), 1) // docker (SSM token)
	spec = bytes.Replace(spec, []byte("tags: [dind]\n    limit: 10"), []byte("tags: [dind]\n    limit: 15"), 1)
	spec = bytes.Replace(spec, []byte("prune:"), []byte("  - {name: extra, pool: spot}\nprune:"), 1)
	h.src.push(spec)
	fake.FailNext("GetParameter", "ServiceUnavailable", 3) // the SDK's 3 attempts, one reference

	err := run()
	var held *reconcile.UnresolvedTokensError
	if !errors.As(err, &held) || !strings.Contains(err.Error(), "ssm:/ci-runners/runner-token") {
		t.Fatalf("err = %v, want the unresolved reference named", err)
	}
	if n := fake.Calls("GetParameter"); n != 1+3 {
		t.Errorf("GetParameter called %d times: the reference should be tried once per run", n)
	}
	got := runnersByName(t, h)
	if got["docker"].Limit != 20 || got["docker"].Token != ssmToken || got["build"].Token != ssmToken {
		t.Errorf("SSM runners did not keep their entries: %+v", got["docker"])
	}
	if got["docker-privileged"].Limit != 15 || got["docker-privileged"].Token != envToken {
		t.Errorf("env runner not applied: %+v", got["docker-privileged"])
	}
	if _, ok := got["extra"]; ok {
		t.Error("a new runner without a token was written")
	}
	st := status(t, h)
	last := st.Runs[len(st.Runs)-1]
	if last.Result != "failed" || !strings.Contains(last.Error, "ssm:/ci-runners/runner-token") ||
		st.Applied["manager/manager-0"].Commit == h.src.commit {
		t.Errorf("status: %+v, applied %s", last, st.Applied["manager/manager-0"].Commit)
	}
	assertNoSecret(t, map[string]string{"error": err.Error(), "logs": h.logs.String(), "status": readFile(t, filepath.Join(h.opts.StateDir, "status.json"))},
		ssmToken, envToken)

	if err := run(); err != nil {
		t.Fatalf("recovery: %v", err)
	}
	got = runnersByName(t, h)
	if got["docker"].Limit != 25 || got["extra"].Token != ssmToken {
		t.Errorf("not converged: docker %+v, extra %+v", got["docker"], got["extra"])
	}
	if st := status(t, h); st.Applied["manager/manager-0"].Commit != h.src.commit {
		t.Error("converged run not recorded")
	}
}

// TestFaultSSMUnreadableConfigKeptWhole: when the config.toml on disk cannot be decoded, a
// run with an unresolved token keeps it whole instead of guessing.
func TestFaultSSMUnreadableConfigKeptWhole(t *testing.T) {
	h, fake, deps := ssmHarness(t)
	if _, err := reconcile.Run(context.Background(), h.opts, deps); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(h.opts.RunnerConfigDir, "config.toml")
	if err := os.WriteFile(path, []byte("concurrent = [broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("GetParameter", "ServiceUnavailable", 3) // the SDK's 3 attempts, one reference
	h.opts.Force = true
	_, err := reconcile.Run(context.Background(), h.opts, deps)
	var held *reconcile.UnresolvedTokensError
	if !errors.As(err, &held) || !held.KeptFile {
		t.Fatalf("err = %v", err)
	}
	if readFile(t, path) != "concurrent = [broken\n" {
		t.Error("config.toml was replaced although its runners could not be kept")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertNoSecret(t *testing.T, outputs map[string]string, secrets ...string) {
	t.Helper()
	for name, text := range outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q:\n%s", name, s, text)
			}
		}
	}
}
