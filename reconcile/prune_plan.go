package reconcile

import (
	"sort"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

// This file is pure (DESIGN rule 1): it turns what was read into decisions.

// Phases of the two-phase clean-up of orphaned EC2 objects.
const (
	PhaseMark = "mark" // first seen orphaned: recorded, nothing deleted
	PhaseAct  = "act"  // still orphaned on a later run: removed
)

// Actions on EC2 objects (workspace actions are workspaces.Action values).
const (
	ActionMark      = "mark"
	ActionTerminate = "terminate"
	ActionCancel    = "cancel"
	ActionDelete    = "delete"
)

// PruneDecision is one verdict, on a driver workspace or an EC2 object.
type PruneDecision struct {
	Kind     string `json:"kind"` // workspace, instance, spot-request, fleet, key-pair
	ID       string `json:"id"`   // machine name, or the EC2 id (a key pair's name)
	Manager  string `json:"manager,omitempty"`
	Machine  string `json:"machine,omitempty"`
	Action   string `json:"action"`
	Reason   string `json:"reason"`
	Detail   string `json:"detail,omitempty"`
	Phase    string `json:"phase,omitempty"`    // mark or act, for EC2 orphans
	Deferred bool   `json:"deferred,omitempty"` // over prune.max_per_run: left for the next run
	Retries  int    `json:"retries,omitempty"`  // earlier runs that failed to carry it out
	Done     bool   `json:"done,omitempty"`     // carried out (not in a dry run)
	Error    string `json:"error,omitempty"`    // why carrying it out failed; kept for the next run
}

// Deletes reports whether the decision deletes something (and counts against the cap).
func (d PruneDecision) Deletes() bool {
	return d.Action != string(workspaces.Keep) && d.Action != ActionMark
}

// OrphanInput is what the orphan rules need besides the objects.
type OrphanInput struct {
	Fleet string
	// Manager is this host's manager (manager scope): its objects without a machine
	// directory are orphans. "" skips the rule.
	Manager  string
	Machines map[string]bool // machine directories on this host
	// LiveManagers are the managers in the spec (infra scope): objects of any other manager
	// are orphans. Nil skips the rule.
	LiveManagers map[string]bool
	Marks        map[string]Mark // from status.json
	Now          time.Time
}

// DecideOrphans returns a decision for every orphaned object. It checks every object's tags
// itself, whatever EC2 was asked: only objects tagged with this fleet and a machine, and
// never a manager, are considered.
func DecideOrphans(objs []CloudObject, in OrphanInput) []PruneDecision {
	var out []PruneDecision
	seen := map[string]bool{}
	add := func(o CloudObject, reason string) {
		if key := o.Kind + "/" + o.ID; !seen[key] {
			seen[key] = true
			out = append(out, orphanDecision(o, reason, in))
		}
	}
	for _, o := range objs {
		reason := orphanReason(o, in)
		if reason == "" {
			continue
		}
		add(o, reason)
		// An instant fleet cannot be listed; its instances name it.
		if fid := o.Tags[TagEC2Fleet]; o.Kind == KindInstance && fid != "" {
			add(CloudObject{Kind: KindFleet, ID: fid, Tags: o.Tags}, reason)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return kindOrder[out[i].Kind] < kindOrder[out[j].Kind] })
	return out
}

// kindOrder: fleets first (deleting one terminates its instances), key pairs last.
var kindOrder = map[string]int{KindWorkspace: 0, KindFleet: 1, KindSpotRequest: 2, KindInstance: 3, KindKeyPair: 4}

// orphanReason is why o is an orphan, or "" when it is not (or not ours to judge).
func orphanReason(o CloudObject, in OrphanInput) string {
	t := o.Tags
	if t[TagFleet] != in.Fleet || in.Fleet == "" || t[TagMachine] == "" || t[TagRole] == "manager" || t[TagManager] == "" {
		return ""
	}
	if in.Manager != "" && t[TagManager] == in.Manager && !in.Machines[t[TagMachine]] {
		return "orphan: no machine directory " + t[TagMachine]
	}
	if in.LiveManagers != nil && !in.LiveManagers[t[TagManager]] {
		return "orphan: manager " + t[TagManager] + " is no longer in the spec"
	}
	return ""
}

func orphanDecision(o CloudObject, reason string, in OrphanInput) PruneDecision {
	d := PruneDecision{Kind: o.Kind, ID: o.ID, Manager: o.Tags[TagManager], Machine: o.Tags[TagMachine],
		Reason: reason, Action: ActionMark, Phase: PhaseMark}
	if m, ok := in.Marks[markKey(o.Kind, o.ID)]; ok && m.FirstSeen.Before(in.Now) {
		d.Phase, d.Action = PhaseAct, removeAction(o.Kind)
		d.Detail = "marked " + m.FirstSeen.UTC().Format(time.RFC3339)
	} else {
		d.Detail = "acted on next run if still orphaned"
	}
	return d
}

func removeAction(kind string) string {
	switch kind {
	case KindInstance:
		return ActionTerminate
	case KindSpotRequest:
		return ActionCancel
	}
	return ActionDelete
}

func markKey(kind, id string) string { return kind + "/" + id }

// WorkspaceDecisions turns the workspace verdicts into prune decisions.
func WorkspaceDecisions(ds []workspaces.Decision, manager string) []PruneDecision {
	out := make([]PruneDecision, 0, len(ds))
	for _, d := range ds {
		out = append(out, PruneDecision{Kind: KindWorkspace, ID: d.Workspace, Machine: d.Workspace, Manager: manager,
			Action: string(d.Action), Reason: string(d.Reason), Detail: d.Detail})
	}
	return out
}

// ApplyCap defers every deletion past maxPerRun (in order) and returns how many it deferred.
// It also notes earlier failures. maxPerRun <= 0 means no cap.
func ApplyCap(ds []PruneDecision, maxPerRun int, failures map[string]Failure) int {
	n, left := 0, 0
	for i := range ds {
		ds[i].Retries = failures[markKey(ds[i].Kind, ds[i].ID)].Count
		if !ds[i].Deletes() {
			continue
		}
		if maxPerRun > 0 && n >= maxPerRun {
			ds[i].Deferred = true
			left++
			continue
		}
		n++
	}
	return left
}
