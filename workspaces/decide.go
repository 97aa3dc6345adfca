package workspaces

import (
	"fmt"
	"time"
)

// This file is pure (DESIGN rule 1): no files, no network, no clock. Reading is in
// inventory.go; the caller passes what was read, the EC2 view and now.

// Action is what pruning does with a driver workspace.
type Action string

const (
	// Keep leaves the workspace alone.
	Keep Action = "keep"
	// DestroyAndRemove runs terraform destroy in terraform-config/, then removes the
	// directory only when destroy succeeded.
	DestroyAndRemove Action = "destroy-and-remove"
	// RemoveOnly removes a directory whose state tracks no resources.
	RemoveOnly Action = "remove-only"
)

// Reason says why.
type Reason string

const (
	ReasonStuck        Reason = "stuck"         // no IP after stuck_after
	ReasonInstanceGone Reason = "instance gone" // terminated or missing, e.g. a spot reclaim
	ReasonStale        Reason = "stale"         // older than workspace_ttl and not in use
	ReasonBroken       Reason = "broken"        // unparseable config.json
	ReasonHealthy      Reason = "healthy"       // kept: in use, or too young to judge
	ReasonForeign      Reason = "other driver"  // kept: not a terraform driver machine
	ReasonUnreadable   Reason = "state unreadable"
)

// Policy holds the thresholds from the spec's prune section.
type Policy struct {
	StuckAfter   time.Duration
	WorkspaceTTL time.Duration
	// GoneGrace is how long after the state was last written an instance missing from EC2
	// is still taken for EC2's eventual consistency rather than gone. Zero means 5 minutes.
	GoneGrace time.Duration
}

// InstanceView is what EC2 says about this fleet's instances. A nil view means EC2 could not
// be asked: no decision then depends on an instance being gone or alive.
type InstanceView struct {
	// Live holds the instances in pending, running, stopping or stopped.
	Live map[string]bool
}

// Decision is one workspace's verdict.
type Decision struct {
	Workspace string
	Action    Action
	Reason    Reason
	Detail    string // what a person needs to understand the verdict
}

// Decide judges every workspace. It never chooses to delete a state that may still track
// resources without destroying first, and keeps anything it cannot judge.
func Decide(inv []Workspace, view *InstanceView, p Policy, now time.Time) []Decision {
	if p.GoneGrace == 0 {
		p.GoneGrace = 5 * time.Minute
	}
	out := make([]Decision, 0, len(inv))
	for i := range inv {
		out = append(out, decideOne(&inv[i], view, p, now))
	}
	return out
}

func decideOne(w *Workspace, view *InstanceView, p Policy, now time.Time) Decision {
	age := now.Sub(w.Created)
	d := Decision{Workspace: w.Name, Action: Keep, Reason: ReasonHealthy}
	switch {
	case w.StateErr != "":
		d.Reason, d.Detail = ReasonUnreadable, "kept for a person to look at: "+w.StateErr
		return d
	case w.Config != nil && w.Config.DriverName != "terraform":
		d.Reason, d.Detail = ReasonForeign, "driver "+w.Config.DriverName
		return d
	case w.Config == nil && age >= p.StuckAfter:
		d.Reason, d.Detail = ReasonBroken, fmt.Sprintf("%s; %s old", w.ConfigErr, round(age))
	case w.Config == nil:
		d.Detail = fmt.Sprintf("%s, but only %s old (docker-machine may be writing it)", w.ConfigErr, round(age))
		return d
	case w.IP == "" && age >= p.StuckAfter:
		d.Reason, d.Detail = ReasonStuck, fmt.Sprintf("no IP after %s (stuck_after %s)", round(age), p.StuckAfter)
	case view != nil && w.InstanceID != "" && !view.Live[w.InstanceID] && now.Sub(w.StateModified) >= p.GoneGrace:
		d.Reason, d.Detail = ReasonInstanceGone, "instance "+w.InstanceID+" is terminated or missing"
	case age >= p.WorkspaceTTL && !inUse(w, view):
		d.Reason, d.Detail = ReasonStale, fmt.Sprintf("%s old (workspace_ttl %s), no live instance", round(age), p.WorkspaceTTL)
	default:
		d.Detail = healthyDetail(w, age)
		return d
	}
	d.Action = RemoveOnly
	if w.TracksResources() {
		d.Action = DestroyAndRemove
		d.Detail += fmt.Sprintf("; state tracks %d resource(s)", len(w.Resources))
	}
	return d
}

// inUse: a workspace is in use while its instance is alive. Without an EC2 view, or when the
// state names no instance but tracks resources, it is taken to be in use.
func inUse(w *Workspace, view *InstanceView) bool {
	if w.InstanceID != "" {
		return view == nil || view.Live[w.InstanceID]
	}
	return w.TracksResources() && view == nil
}

func healthyDetail(w *Workspace, age time.Duration) string {
	switch {
	case w.IP == "":
		return fmt.Sprintf("no IP yet, %s old", round(age))
	case w.InstanceID != "":
		return fmt.Sprintf("%s (%s), %s old", w.IP, w.InstanceID, round(age))
	}
	return fmt.Sprintf("%s, %s old", w.IP, round(age))
}

func round(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}
