package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// PruneOptions are one prune's settings.
type PruneOptions struct {
	Scope   string // infra: dead managers' workers; manager: this manager's workspaces and orphans; all: both
	Manager string // this host's manager (scopes manager and all)
	// StateDir holds status.json, the lock and the Terraform cache.
	StateDir string
	// MachineStoragePath is docker-machine's storage path ($MACHINE_STORAGE_PATH);
	// "" means workspaces.DefaultMachineStoragePath.
	MachineStoragePath string
	DryRun             bool
}

// PruneReport is what a prune decided and did.
type PruneReport struct {
	Commit    string          `json:"commit,omitempty"`
	Scope     string          `json:"scope"`
	DryRun    bool            `json:"dry_run"`
	Decisions []PruneDecision `json:"decisions"`
	Left      int             `json:"left"` // deletions deferred by prune.max_per_run
	MaxPerRun int             `json:"max_per_run"`
	Calls     int             `json:"ec2_calls"` // EC2 API calls (pages and batches)
	Ignored   int             `json:"ignored"`   // EC2 objects listed that were not this fleet's workers
	Errors    []string        `json:"errors,omitempty"`
}

// Prune takes the lock, fetches and parses the spec and prunes now, whatever the schedule
// says. An invalid spec prunes nothing and returns its fleet.Diagnostics; another run holding
// the lock returns an error wrapping ErrLocked. deps.Source, Now, Logger and Prune are used.
// A dry run decides and reports, and changes nothing: no AWS call but the listing, no file,
// not status.json.
func Prune(ctx context.Context, opts PruneOptions, deps Deps) (PruneReport, error) {
	if err := checkOptions(Options{Scope: opts.Scope, Manager: opts.Manager, StateDir: opts.StateDir}); err != nil {
		return PruneReport{}, err
	}
	now := deps.Now()
	if err := os.MkdirAll(opts.StateDir, 0o700); err != nil {
		return PruneReport{}, fmt.Errorf("unable to create the state dir: %w", err)
	}
	lock, err := Acquire(opts.StateDir, now)
	if err != nil {
		return PruneReport{}, err
	}
	defer lock.Release()
	status, err := LoadStatus(opts.StateDir)
	if errors.Is(err, ErrCorruptStatus) {
		deps.Logger.Warn(err.Error())
	} else if err != nil {
		return PruneReport{}, err
	}
	f, err := deps.Source.Fetch(ctx, FetchRequest{Force: true})
	if err != nil {
		return PruneReport{}, err
	}
	spec, diags := fleet.Parse(f.Path, f.Spec)
	if len(diags) > 0 {
		deps.Logger.Warn("the fleet spec does not parse: nothing pruned", "commit", f.Commit)
		return PruneReport{Commit: f.Commit, Scope: opts.Scope, DryRun: opts.DryRun}, diags
	}
	rep, pruneErr := pruneSpec(ctx, spec, f.Commit, status, opts, deps, now)
	if opts.DryRun {
		return rep, pruneErr
	}
	if err := status.Save(opts.StateDir); err != nil {
		pruneErr = errors.Join(pruneErr, err)
	}
	return rep, pruneErr
}

// pruneSpec decides, prints (logs) and executes, and records the outcome in status (unless a
// dry run). The caller holds the lock and saves status.
func pruneSpec(ctx context.Context, spec *fleet.Spec, commit string, status *Status, opts PruneOptions, deps Deps, now time.Time) (PruneReport, error) {
	p := &pruner{spec: spec, opts: opts, deps: deps, now: now, state: &status.Prune}
	if p.opts.MachineStoragePath == "" {
		p.opts.MachineStoragePath = workspaces.DefaultMachineStoragePath
	}
	rep := PruneReport{Commit: commit, Scope: opts.Scope, DryRun: opts.DryRun, MaxPerRun: spec.Prune.MaxPerRun}
	p.decide(ctx, &rep)
	for _, d := range rep.Decisions {
		if d.Action != string(workspaces.Keep) {
			deps.Logger.Info("prune decision", "kind", d.Kind, "id", d.ID, "machine", d.Machine, "manager", d.Manager,
				"action", d.Action, "reason", d.Reason, "phase", d.Phase, "deferred", d.Deferred, "dry_run", opts.DryRun)
		}
	}
	if rep.Left > 0 {
		deps.Logger.Warn("prune.max_per_run reached; the rest is left for the next run", "max_per_run", rep.MaxPerRun, "left", rep.Left)
	}
	if opts.DryRun {
		return rep, rep.err()
	}
	p.execute(ctx, &rep)
	if p.listed {
		p.state.updateMarks(rep.Decisions, now)
	}
	p.state.updateFailures(rep.Decisions, now)
	p.state.Last = rep.summary(now)
	status.LastPrune, status.PruneSchedule = now, spec.Prune.Schedule
	return rep, rep.err()
}

// err joins the run's errors: listing failures and failed removals.
func (r *PruneReport) err() error {
	var errs []error
	for _, e := range r.Errors {
		errs = append(errs, errors.New(e))
	}
	failed := 0
	for _, d := range r.Decisions {
		if d.Error != "" {
			failed++
		}
	}
	if failed > 0 {
		errs = append(errs, fmt.Errorf("unable to prune %d object(s); kept and retried next run", failed))
	}
	return errors.Join(errs...)
}

func (r *PruneReport) summary(now time.Time) *PruneSummary {
	s := &PruneSummary{Started: now.UTC(), Scope: r.Scope, Commit: r.Commit, Deferred: r.Left, Calls: r.Calls}
	for _, d := range r.Decisions {
		switch {
		case d.Error != "":
			s.Failed++
		case d.Done:
			s.Removed++
		case d.Action == ActionMark:
			s.Marked++
		}
	}
	if err := r.err(); err != nil {
		s.Error = err.Error()
	}
	return s
}
