package reconcile_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

func TestInfraRunsTerraformOnlyWhenInputsChange(t *testing.T) {
	h := newHarness(t, reconcile.ScopeAll)
	res := h.mustRun()
	if got := strings.Join(h.tf.calls, ","); got != "init,plan,show,apply" {
		t.Fatalf("first run terraform calls %s", got)
	}
	if res.Plan == nil || res.Plan.Add != 1 {
		t.Errorf("plan summary %+v", res.Plan)
	}
	h.tf.calls = nil
	h.src.push(bytes.Replace(h.src.spec, []byte("limit: 20"), []byte("limit: 25"), 1))
	res = h.mustRun()
	if len(h.tf.calls) != 0 {
		t.Errorf("runner-only change ran terraform: %v", h.tf.calls)
	}
	if len(res.Changes) != 1 || !strings.Contains(res.Changes[0], "config.toml") {
		t.Errorf("changes %q", res.Changes)
	}
	h.src.push(bytes.Replace(h.src.spec, []byte("instance_type: t3.small"), []byte("instance_type: t3.medium"), 1))
	h.mustRun()
	if got := strings.Join(h.tf.calls, ","); got != "init,plan,show,apply" {
		t.Errorf("manager change terraform calls %s", got)
	}
}

func TestInfraPlanWithoutChangesDoesNotApply(t *testing.T) {
	h := newHarness(t, reconcile.ScopeInfra)
	h.tf.changes = false
	res := h.mustRun()
	if got := strings.Join(h.tf.calls, ","); got != "init,plan" || res.Changed() {
		t.Errorf("calls %s, changes %q", got, res.Changes)
	}
}

func TestInfraFailedApplyKeepsOldManifestAndRetries(t *testing.T) {
	h := newHarness(t, reconcile.ScopeInfra)
	h.mustRun()
	old := status(t, h).Applied["infra"]
	h.src.push(bytes.Replace(h.src.spec, []byte("instance_type: t3.small"), []byte("instance_type: t3.large"), 1))
	h.tf.applyErr = errors.New("boom")
	if _, err := h.run(); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if got := status(t, h).Applied["infra"]; got.Commit != old.Commit {
		t.Errorf("manifest moved to %s after a failed apply", got.Commit)
	}
	h.tf.applyErr, h.tf.calls = nil, nil
	h.mustRun()
	if got := strings.Join(h.tf.calls, ","); got != "init,plan,show,apply" {
		t.Errorf("retry calls %s", got)
	}
	if status(t, h).Applied["infra"].Commit != h.src.commit {
		t.Error("retry not recorded")
	}
}

func TestDriftCheckOnSchedule(t *testing.T) {
	h := newHarness(t, reconcile.ScopeInfra)
	h.mustRun()
	h.tf.calls = nil
	h.now = h.now.Add(30 * time.Minute) // 10:30: the hourly check is not due
	if res := h.mustRun(); !res.UpToDate || len(h.tf.calls) != 0 {
		t.Fatalf("drift check ran early: %+v %v", res, h.tf.calls)
	}
	h.now = h.now.Add(31 * time.Minute) // 11:01
	res := h.mustRun()
	if !res.Drift || strings.Join(h.tf.calls, ",") != "init,plan,show,apply" {
		t.Fatalf("drift: %+v, calls %v", res, h.tf.calls)
	}
	h.tf.calls = nil
	if res := h.mustRun(); !res.UpToDate || len(h.tf.calls) != 0 {
		t.Errorf("drift check repeated within the hour: %v", h.tf.calls)
	}
}

func TestInfraDryRunPlansOnACopy(t *testing.T) {
	h := newHarness(t, reconcile.ScopeInfra)
	h.opts.DryRun = true
	res := h.mustRun()
	if got := strings.Join(h.tf.calls, ","); got != "init,plan,show" {
		t.Errorf("dry run calls %s, want no apply", got)
	}
	if !res.Changed() {
		t.Error("dry run reported no changes")
	}
}

func TestDriftReportOnly(t *testing.T) {
	h := newHarness(t, reconcile.ScopeInfra)
	h.src.push(bytes.Replace(h.src.spec, []byte(`schedule: "0 * * * *"`), []byte(`schedule: "0 * * * *"`+"\n  remediate: false"), 1))
	h.mustRun()
	h.tf.calls = nil
	h.now = h.now.Add(2 * time.Hour)
	res := h.mustRun()
	if !res.Drift || strings.Join(h.tf.calls, ",") != "init,plan,show" {
		t.Fatalf("drift %v, calls %v: want a plan and no apply", res.Drift, h.tf.calls)
	}
	if len(res.Changes) != 1 || !strings.Contains(res.Changes[0], "not repaired, drift.remediate is false") {
		t.Errorf("changes %q", res.Changes)
	}
}
