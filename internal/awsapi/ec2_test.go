package awsapi_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

func workerTags(fleet, manager, machine string) map[string]string {
	return map[string]string{reconcile.TagFleet: fleet, reconcile.TagManager: manager, reconcile.TagMachine: machine, "runnerfleet:pool": "spot"}
}

func ids(objs []reconcile.CloudObject, kind string) []string {
	var out []string
	for _, o := range objs {
		if o.Kind == kind {
			out = append(out, o.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestListWorkersFiltersAndPages(t *testing.T) {
	fake := awsfake.New(t)
	for i := range 2500 {
		fake.AddInstance(awsfake.Instance{Tags: workerTags("ci", "manager-0", fmt.Sprintf("m-%d", i))})
	}
	mine := fake.AddInstance(awsfake.Instance{State: "stopped", Tags: workerTags("ci", "manager-0", "m-stopped")})
	fake.AddInstance(awsfake.Instance{State: "terminated", Tags: workerTags("ci", "manager-0", "m-dead")})
	fake.AddInstance(awsfake.Instance{Tags: workerTags("ci", "manager-1", "m-other-manager")})
	fake.AddInstance(awsfake.Instance{Tags: workerTags("other", "manager-0", "m-other-fleet")})
	fake.AddInstance(awsfake.Instance{Tags: map[string]string{"Name": "untagged"}})
	fake.AddInstance(awsfake.Instance{Tags: map[string]string{reconcile.TagFleet: "ci", reconcile.TagManager: "manager-0", "runnerfleet:role": "manager"}})
	spot := fake.AddSpotRequest(awsfake.SpotRequest{Tags: workerTags("ci", "manager-0", "m-1")})
	fake.AddSpotRequest(awsfake.SpotRequest{State: "cancelled", Tags: workerTags("ci", "manager-0", "m-2")})
	maintain := fake.AddFleet(awsfake.Fleet{Type: "maintain", Tags: workerTags("other", "manager-0", "m-3")})
	fake.AddFleet(awsfake.Fleet{Type: "instant", Tags: workerTags("ci", "manager-0", "m-4")})
	fake.AddKeyPair(awsfake.KeyPair{Name: "m-5", Tags: workerTags("ci", "manager-0", "m-5")})
	fake.AddKeyPair(awsfake.KeyPair{Name: "someone-elses"})

	got, err := awsapi.NewEC2FromConfig(fake.Config()).ListWorkers(t.Context(), reconcile.WorkerQuery{Fleet: "ci", Manager: "manager-0"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ids(got.Objects, reconcile.KindInstance)); n != 2501 {
		t.Errorf("listed %d instances, want the 2501 live ones of ci/manager-0", n)
	}
	found := map[string]bool{}
	for _, o := range got.Objects {
		found[o.ID] = true
	}
	if !found[mine] || !found[spot] || !found["m-5"] || !found[maintain] || found["someone-elses"] {
		t.Errorf("listing: stopped %v, spot %v, key %v, maintain fleet %v (its tags are checked by the caller), foreign key %v",
			found[mine], found[spot], found["m-5"], found[maintain], found["someone-elses"])
	}
	if len(ids(got.Objects, reconcile.KindFleet)) != 1 {
		t.Errorf("instant fleets are not listed by EC2: %v", ids(got.Objects, reconcile.KindFleet))
	}
	// 3 pages of instances, 1 of spot requests, 1 of fleets, 1 DescribeKeyPairs.
	if got.Calls != 6 || fake.Calls("DescribeInstances") != 3 {
		t.Errorf("calls = %d (DescribeInstances %d), want 6 (3)", got.Calls, fake.Calls("DescribeInstances"))
	}
	q := fake.Requests("DescribeInstances")[0].Form
	if q.Get("Filter.1.Name") != "tag:runnerfleet:fleet" || q.Get("Filter.1.Value.1") != "ci" || q.Get("MaxResults") != "1000" {
		t.Errorf("server-side filters not sent: %v", q)
	}
}

func TestRemoveInstancesInBatchesAndNotFound(t *testing.T) {
	fake := awsfake.New(t)
	var all []string
	for i := range 2100 {
		all = append(all, fake.AddInstance(awsfake.Instance{Tags: workerTags("ci", "manager-0", fmt.Sprint(i))}))
	}
	fake.RemoveInstance(all[5]) // terminated long ago: EC2 no longer knows it
	res, err := awsapi.NewEC2FromConfig(fake.Config()).Remove(t.Context(), reconcile.KindInstance, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 2100 || len(res.Failed) != 0 {
		t.Errorf("removed %d, failed %v", len(res.Removed), res.Failed)
	}
	// 3 batches of at most 1000; the first is retried once without the unknown id.
	if c := fake.Calls("TerminateInstances"); c != 4 || res.Calls != 4 {
		t.Errorf("TerminateInstances calls = %d (counted %d), want 4", c, res.Calls)
	}
	if s := fake.InstanceState(all[6]); s != "terminated" {
		t.Errorf("instance state %q", s)
	}
}

func TestRemoveOtherKinds(t *testing.T) {
	fake := awsfake.New(t)
	inst := fake.AddInstance(awsfake.Instance{Tags: workerTags("ci", "manager-0", "m")})
	fl := fake.AddFleet(awsfake.Fleet{InstanceIDs: []string{inst}, Tags: workerTags("ci", "manager-0", "m")})
	spot := fake.AddSpotRequest(awsfake.SpotRequest{Tags: workerTags("ci", "manager-0", "m")})
	fake.AddKeyPair(awsfake.KeyPair{Name: "m", Tags: workerTags("ci", "manager-0", "m")})
	e := awsapi.NewEC2FromConfig(fake.Config())
	for kind, id := range map[string]string{reconcile.KindFleet: fl, reconcile.KindSpotRequest: spot, reconcile.KindKeyPair: "m"} {
		res, err := e.Remove(t.Context(), kind, []string{id, "gone-" + kind})
		if err != nil || len(res.Removed) != 2 {
			t.Errorf("%s: %+v, %v (an unknown id counts as removed)", kind, res, err)
		}
	}
	if fake.FleetState(fl) != "deleted_terminating" || fake.InstanceState(inst) != "terminated" {
		t.Errorf("fleet %s, its instance %s: the fleet must be deleted with its instances terminated", fake.FleetState(fl), fake.InstanceState(inst))
	}
	if fake.SpotRequestState(spot) != "cancelled" || len(fake.KeyPairNames()) != 0 {
		t.Errorf("spot %s, keys %v", fake.SpotRequestState(spot), fake.KeyPairNames())
	}
	if r := fake.Requests("DeleteFleets")[0].Form; r.Get("TerminateInstances") != "true" {
		t.Errorf("DeleteFleets without TerminateInstances: %v", r)
	}
}

func TestThrottlingRetriedThenReported(t *testing.T) {
	fake := awsfake.New(t)
	fake.AddInstance(awsfake.Instance{Tags: workerTags("ci", "manager-0", "m")})
	e := awsapi.NewEC2FromConfig(fake.Config())
	q := reconcile.WorkerQuery{Fleet: "ci"}
	fake.FailNext("DescribeInstances", "RequestLimitExceeded", 2)
	if got, err := e.ListWorkers(t.Context(), q); err != nil || len(got.Objects) != 1 {
		t.Fatalf("two throttles are retried by the SDK: %v", err)
	}
	fake.FailNext("DescribeInstances", "RequestLimitExceeded", 3)
	_, err := e.ListWorkers(t.Context(), q)
	if !errors.Is(err, awsapi.ErrThrottled) {
		t.Fatalf("still throttled after the SDK's 3 attempts: %v, want ErrThrottled", err)
	}
	if n := fake.Calls("DescribeInstances"); n != 6 {
		t.Errorf("DescribeInstances calls = %d, want 3 + 3", n)
	}
	fake.FailNext("TerminateInstances", "RequestLimitExceeded", 3)
	res, err := e.Remove(t.Context(), reconcile.KindInstance, []string{"i-x"})
	if !errors.Is(err, awsapi.ErrThrottled) || res.Failed["i-x"] == "" {
		t.Errorf("throttled termination: %+v, %v", res, err)
	}
}
