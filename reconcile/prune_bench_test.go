package reconcile_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// TestPruneCallCountFormula: a prune costs the listing's pages plus one TerminateInstances
// per 1000 terminations, nothing else.
func TestPruneCallCountFormula(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	h.setSpec("max_per_run: 20", "max_per_run: 5000")
	for i := range 300 {
		name := fmt.Sprintf("runner-abcd1234-docker-%d", i)
		id := h.worker("ci-runners", "manager-0", name)
		h.machine(workspaces.MachineFixture{Name: name, IP: "10.0.0.1", InstanceID: id, Resources: fleetRes}, time.Hour)
	}
	for i := range 2000 {
		h.worker("ci-runners", "manager-0", fmt.Sprintf("orphan-%d", i))
	}
	// 2300 instances: 3 pages of 1000; spot requests, fleets and key pairs: 1 call each.
	const pages = 3 + 1 + 1 + 1
	if rep := h.mustPrune(); rep.Calls != pages {
		t.Errorf("marking run: %d calls, want %d pages", rep.Calls, pages)
	}
	h.now = h.now.Add(10 * time.Minute)
	rep := h.mustPrune()
	// rep.Calls counts API calls; the fake may see one more HTTP request when the SDK retries
	// a request on a kept-alive connection that the server closed meanwhile (seen under load).
	if want := pages + 2; rep.Calls != want || h.fake.Calls("TerminateInstances") < 2 {
		t.Errorf("acting run: %d calls (TerminateInstances %d), want pages %d + ceil(2000/1000) = %d",
			rep.Calls, h.fake.Calls("TerminateInstances"), pages, want)
	}
}

// BenchmarkPruneDecisions decides over 2,000 workspaces and 10,000 instances (2,000 of them
// the workspaces', 4,000 orphans marked earlier, 4,000 new orphans): the pure part of a prune.
func BenchmarkPruneDecisions(b *testing.B) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	inv := make([]workspaces.Workspace, 2000)
	objs := make([]reconcile.CloudObject, 0, 10000)
	marks := map[string]reconcile.Mark{}
	machines := map[string]bool{}
	for i := range 10000 {
		name, id := "runner-abcd1234-docker-"+strconv.Itoa(i), fmt.Sprintf("i-%017x", i)
		objs = append(objs, reconcile.CloudObject{Kind: reconcile.KindInstance, ID: id, State: "running",
			Tags: map[string]string{reconcile.TagFleet: "ci-runners", reconcile.TagManager: "manager-0", reconcile.TagMachine: name}})
		switch {
		case i < 2000:
			machines[name] = true
			inv[i] = workspaces.Workspace{Name: name, Created: now.Add(-time.Duration(i) * time.Minute), StateModified: now.Add(-time.Hour),
				Config: &workspaces.MachineConfig{DriverName: "terraform"}, IP: "10.0.0.1", InstanceID: id, Resources: []string{"aws_ec2_fleet.worker"}}
		case i < 6000:
			marks["instance/"+id] = reconcile.Mark{FirstSeen: now.Add(-10 * time.Minute)}
		}
	}
	policy := workspaces.Policy{StuckAfter: 45 * time.Minute, WorkspaceTTL: 24 * time.Hour}
	var acts int
	for b.Loop() {
		view := &workspaces.InstanceView{Live: make(map[string]bool, len(objs))}
		for _, o := range objs {
			view.Live[o.ID] = true
		}
		ds := reconcile.WorkspaceDecisions(workspaces.Decide(inv, view, policy, now), "manager-0")
		ds = append(ds, reconcile.DecideOrphans(objs, reconcile.OrphanInput{Fleet: "ci-runners", Manager: "manager-0",
			Machines: machines, Marks: marks, Now: now})...)
		reconcile.ApplyCap(ds, 0, nil)
		acts = 0
		for _, d := range ds {
			if d.Phase == reconcile.PhaseAct {
				acts++
			}
		}
	}
	if acts != 4000 {
		b.Fatalf("acted on %d orphans, want 4000", acts)
	}
	b.ReportMetric(float64(10000/1000+1+1+1+(acts+999)/1000), "ec2-calls")
}

// TestPruneAtScale is a whole dry-run prune over 2,000 driver workspaces on disk and 10,000
// instances listed from the fake EC2 over HTTP; set RUNNERFLEET_PRUNE_SCALE=1 to run it.
func TestPruneAtScale(t *testing.T) {
	if os.Getenv("RUNNERFLEET_PRUNE_SCALE") == "" {
		t.Skip("set RUNNERFLEET_PRUNE_SCALE=1")
	}
	h := newPruneHarness(t, reconcile.ScopeManager)
	for i := range 10000 {
		name := fmt.Sprintf("runner-abcd1234-docker-%d", i)
		id := h.worker("ci-runners", "manager-0", name)
		if i < 2000 {
			h.machine(workspaces.MachineFixture{Name: name, IP: "10.0.0.1", InstanceID: id, Resources: fleetRes}, time.Hour)
		}
	}
	start := time.Now()
	rep, err := h.prune(true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dry-run prune: %d decisions in %v, %d EC2 calls", len(rep.Decisions), time.Since(start), rep.Calls)
}
