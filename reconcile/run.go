package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

// Scopes: what this host reconciles.
const (
	ScopeInfra   = "infra"
	ScopeManager = "manager"
	ScopeAll     = "all"
)

// Options are one run's settings.
type Options struct {
	Scope           string
	Manager         string // manager scope: this host's manager, such as manager-0
	StateDir        string
	RunnerConfigDir string
	DryRun          bool
	Force           bool   // fetch, render and compare even when the remote commit is unchanged
	MetricsFile     string // Prometheus text file for node_exporter's textfile collector; "" none
	// MachineStoragePath is docker-machine's storage path, for the scheduled prune.
	MachineStoragePath string
}

// Deps are the side effects a run uses, injected by cmd/runnerfleet (or tests).
type Deps struct {
	Source Source
	// Terraform returns a runner of the given version for a working directory; called only
	// when a plan is needed.
	Terraform func(ctx context.Context, version, workDir string, scrub func(string) string) (Terraform, error)
	Secrets   SecretSources
	// Stack renders the manager stack; nil means render.Stack. Tests put a stand-in here,
	// since the real stack needs the AWS provider.
	Stack  func(*fleet.Spec) (render.Files, error)
	Now    func() time.Time
	Logger *slog.Logger
	// Prune is what pruning needs (Prune, and reconcile's scheduled prune).
	Prune PruneDeps
}

// FetchRequest asks the Source for the spec.
type FetchRequest struct {
	LastApplied string // commit last applied by this host; "" when unknown
	Force       bool   // fetch even when the remote is at LastApplied (a drift check is due)
}

// Result is what a run did (or, with DryRun, would do).
type Result struct {
	Commit   string
	UpToDate bool     // nothing fetched or nothing differed
	Changes  []string // one line per change, in the order they were (or would be) made
	Plan     *PlanSummary
	Drift    bool         // the drift check found changes in the manager stack
	Prune    *PruneReport // the scheduled prune, when it was due
}

// Changed reports whether the run changed (or would change) anything.
func (r Result) Changed() bool { return len(r.Changes) > 0 }

// Run takes the lock, reconciles and records the outcome in status.json.
func Run(ctx context.Context, opts Options, deps Deps) (Result, error) {
	if err := checkOptions(opts); err != nil {
		return Result{}, err
	}
	start := deps.Now()
	if err := os.MkdirAll(opts.StateDir, 0o700); err != nil {
		return Result{}, fmt.Errorf("unable to create the state dir: %w", err)
	}
	lock, err := Acquire(opts.StateDir, start)
	if err != nil {
		return Result{}, err
	}
	defer lock.Release()
	status, err := LoadStatus(opts.StateDir)
	if errors.Is(err, ErrCorruptStatus) {
		deps.Logger.Warn(err.Error())
	} else if err != nil {
		return Result{}, err
	}
	if deps.Stack == nil {
		deps.Stack = render.Stack
	}
	r := &run{opts: opts, deps: deps, status: status, now: start, secrets: NewSecrets(ctx, deps.Secrets)}
	res, runErr := r.reconcile(ctx)
	if runErr != nil && ctx.Err() != nil {
		runErr = fmt.Errorf("run interrupted (%v): %w", context.Cause(ctx), runErr)
	}
	runErr = r.scrubbed(runErr)
	if opts.DryRun {
		return res, runErr // a dry run writes nothing, status.json included
	}
	status.record(r.record(res, runErr, deps.Now().Sub(start)))
	if err := status.Save(opts.StateDir); err != nil && runErr == nil {
		runErr = err
	}
	if err := writeMetrics(opts.MetricsFile, status); err != nil && runErr == nil {
		runErr = err
	}
	return res, runErr
}

func checkOptions(opts Options) error {
	switch {
	case !slices.Contains([]string{ScopeInfra, ScopeManager, ScopeAll}, opts.Scope):
		return fmt.Errorf("unknown scope %q: use infra, manager or all", opts.Scope)
	case opts.Scope != ScopeInfra && opts.Manager == "":
		return fmt.Errorf("scope %s needs --manager (or RUNNERFLEET_MANAGER), such as manager-0", opts.Scope)
	case opts.StateDir == "":
		return errors.New("no state dir given")
	}
	return nil
}

// run is one reconcile's working state.
type run struct {
	opts    Options
	deps    Deps
	status  *Status
	now     time.Time
	secrets *Secrets
	tfRuns  int
}

