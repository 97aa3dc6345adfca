package reconcile

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// pruner is one prune's working state: read, decide, execute.
type pruner struct {
	spec   *fleet.Spec
	opts   PruneOptions
	deps   Deps
	now    time.Time
	state  *PruneState
	cloud  Cloud
	listed bool                            // the EC2 listing succeeded
	inv    map[string]workspaces.Workspace // by machine name
}

func (p *pruner) hasManager() bool { return p.opts.Scope != ScopeInfra }
func (p *pruner) hasInfra() bool   { return p.opts.Scope != ScopeManager }

// decide reads the workspaces and EC2, and fills rep.Decisions (capped).
func (p *pruner) decide(ctx context.Context, rep *PruneReport) {
	var inv []workspaces.Workspace
	if p.hasManager() {
		var err error
		if inv, err = workspaces.ReadInventory(p.opts.MachineStoragePath); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		}
	}
	objs := p.list(ctx, rep)
	var view *workspaces.InstanceView
	if p.listed {
		view = &workspaces.InstanceView{Live: map[string]bool{}}
		for _, o := range objs {
			if o.Kind == KindInstance {
				view.Live[o.ID] = true
			}
		}
	}
	p.inv = make(map[string]workspaces.Workspace, len(inv))
	machines := make(map[string]bool, len(inv))
	for _, w := range inv {
		p.inv[w.Name], machines[w.Name] = w, true
	}
	policy := workspaces.Policy{StuckAfter: p.spec.Prune.StuckAfter, WorkspaceTTL: p.spec.Prune.WorkspaceTTL}
	rep.Decisions = WorkspaceDecisions(workspaces.Decide(inv, view, policy, p.now), p.opts.Manager)
	if p.listed {
		in := p.orphanInput(machines)
		rep.Ignored = countIgnored(objs, in)
		rep.Decisions = append(rep.Decisions, DecideOrphans(objs, in)...)
	}
	rep.Left = ApplyCap(rep.Decisions, p.spec.Prune.MaxPerRun, p.state.Failures)
}

func (p *pruner) orphanInput(machines map[string]bool) OrphanInput {
	in := OrphanInput{Fleet: p.spec.Name, Machines: machines, Marks: p.state.Marks, Now: p.now}
	if p.hasManager() {
		in.Manager = p.opts.Manager
	}
	if p.hasInfra() {
		in.LiveManagers = map[string]bool{}
		for _, m := range p.spec.ManagerNames() {
			in.LiveManagers[m] = true
		}
	}
	return in
}

// list asks EC2 for the fleet's workers; a failure is reported and leaves p.listed false.
func (p *pruner) list(ctx context.Context, rep *PruneReport) []CloudObject {
	if p.deps.Prune.Cloud == nil {
		return nil
	}
	cloud, err := p.deps.Prune.Cloud(ctx, p.spec.AWS.Region)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return nil
	}
	p.cloud = cloud
	q := WorkerQuery{Fleet: p.spec.Name}
	if !p.hasInfra() {
		q.Manager = p.opts.Manager
	}
	objs, err := cloud.ListWorkers(ctx, q)
	rep.Calls += objs.Calls
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error()+" (no EC2-based decisions this run)")
		return nil
	}
	p.listed = true
	return objs.Objects
}

func countIgnored(objs []CloudObject, in OrphanInput) int {
	n := 0
	for _, o := range objs {
		if t := o.Tags; t[TagFleet] != in.Fleet || t[TagMachine] == "" || t[TagRole] == "manager" {
			n++
		}
	}
	return n
}

// execute carries out every decision that deletes and is not deferred: workspaces one by
// one, EC2 objects batched per kind (fleets, spot requests, instances, key pairs).
func (p *pruner) execute(ctx context.Context, rep *PruneReport) {
	byKind := map[string][]int{}
	for i := range rep.Decisions {
		d := &rep.Decisions[i]
		if !d.Deletes() || d.Deferred {
			continue
		}
		if d.Kind == KindWorkspace {
			p.removeWorkspace(ctx, d)
			continue
		}
		byKind[d.Kind] = append(byKind[d.Kind], i)
	}
	for _, kind := range []string{KindFleet, KindSpotRequest, KindInstance, KindKeyPair} {
		if idx := byKind[kind]; len(idx) > 0 {
			p.removeObjects(ctx, kind, idx, rep)
		}
	}
}

func (p *pruner) removeObjects(ctx context.Context, kind string, idx []int, rep *PruneReport) {
	ids := make([]string, len(idx))
	for i, j := range idx {
		ids[i] = rep.Decisions[j].ID
	}
	res, err := p.cloud.Remove(ctx, kind, ids)
	rep.Calls += res.Calls
	if err != nil {
		p.deps.Logger.Warn("unable to remove EC2 objects", "kind", kind, "error", err)
	}
	removed := make(map[string]bool, len(res.Removed))
	for _, id := range res.Removed {
		removed[id] = true
	}
	for _, j := range idx {
		d := &rep.Decisions[j]
		switch {
		case removed[d.ID]:
			d.Done = true
			p.deps.Logger.Info("removed", "kind", kind, "id", d.ID, "machine", d.Machine, "manager", d.Manager)
		case res.Failed[d.ID] != "":
			d.Error = res.Failed[d.ID]
		default:
			d.Error = fmt.Sprintf("unable to remove %s %s: EC2 did not report it removed", kind, d.ID)
		}
	}
}

// removeWorkspace destroys (when the state tracks resources) and then removes a machine
// directory. The directory is removed only when its state, read again, tracks nothing.
func (p *pruner) removeWorkspace(ctx context.Context, d *PruneDecision) {
	w := p.inv[d.ID]
	log := p.deps.Logger.With("machine", w.Name, "workspace", w.Dir, "manager", p.opts.Manager)
	if d.Action == string(workspaces.DestroyAndRemove) {
		if err := p.destroy(ctx, w); err != nil {
			d.Error = err.Error()
			log.Warn("destroy failed; workspace kept for the next run", "error", err)
			return
		}
	}
	after, err := workspaces.ReadWorkspace(w.Dir)
	if err != nil {
		d.Error = err.Error()
		return
	}
	if after.TracksResources() {
		d.Error = fmt.Sprintf("unable to remove %s: its state still tracks %v; kept", w.Dir, after.Resources)
		log.Warn("state still tracks resources; workspace kept", "resources", after.Resources)
		return
	}
	if err := os.RemoveAll(w.Dir); err != nil {
		d.Error = fmt.Sprintf("unable to remove %s: %v", w.Dir, err)
		return
	}
	d.Done = true
	log.Info("workspace removed", "reason", d.Reason, "action", d.Action)
}

func (p *pruner) destroy(ctx context.Context, w workspaces.Workspace) error {
	if p.deps.Prune.Destroyer == nil {
		return fmt.Errorf("unable to destroy %s: no terraform configured", w.Name)
	}
	tf, err := p.deps.Prune.Destroyer(ctx, p.spec.Terraform.DriverVersion, w.TerraformDir())
	if err != nil {
		return err
	}
	varFile := ""
	if w.HasVarFile {
		varFile = workspaces.VarFile
	}
	return tf.Destroy(ctx, varFile)
}
