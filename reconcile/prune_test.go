package reconcile_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

var fleetRes = []string{"aws_key_pair.worker", "aws_launch_template.worker", "aws_ec2_fleet.worker"}

func TestPruneWorkspaces(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	live := h.worker("ci-runners", "manager-0", "healthy")
	healthy := h.machine(workspaces.MachineFixture{Name: "healthy", IP: "10.0.0.1", InstanceID: live, Resources: fleetRes}, 3*time.Hour)
	stuck := h.machine(workspaces.MachineFixture{Name: "stuck", Resources: []string{"aws_key_pair.worker"}}, time.Hour)
	stuckEmpty := h.machine(workspaces.MachineFixture{Name: "stuck-empty", NoState: true}, time.Hour)
	young := h.machine(workspaces.MachineFixture{Name: "young"}, 5*time.Minute)
	reclaimed := h.machine(workspaces.MachineFixture{Name: "reclaimed", IP: "10.0.0.2", InstanceID: "i-0reclaimed", Resources: fleetRes}, 2*time.Hour)
	stale := h.machine(workspaces.MachineFixture{Name: "stale", IP: "10.0.0.3"}, 30*time.Hour)
	broken := h.machine(workspaces.MachineFixture{Name: "broken", ConfigJSON: []byte("{\"DriverName\": ")}, 2*time.Hour)

	rep := h.mustPrune()
	want := map[string][2]string{
		"healthy": {"keep", "healthy"}, "young": {"keep", "healthy"},
		"stuck": {"destroy-and-remove", "stuck"}, "stuck-empty": {"remove-only", "stuck"},
		"reclaimed": {"destroy-and-remove", "instance gone"}, "stale": {"remove-only", "stale"}, "broken": {"remove-only", "broken"},
	}
	for name, w := range want {
		d := decision(rep, reconcile.KindWorkspace, name)
		if d.Action != w[0] || d.Reason != w[1] {
			t.Errorf("%s: %s (%s), want %s (%s)", name, d.Action, d.Reason, w[0], w[1])
		}
	}
	for _, dir := range []string{stuck, stuckEmpty, reclaimed, stale, broken} {
		if exists(dir) {
			t.Errorf("%s not removed", dir)
		}
	}
	if !exists(healthy) || !exists(young) {
		t.Error("a healthy or young workspace was removed")
	}
	// Destroy ran with the driver's Terraform and the machine's own tfvars.json.
	if len(h.destroyer.calls) != 2 || !strings.HasPrefix(h.destroyer.calls[0], fleet.DefaultDriverVersion+" ") ||
		!strings.HasSuffix(h.destroyer.calls[0], "terraform-config tfvars.json") {
		t.Errorf("destroy calls: %q", h.destroyer.calls)
	}
	if st := status(t, h.harness); st.LastPrune != h.now || st.Prune.Last == nil || st.Prune.Last.Removed != 5 {
		t.Errorf("status: last prune %v, summary %+v", st.LastPrune, st.Prune.Last)
	}
}

func TestPruneDestroyFailureKeptAndRetried(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	dir := h.machine(workspaces.MachineFixture{Name: "stuck", Resources: fleetRes}, time.Hour)
	h.destroyer.fail["stuck"] = errDestroy
	for run := 1; run <= 2; run++ {
		rep, err := h.prune(false)
		if err == nil || !strings.Contains(err.Error(), "kept and retried next run") {
			t.Fatalf("run %d: error %v", run, err)
		}
		if d := decision(rep, reconcile.KindWorkspace, "stuck"); d.Error == "" || d.Retries != run-1 {
			t.Errorf("run %d: %+v", run, d)
		}
		if !exists(dir) || !exists(dir+"/terraform-config/terraform.tfstate") {
			t.Fatalf("run %d: the workspace or its state was removed after a failed destroy", run)
		}
		if f := status(t, h.harness).Prune.Failures["workspace/stuck"]; f.Count != run || !strings.Contains(f.LastError, "UnauthorizedOperation") {
			t.Errorf("run %d: failure record %+v", run, f)
		}
		h.now = h.now.Add(10 * time.Minute)
	}
	delete(h.destroyer.fail, "stuck")
	h.mustPrune()
	if exists(dir) || len(status(t, h.harness).Prune.Failures) != 0 {
		t.Errorf("after a successful retry: dir exists %v, failures %v", exists(dir), status(t, h.harness).Prune.Failures)
	}
}

