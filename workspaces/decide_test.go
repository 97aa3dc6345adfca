package workspaces_test

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

var (
	now    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	policy = workspaces.Policy{StuckAfter: 45 * time.Minute, WorkspaceTTL: 24 * time.Hour}
)

func ws(name string, age time.Duration, f func(*workspaces.Workspace)) workspaces.Workspace {
	w := workspaces.Workspace{Name: name, Created: now.Add(-age), StateModified: now.Add(-age),
		Config: &workspaces.MachineConfig{DriverName: "terraform", Name: name}, HasState: true}
	if f != nil {
		f(&w)
	}
	return w
}

func up(ip, id string) func(*workspaces.Workspace) {
	return func(w *workspaces.Workspace) {
		w.IP, w.InstanceID, w.Resources = ip, id, []string{"aws_key_pair.worker", "aws_ec2_fleet.worker"}
	}
}

func TestDecide(t *testing.T) {
	view := &workspaces.InstanceView{Live: map[string]bool{"i-live": true}}
	for _, tc := range []struct {
		w      workspaces.Workspace
		view   *workspaces.InstanceView
		action workspaces.Action
		reason workspaces.Reason
	}{
		{ws("healthy", 3*time.Hour, up("10.0.0.1", "i-live")), view, workspaces.Keep, workspaces.ReasonHealthy},
		{ws("young-no-ip", 10*time.Minute, nil), view, workspaces.Keep, workspaces.ReasonHealthy},
		{ws("stuck-empty", time.Hour, nil), view, workspaces.RemoveOnly, workspaces.ReasonStuck},
		{ws("stuck-with-resources", time.Hour, func(w *workspaces.Workspace) { w.Resources = []string{"aws_key_pair.worker"} }), view,
			workspaces.DestroyAndRemove, workspaces.ReasonStuck},
		{ws("reclaimed", 2*time.Hour, up("10.0.0.2", "i-gone")), view, workspaces.DestroyAndRemove, workspaces.ReasonInstanceGone},
		{ws("reclaimed-no-view", 2*time.Hour, up("10.0.0.2", "i-gone")), nil, workspaces.Keep, workspaces.ReasonHealthy},
		{ws("just-applied", 2*time.Hour, func(w *workspaces.Workspace) {
			up("10.0.0.3", "i-new")(w)
			w.StateModified = now.Add(-time.Minute)
		}), view, workspaces.Keep, workspaces.ReasonHealthy},
		{ws("stale", 30*time.Hour, func(w *workspaces.Workspace) { w.IP = "10.0.0.4" }), view, workspaces.RemoveOnly, workspaces.ReasonStale},
		{ws("old-but-in-use", 30*time.Hour, up("10.0.0.5", "i-live")), view, workspaces.Keep, workspaces.ReasonHealthy},
		{ws("broken", 2*time.Hour, func(w *workspaces.Workspace) { w.Config, w.ConfigErr = nil, "config.json: bad" }), view,
			workspaces.RemoveOnly, workspaces.ReasonBroken},
		{ws("broken-young", time.Minute, func(w *workspaces.Workspace) { w.Config, w.ConfigErr = nil, "no config.json" }), view,
			workspaces.Keep, workspaces.ReasonHealthy},
		{ws("unreadable", 48*time.Hour, func(w *workspaces.Workspace) { w.StateErr = "bad" }), view, workspaces.Keep, workspaces.ReasonUnreadable},
		{ws("virtualbox", 48*time.Hour, func(w *workspaces.Workspace) { w.Config.DriverName = "virtualbox" }), view,
			workspaces.Keep, workspaces.ReasonForeign},
	} {
		got := workspaces.Decide([]workspaces.Workspace{tc.w}, tc.view, policy, now)[0]
		if got.Action != tc.action || got.Reason != tc.reason || got.Workspace != tc.w.Name || got.Detail == "" {
			t.Errorf("%s: got %+v, want %s (%s)", tc.w.Name, got, tc.action, tc.reason)
		}
	}
}

// TestDecideIsPure: the decision file reads no files, network, clock or environment.
func TestDecideIsPure(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "decide.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != "fmt" && p != "time" {
			t.Errorf("decide.go imports %s; only fmt and time are allowed", p)
		}
		if strings.HasPrefix(p, "os") || strings.HasPrefix(p, "net") {
			t.Errorf("decide.go must be pure, imports %s", p)
		}
	}
}

func BenchmarkDecide2000Workspaces(b *testing.B) {
	inv := make([]workspaces.Workspace, 2000)
	view := &workspaces.InstanceView{Live: map[string]bool{}}
	for i := range inv {
		id := "i-" + strconv.Itoa(i)
		inv[i] = ws("m-"+strconv.Itoa(i), time.Duration(i)*time.Minute, up("10.0.0.1", id))
		if i%3 != 0 {
			view.Live[id] = true
		}
	}
	for b.Loop() {
		workspaces.Decide(inv, view, policy, now)
	}
}