func (r *run) hasInfra() bool   { return r.opts.Scope != ScopeManager }
func (r *run) hasManager() bool { return r.opts.Scope != ScopeInfra }

// targets are the status keys this host applies.
func (r *run) targets() []string {
	var t []string
	if r.hasInfra() {
		t = append(t, targetInfra)
	}
	if r.hasManager() {
		t = append(t, targetManager(r.opts.Manager))
	}
	return t
}

const targetInfra = "infra"

func targetManager(name string) string { return "manager/" + name }

// lastApplied is the commit every target of this host is at, or "" when they differ.
func (r *run) lastApplied() string {
	commit := ""
	for i, t := range r.targets() {
		c := r.status.Applied[t].Commit
		if i > 0 && c != commit {
			return ""
		}
		commit = c
	}
	return commit
}

func (r *run) reconcile(ctx context.Context) (Result, error) {
	driftDue := r.driftDue()
	force := driftDue || r.opts.Force || r.pruneDue(r.status.PruneSchedule)
	f, err := r.deps.Source.Fetch(ctx, FetchRequest{LastApplied: r.lastApplied(), Force: force})
	if err != nil {
		return Result{}, err
	}
	if f.Unchanged {
		r.deps.Logger.Info("up to date", "commit", f.Commit)
		return Result{Commit: f.Commit, UpToDate: true}, nil
	}
	spec, diags := fleet.Parse(f.Path, f.Spec)
	if len(diags) > 0 {
		return Result{Commit: f.Commit}, diags
	}
	res := Result{Commit: f.Commit}
	r.secrets.region = spec.AWS.Region
	applyErr := r.apply(ctx, spec, f.Commit, driftDue, &res)
	r.prune(ctx, spec, f.Commit, &res) // its failures are recorded, never the run's result
	if applyErr != nil {
		return res, applyErr
	}
	res.UpToDate = !res.Changed()
	if !r.opts.DryRun && (driftDue || r.status.LastDrift.IsZero()) {
		r.status.LastDrift = r.now // a first apply counts as a drift check
	}
	if !r.opts.DryRun {
		r.status.DriftSchedule, r.status.PruneSchedule = spec.Drift.Schedule, spec.Prune.Schedule
	}
	return res, nil
}

func (r *run) apply(ctx context.Context, spec *fleet.Spec, commit string, driftDue bool, res *Result) error {
	if r.hasManager() && !slices.Contains(spec.ManagerNames(), r.opts.Manager) {
		return fmt.Errorf("manager %q is not in this fleet: manager.count is %d, so managers are %v",
			r.opts.Manager, spec.Manager.Count, spec.ManagerNames())
	}
	var held *UnresolvedTokensError
	if r.hasManager() {
		// Worker templates and config.toml first: they need no Terraform and keep runners going.
		// Runners whose token did not resolve are held back; everything else still applies.
		if err := r.applyManager(spec, commit, res); err != nil && !errors.As(err, &held) {
			return err
		}
	}
	if r.hasInfra() {
		if err := r.applyInfra(ctx, spec, commit, driftDue, res); err != nil {
			return err
		}
	}
	if held != nil {
		return held
	}
	return nil
}

func (r *run) scrubbed(err error) error {
	if err == nil {
		return nil
	}
	var diags fleet.Diagnostics
	if errors.As(err, &diags) || errors.Is(err, ErrLocked) {
		return err
	}
	if msg := r.secrets.Scrub(err.Error()); msg != err.Error() {
		return scrubbedError{msg: msg, err: err}
	}
	return err
}

// scrubbedError shows a message with secrets removed but keeps the chain for errors.Is.
type scrubbedError struct {
	msg string
	err error
}

func (e scrubbedError) Error() string { return e.msg }
func (e scrubbedError) Unwrap() error { return e.err }

func (r *run) record(res Result, err error, d time.Duration) RunRecord {
	rec := RunRecord{Started: r.now.UTC(), DurationMS: d.Milliseconds(), Scope: r.opts.Scope,
		Commit: res.Commit, Changes: res.Changes, Result: "applied"}
	var diags fleet.Diagnostics
	switch {
	case errors.As(err, &diags):
		rec.Result, rec.Error = "invalid", fmt.Sprintf("%d problem(s) in the fleet spec; first: %s", len(diags), diags[0])
	case err != nil:
		rec.Result, rec.Error = "failed", err.Error()
	case res.UpToDate:
		rec.Result = "up-to-date"
	}
	return rec
}
