package reconcile_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// pruneHarness is a manager host with a docker-machine store and the fake EC2.
type pruneHarness struct {
	*harness
	fake      *awsfake.Server
	store     string
	destroyer *fakeDestroyer
}

func newPruneHarness(t *testing.T, scope string) *pruneHarness {
	h := &pruneHarness{harness: newHarness(t, scope), fake: awsfake.New(t), store: filepath.Join(t.TempDir(), "machine"),
		destroyer: &fakeDestroyer{fail: map[string]error{}}}
	h.opts.MachineStoragePath = h.store
	return h
}

// setSpec pushes the example with old replaced by new (after the token reference fix).
func (h *pruneHarness) setSpec(old, new string) {
	h.src.push(bytes.Replace(h.spec("/ci-runners/runner-token", "{env: RUNNER_TOKEN}"), []byte(old), []byte(new), 1))
}

func (h *pruneHarness) pruneDeps() reconcile.Deps {
	d := h.deps()
	d.Prune = reconcile.PruneDeps{
		Cloud: func(context.Context, string) (reconcile.Cloud, error) {
			return awsapi.NewEC2FromConfig(h.fake.Config()), nil
		},
		Destroyer: func(_ context.Context, version, dir string) (reconcile.Destroyer, error) {
			return h.destroyer.at(version, dir), nil
		},
	}
	return d
}

func (h *pruneHarness) prune(dryRun bool) (reconcile.PruneReport, error) {
	h.t.Helper()
	return reconcile.Prune(h.t.Context(), reconcile.PruneOptions{Scope: h.opts.Scope, Manager: h.opts.Manager,
		StateDir: h.opts.StateDir, MachineStoragePath: h.store, DryRun: dryRun}, h.pruneDeps())
}

func (h *pruneHarness) mustPrune() reconcile.PruneReport {
	h.t.Helper()
	rep, err := h.prune(false)
	if err != nil {
		h.t.Fatalf("prune: %v", err)
	}
	return rep
}

// machine writes a driver workspace created age before the harness's now.
func (h *pruneHarness) machine(m workspaces.MachineFixture, age time.Duration) string {
	h.t.Helper()
	m.Fleet, m.Manager, m.Created = "ci-runners", "manager-0", h.now.Add(-age)
	dir, err := workspaces.WriteMachine(h.store, m)
	if err != nil {
		h.t.Fatal(err)
	}
	return dir
}

// worker adds an instance tagged as the worker template tags it.
func (h *pruneHarness) worker(fleet, manager, machine string) string {
	return h.fake.AddInstance(awsfake.Instance{Tags: map[string]string{reconcile.TagFleet: fleet,
		reconcile.TagManager: manager, reconcile.TagMachine: machine, "runnerfleet:pool": "spot"}})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func decision(rep reconcile.PruneReport, kind, id string) reconcile.PruneDecision {
	for _, d := range rep.Decisions {
		if d.Kind == kind && d.ID == id {
			return d
		}
	}
	return reconcile.PruneDecision{}
}

// fakeDestroyer stands in for terraform destroy: it empties the state like a successful
// destroy does, or fails for the machines in fail.
type fakeDestroyer struct {
	mu    sync.Mutex
	calls []string // "<version> <dir> <varfile>"
	fail  map[string]error
}

type destroyCall struct {
	d            *fakeDestroyer
	version, dir string
}

func (f *fakeDestroyer) at(version, dir string) destroyCall { return destroyCall{f, version, dir} }

func (c destroyCall) Destroy(_ context.Context, varFile string) error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.calls = append(c.d.calls, c.version+" "+c.dir+" "+varFile)
	if err := c.d.fail[filepath.Base(filepath.Dir(c.dir))]; err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.dir, "terraform.tfstate"), []byte(`{"version":4,"outputs":{},"resources":[]}`), 0o600)
}

var errDestroy = errors.New("unable to destroy terraform resources: exit status 1\nError: deleting EC2 Fleet: UnauthorizedOperation")

func awsfakeInstance(tags map[string]string) awsfake.Instance { return awsfake.Instance{Tags: tags} }

func awsfakeSpot(fleet, manager, machine string) awsfake.SpotRequest {
	return awsfake.SpotRequest{Tags: map[string]string{reconcile.TagFleet: fleet, reconcile.TagManager: manager, reconcile.TagMachine: machine}}
}

func awsfakeKey(h *pruneHarness, fleet, manager, machine string) string {
	name := fleet + "-" + machine
	h.fake.AddKeyPair(awsfake.KeyPair{Name: name, Tags: map[string]string{reconcile.TagFleet: fleet,
		reconcile.TagManager: manager, reconcile.TagMachine: machine}})
	return name
}