func TestPruneOrphansTwoPhaseAndNeverForeign(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	h.machine(workspaces.MachineFixture{Name: "has-dir", IP: "10.0.0.1"}, time.Hour)
	withDir := h.worker("ci-runners", "manager-0", "has-dir")
	orphan := h.worker("ci-runners", "manager-0", "no-dir")
	otherFleet := h.worker("other-fleet", "manager-0", "no-dir-either")
	otherManager := h.worker("ci-runners", "manager-1", "theirs")
	untagged := h.fake.AddInstance(awsfakeInstance(map[string]string{"Name": "hand-made"}))
	managerItself := h.fake.AddInstance(awsfakeInstance(map[string]string{reconcile.TagFleet: "ci-runners",
		reconcile.TagManager: "manager-0", reconcile.TagRole: "manager"}))
	spot := h.fake.AddSpotRequest(awsfakeSpot("ci-runners", "manager-0", "no-dir"))
	key := awsfakeKey(h, "ci-runners", "manager-0", "no-dir")
	foreignKey := awsfakeKey(h, "other-fleet", "manager-0", "x")

	rep := h.mustPrune()
	if d := decision(rep, reconcile.KindInstance, orphan); d.Phase != reconcile.PhaseMark || d.Action != reconcile.ActionMark {
		t.Errorf("first sighting: %+v", d)
	}
	if h.fake.InstanceState(orphan) != "running" || h.fake.Calls("TerminateInstances") != 0 {
		t.Fatal("an orphan was terminated on its first sighting")
	}
	if m := status(t, h.harness).Prune.Marks["instance/"+orphan]; !m.FirstSeen.Equal(h.now) {
		t.Errorf("mark: %+v", m)
	}
	h.now = h.now.Add(10 * time.Minute)
	rep = h.mustPrune()
	if d := decision(rep, reconcile.KindInstance, orphan); d.Phase != reconcile.PhaseAct || !d.Done {
		t.Errorf("second sighting: %+v", d)
	}
	if h.fake.InstanceState(orphan) != "terminated" || h.fake.SpotRequestState(spot) != "cancelled" {
		t.Errorf("orphan %s, spot %s", h.fake.InstanceState(orphan), h.fake.SpotRequestState(spot))
	}
	names := strings.Join(h.fake.KeyPairNames(), ",")
	if strings.Contains(names, key) || !strings.Contains(names, foreignKey) {
		t.Errorf("key pairs left: %s", names)
	}
	for _, id := range []string{withDir, otherFleet, otherManager, untagged, managerItself} {
		if s := h.fake.InstanceState(id); s != "running" {
			t.Errorf("instance %s (%v) was touched: %s", id, h.fake.Tags(id), s)
		}
	}
	if len(status(t, h.harness).Prune.Marks) != 0 {
		t.Errorf("marks of removed objects kept: %v", status(t, h.harness).Prune.Marks)
	}
}

func TestPruneOrphanThatCameBackIsUnmarked(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	id := h.worker("ci-runners", "manager-0", "late")
	h.mustPrune()
	h.machine(workspaces.MachineFixture{Name: "late", IP: "10.0.0.9", InstanceID: id}, time.Minute) // its directory appeared
	h.now = h.now.Add(10 * time.Minute)
	h.mustPrune()
	if h.fake.InstanceState(id) != "running" || len(status(t, h.harness).Prune.Marks) != 0 {
		t.Errorf("instance %s, marks %v", h.fake.InstanceState(id), status(t, h.harness).Prune.Marks)
	}
}

func TestPruneCapStopsAndSaysWhatIsLeft(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	h.setSpec("max_per_run: 20", "max_per_run: 3")
	var ids []string
	for i := range 5 {
		ids = append(ids, h.worker("ci-runners", "manager-0", fmt.Sprintf("gone-%d", i)))
	}
	h.mustPrune()
	h.now = h.now.Add(10 * time.Minute)
	rep := h.mustPrune()
	terminated := 0
	for _, id := range ids {
		if h.fake.InstanceState(id) == "terminated" {
			terminated++
		}
	}
	if terminated != 3 || rep.Left != 2 || rep.MaxPerRun != 3 {
		t.Errorf("terminated %d, left %d (cap %d), want 3 and 2", terminated, rep.Left, rep.MaxPerRun)
	}
	if !strings.Contains(h.logs.String(), "left=2") {
		t.Errorf("the log does not say what is left:\n%s", h.logs.String())
	}
	h.now = h.now.Add(10 * time.Minute)
	if rep := h.mustPrune(); rep.Left != 0 {
		t.Errorf("third run left %d", rep.Left)
	}
	if st := status(t, h.harness).Prune; len(st.Marks) != 0 {
		t.Errorf("marks left: %v", st.Marks)
	}
}

func TestPruneThrottlingReported(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	stuck := h.machine(workspaces.MachineFixture{Name: "stuck", NoState: true}, time.Hour)
	h.worker("ci-runners", "manager-0", "orphan")
	h.fake.FailNext("DescribeInstances", "RequestLimitExceeded", 3)
	rep, err := h.prune(false)
	if err == nil || !strings.Contains(err.Error(), awsapi.ErrThrottled.Error()) {
		t.Fatalf("error %v, want throttling reported", err)
	}
	if h.fake.Calls("DescribeInstances") != 3 {
		t.Errorf("DescribeInstances calls %d, want the SDK's 3 attempts", h.fake.Calls("DescribeInstances"))
	}
	if exists(stuck) {
		t.Error("a stuck workspace whose state tracks nothing needs no EC2: it should still be pruned")
	}
	if len(rep.Decisions) != 1 || len(status(t, h.harness).Prune.Marks) != 0 {
		t.Errorf("no orphan decisions without a listing: %+v", rep.Decisions)
	}
	if st := status(t, h.harness).Prune.Last; st == nil || !strings.Contains(st.Error, "throttled") {
		t.Errorf("status summary: %+v", st)
	}
}

