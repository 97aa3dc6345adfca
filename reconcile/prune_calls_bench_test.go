package reconcile_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// ec2Ops are every EC2 operation the fake serves, to count calls on the server's side.
var ec2Ops = []string{"DescribeInstances", "TerminateInstances", "DescribeSpotInstanceRequests",
	"CancelSpotInstanceRequests", "DescribeFleets", "DeleteFleets", "DescribeKeyPairs", "DeleteKeyPair", "CreateTags"}

// TestPruneCallsAtScale measures the EC2 calls of a real prune (not a dry run) over 10,000
// instances and 2,000 driver workspaces through the fake EC2 over HTTP: the marking run, then
// the acting run that terminates the 8,000 orphans. It prints one BENCHMETRIC line that `make
// bench` reads. Set RUNNERFLEET_BENCH_PRUNE_CALLS=1 to run it.
func TestPruneCallsAtScale(t *testing.T) {
	if os.Getenv("RUNNERFLEET_BENCH_PRUNE_CALLS") == "" {
		t.Skip("set RUNNERFLEET_BENCH_PRUNE_CALLS=1 (make bench runs this test)")
	}
	const instances, machines = 10000, 2000
	h := newPruneHarness(t, reconcile.ScopeManager)
	h.setSpec("max_per_run: 20", "max_per_run: 20000")
	for i := range instances {
		name := fmt.Sprintf("runner-abcd1234-docker-%d", i)
		id := h.worker("ci-runners", "manager-0", name)
		if i < machines {
			h.machine(workspaces.MachineFixture{Name: name, IP: "10.0.0.1", InstanceID: id, Resources: fleetRes}, time.Hour)
		}
	}
	serverCalls := func() int {
		n := 0
		for _, op := range ec2Ops {
			n += h.fake.Calls(op)
		}
		return n
	}
	h.mustPrune() // marks the orphans
	before := serverCalls()
	h.now = h.now.Add(10 * time.Minute)
	start := time.Now()
	rep := h.mustPrune()
	elapsed := time.Since(start)
	calls := serverCalls() - before
	terminated := 0
	for _, d := range rep.Decisions {
		if d.Kind == reconcile.KindInstance && d.Phase == reconcile.PhaseAct && d.Error == "" && !d.Deferred {
			terminated++
		}
	}
	// One page of up to 1000 per listing: instances, and spot requests, fleets and key pairs
	// (none here: one call each).
	pages := (instances+999)/1000 + 3
	want := pages + (terminated+999)/1000
	if calls != rep.Calls { // the SDK's retries reach the fake, and are counted there
		for _, op := range ec2Ops {
			t.Logf("%s: %d", op, h.fake.Calls(op))
		}
		t.Logf("the fake counted %d EC2 calls, the prune reported %d", calls, rep.Calls)
	}
	if terminated != instances-machines {
		t.Errorf("terminated %d instances, want %d", terminated, instances-machines)
	}
	fmt.Printf("BENCHMETRIC prune-calls ec2-calls=%d reported-calls=%d pages=%d terminations=%d formula=%d acting-run-ms=%.1f\n",
		calls, rep.Calls, pages, terminated, want, float64(elapsed)/float64(time.Millisecond))
}
