package reconcile

import (
	"context"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// pruneDue reports whether the prune schedule has fired since the last prune (status.json's
// LastPrune). A dry run never prunes; an empty or invalid schedule never fires; without
// Deps.Prune wired (no Cloud and no Destroyer) reconcile does not prune.
func (r *run) pruneDue(schedule string) bool {
	if schedule == "" || r.opts.DryRun || r.deps.Prune.Cloud == nil && r.deps.Prune.Destroyer == nil {
		return false
	}
	return Due(schedule, r.status.LastPrune, r.now)
}

// prune runs the prune job inside a reconcile when prune.schedule says it is due. Only a spec
// that parsed gets here. Its outcome goes into res.Prune and status.json; a failure is
// logged and never changes the reconcile's own result.
func (r *run) prune(ctx context.Context, spec *fleet.Spec, commit string, res *Result) {
	if !r.pruneDue(spec.Prune.Schedule) {
		return
	}
	opts := PruneOptions{Scope: r.opts.Scope, Manager: r.opts.Manager, StateDir: r.opts.StateDir,
		MachineStoragePath: r.opts.MachineStoragePath}
	rep, err := pruneSpec(ctx, spec, commit, r.status, opts, r.deps, r.now)
	res.Prune = &rep
	if err != nil {
		r.deps.Logger.Warn("prune failed; the reconcile's result stands", "manager", r.opts.Manager, "error", err)
	}
}