func TestPruneDeadManagersWorkersFromInfra(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeInfra)
	dead := h.worker("ci-runners", "manager-3", "runner-x-1")
	alive := h.worker("ci-runners", "manager-0", "runner-y-1")
	deadManager := h.fake.AddInstance(awsfakeInstance(map[string]string{reconcile.TagFleet: "ci-runners",
		reconcile.TagManager: "manager-3", reconcile.TagRole: "manager"}))
	h.mustPrune()
	h.now = h.now.Add(10 * time.Minute)
	rep := h.mustPrune()
	if d := decision(rep, reconcile.KindInstance, dead); !d.Done || !strings.Contains(d.Reason, "manager-3 is no longer in the spec") {
		t.Errorf("dead manager's worker: %+v", d)
	}
	if h.fake.InstanceState(dead) != "terminated" || h.fake.InstanceState(alive) != "running" || h.fake.InstanceState(deadManager) != "running" {
		t.Errorf("dead worker %s, live manager's worker %s, the manager instance %s (terraform's, not ours)",
			h.fake.InstanceState(dead), h.fake.InstanceState(alive), h.fake.InstanceState(deadManager))
	}
}

func TestPruneDryRunChangesNothing(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	stuck := h.machine(workspaces.MachineFixture{Name: "stuck", Resources: fleetRes}, time.Hour)
	orphan := h.worker("ci-runners", "manager-0", "no-dir")
	for range 2 {
		rep, err := h.prune(true)
		if err != nil {
			t.Fatal(err)
		}
		if d := decision(rep, reconcile.KindWorkspace, "stuck"); d.Action != "destroy-and-remove" || d.Done {
			t.Errorf("dry run decision: %+v", d)
		}
		if d := decision(rep, reconcile.KindInstance, orphan); d.Phase != reconcile.PhaseMark {
			t.Errorf("dry run never marks, so every orphan stays in phase mark: %+v", d)
		}
		h.now = h.now.Add(10 * time.Minute)
	}
	if !exists(stuck+"/terraform-config/terraform.tfstate") || len(h.destroyer.calls) != 0 {
		t.Errorf("dry run touched the workspace: destroys %v", h.destroyer.calls)
	}
	if h.fake.InstanceState(orphan) != "running" || h.fake.Calls("TerminateInstances")+h.fake.Calls("CreateTags") != 0 {
		t.Error("dry run changed EC2")
	}
	if exists(h.opts.StateDir + "/status.json") {
		t.Error("dry run wrote status.json")
	}
}

func TestPruneUnparseableSpecNeverPrunes(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	stuck := h.machine(workspaces.MachineFixture{Name: "stuck", NoState: true}, time.Hour)
	h.src.push([]byte("version: 1\nname: ci-runners\npools: [\n"))
	_, err := h.prune(false)
	var diags fleet.Diagnostics
	if !errors.As(err, &diags) {
		t.Fatalf("error %v, want the spec's diagnostics", err)
	}
	if !exists(stuck) || h.fake.Calls("DescribeInstances") != 0 {
		t.Error("an unparseable spec pruned")
	}
}

func TestPruneRespectsTheLock(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	h.mustPrune() // creates the state dir
	lock, err := reconcile.Acquire(h.opts.StateDir, h.now)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if _, err := h.prune(false); !errors.Is(err, reconcile.ErrLocked) {
		t.Fatalf("prune under a held lock: %v", err)
	}
}

func TestReconcilePrunesWhenScheduleIsDue(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	stuck := h.machine(workspaces.MachineFixture{Name: "stuck", Resources: fleetRes}, time.Hour)
	h.destroyer.fail["stuck"] = errDestroy
	deps := h.pruneDeps()
	res, err := reconcile.Run(t.Context(), h.opts, deps)
	if err != nil || res.Prune == nil {
		t.Fatalf("first run: prune report %v, error %v (a failed prune must not fail the run)", res.Prune, err)
	}
	if !exists(stuck) || status(t, h.harness).Prune.Failures["workspace/stuck"].Count != 1 {
		t.Error("the failed destroy was not recorded")
	}
	h.now = h.now.Add(4 * time.Minute) // 10:04: */10 not due since 10:00
	delete(h.destroyer.fail, "stuck")
	if res, err := reconcile.Run(t.Context(), h.opts, deps); err != nil || res.Prune != nil || !res.UpToDate {
		t.Fatalf("second run: prune %v, up to date %v, error %v", res.Prune, res.UpToDate, err)
	}
	h.now = h.now.Add(7 * time.Minute) // 10:11: due (10:10)
	res, err = reconcile.Run(t.Context(), h.opts, deps)
	if err != nil || res.Prune == nil || exists(stuck) {
		t.Fatalf("third run: prune %v, error %v, stuck exists %v", res.Prune, err, exists(stuck))
	}
	if !res.UpToDate || status(t, h.harness).LastPrune != h.now {
		t.Errorf("up to date %v, last prune %v", res.UpToDate, status(t, h.harness).LastPrune)
	}
}
