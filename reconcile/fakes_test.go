package reconcile_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/standin"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// memSource serves fleet.yaml from memory and counts fetches, like a remote whose head moves.
type memSource struct {
	mu      sync.Mutex
	commit  string
	spec    []byte
	n       int
	fetches int // full fetches (not the unchanged shortcut)
}

func (s *memSource) push(spec []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.commit = fmt.Sprintf("%040d", s.n)
	s.spec = spec
}

func (s *memSource) Fetch(_ context.Context, req reconcile.FetchRequest) (reconcile.Fetched, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.LastApplied == s.commit && !req.Force {
		return reconcile.Fetched{Unchanged: true, Commit: s.commit}, nil
	}
	s.fetches++
	return reconcile.Fetched{Commit: s.commit, Path: "fleet.yaml", Spec: s.spec}, nil
}

// fakeTerraform records calls; changes says whether the next plan has changes.
type fakeTerraform struct {
	calls    []string
	changes  bool
	applyErr error
}

func (f *fakeTerraform) Init(context.Context) error { f.calls = append(f.calls, "init"); return nil }
func (f *fakeTerraform) Plan(context.Context, string) (bool, error) {
	f.calls = append(f.calls, "plan")
	return f.changes, nil
}
func (f *fakeTerraform) Show(context.Context, string) (reconcile.PlanSummary, error) {
	f.calls = append(f.calls, "show")
	return reconcile.PlanSummary{Add: 1, Resources: []reconcile.ResourceChange{{Address: "x", Action: "create"}}}, nil
}
func (f *fakeTerraform) Apply(context.Context, string) error {
	f.calls = append(f.calls, "apply")
	return f.applyErr
}

// harness is one host: a state dir, a runner config dir, a source and a terraform.
type harness struct {
	t       *testing.T
	src     *memSource
	tf      *fakeTerraform
	opts    reconcile.Options
	env     map[string]string
	now     time.Time
	logs    bytes.Buffer
	example []byte
}

func newHarness(t *testing.T, scope string) *harness {
	t.Helper()
	example, err := os.ReadFile("../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h := &harness{t: t, src: &memSource{}, tf: &fakeTerraform{changes: true}, example: example,
		now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		env: map[string]string{},
		opts: reconcile.Options{Scope: scope, Manager: "manager-0", StateDir: filepath.Join(dir, "state"),
			RunnerConfigDir: filepath.Join(dir, "gitlab-runner")}}
	h.src.push(h.spec("/ci-runners/runner-token", "{env: RUNNER_TOKEN}"))
	h.env["RUNNER_TOKEN"] = "glrt-first-SECRET-value"
	return h
}

// spec is the example with one substring replaced.
func (h *harness) spec(old, new string) []byte {
	return bytes.Replace(h.example, []byte("{ssm: "+old+"}"), []byte(new), 1)
}

func (h *harness) deps() reconcile.Deps {
	return reconcile.Deps{
		Source: h.src,
		Terraform: func(context.Context, string, string, func(string) string) (reconcile.Terraform, error) {
			return h.tf, nil
		},
		Secrets: reconcile.SecretSources{LookupEnv: func(k string) (string, bool) {
			v, ok := h.env[k]
			return v, ok
		}},
		Stack:  standin.Stack,
		Now:    func() time.Time { return h.now },
		Logger: slog.New(slog.NewTextHandler(&h.logs, nil)),
	}
}

func (h *harness) run() (reconcile.Result, error) {
	h.t.Helper()
	return reconcile.Run(context.Background(), h.opts, h.deps())
}

func (h *harness) mustRun() reconcile.Result {
	h.t.Helper()
	res, err := h.run()
	if err != nil {
		h.t.Fatalf("reconcile: %v", err)
	}
	return res
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.opts.RunnerConfigDir, rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}
