package reconcile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// TestFaultEC2ThrottledForAWhile: every EC2 listing is throttled (RequestLimitExceeded, each of
// the SDK's attempts) for several prune runs. Each run reports the throttling, deletes
// nothing and keeps the orphan's mark from before; once EC2 answers again, the orphan marked
// before the throttling is removed: nothing was lost.
func TestFaultEC2ThrottledForAWhile(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	orphan := h.worker("ci-runners", "manager-0", "orphan")
	h.mustPrune() // first sighting: marked
	marked := status(t, h.harness).Prune.Marks["instance/"+orphan].FirstSeen
	if marked.IsZero() {
		t.Fatal("orphan not marked")
	}
	for _, op := range []string{"DescribeInstances", "DescribeSpotInstanceRequests", "DescribeFleets", "DescribeKeyPairs"} {
		h.fake.FailNext(op, "RequestLimitExceeded", 3*3)
	}
	throttled := 0
	for range 20 {
		h.now = h.now.Add(10 * time.Minute)
		rep, err := h.prune(false)
		if err == nil {
			t.Logf("first good run after %d throttled: %+v", throttled, rep.Decisions)
			break
		}
		throttled++
		if !strings.Contains(err.Error(), awsapi.ErrThrottled.Error()) {
			t.Fatalf("run %d: err = %v, want throttling named", throttled, err)
		}
		if s := h.fake.InstanceState(orphan); s != "running" || h.fake.Calls("TerminateInstances") != 0 {
			t.Fatalf("run %d: the orphan was acted on without a complete listing (%s)", throttled, s)
		}
		if m := status(t, h.harness).Prune.Marks["instance/"+orphan]; !m.FirstSeen.Equal(marked) {
			t.Fatalf("run %d: the mark was lost or reset: %+v", throttled, m)
		}
		if last := status(t, h.harness).Prune.Last; last == nil || !strings.Contains(last.Error, "throttled") {
			t.Errorf("run %d: status summary %+v", throttled, last)
		}
		_ = rep
	}
	if throttled < 3 {
		t.Errorf("only %d runs were throttled; the fault did not last", throttled)
	}
	if s := h.fake.InstanceState(orphan); s != "terminated" {
		t.Errorf("after the throttling: orphan %s, want terminated on the first good run", s)
	}
}
