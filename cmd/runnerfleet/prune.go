package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
	"github.com/spf13/cobra"
)

// pruneFlags are the flags of prune.
type pruneFlags struct {
	rf     reconcileFlags
	opts   reconcile.PruneOptions
	format string
	// driverTerraform is the driver's terraform binary; "" finds terraform.driver_version.
	driverTerraform string
}

func newPrune() *cobra.Command {
	var f pruneFlags
	cmd := &cobra.Command{
		Use:   "prune --repo URL [--scope infra|manager|all] [--manager NAME] [--dry-run]",
		Short: "Prune stuck machines, stale driver workspaces and orphaned EC2 objects now",
		Long: `Prune runs the clean-up job now, whatever prune.schedule says. It reads fleet.yaml from the
config repository (an invalid spec prunes nothing and exits 3) and takes <state-dir>/lock
(exit 4 when another run holds it).

  --scope manager  this manager's docker-machine workspaces ($MACHINE_STORAGE_PATH/machines):
                   stuck (no IP after prune.stuck_after), instance gone (spot reclaim), stale
                   (older than prune.workspace_ttl, no live instance) or broken (unparseable
                   config.json) ones are destroyed with the driver's Terraform
                   (terraform.driver_version) and removed only when destroy succeeded; and
                   this manager's EC2 objects that have no machine directory
  --scope infra    workers of managers that are no longer in the spec
  --scope all      both

EC2 orphans are two-phase: marked on one run (status.json), removed on a later run if still
orphaned. Only objects tagged runnerfleet:fleet=<name> with a runnerfleet:machine tag are
ever touched; at most prune.max_per_run are deleted per run. --dry-run prints every decision
with its reason and phase and changes nothing.`,
		Example: `  runnerfleet prune --repo /srv/fleet.git --scope manager --manager manager-0 --dry-run
  runnerfleet prune --repo … --scope infra --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPrune(cmd, &f) },
	}
	f.rf.git.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.opts.Scope, "scope", reconcile.ScopeAll, "what to prune: infra, manager or all")
	fl.StringVar(&f.opts.Manager, "manager", "", "this host's manager, such as manager-0 (scopes manager and all)")
	fl.StringVar(&f.opts.StateDir, "state-dir", "/var/lib/runnerfleet", "state: clone cache, status.json, lock, terraform cache")
	fl.StringVar(&f.opts.MachineStoragePath, "machine-storage-path", workspaces.DefaultMachineStoragePath, "docker-machine's storage path (its machines/ directory holds the driver workspaces)")
	fl.BoolVar(&f.opts.DryRun, "dry-run", false, "print every decision with its reason; change nothing")
	fl.StringVar(&f.format, "format", "text", "output: text or json")
	fl.StringVar(&f.rf.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.driverTerraform, "driver-terraform-path", "", "terraform binary for destroy (default: find or install terraform.driver_version)")
	fl.StringVar(&f.rf.tf.mirrorURL, "terraform-mirror-url", "", "releases mirror to install terraform from (air-gapped sites)")
	fl.StringVar(&f.rf.tf.mirrorKeyFile, "terraform-mirror-key", "", "armored OpenPGP key that signs the mirror's SHA256SUMS")
	return cmd
}

func runPrune(cmd *cobra.Command, f *pruneFlags) error {
	if f.format != "text" && f.format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", f.format)
	}
	log, err := newLogger(cmd.ErrOrStderr(), f.rf.logFormat)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.opts.Manager == "" {
		f.opts.Manager = os.Getenv("RUNNERFLEET_MANAGER")
	}
	f.rf.opts.StateDir, f.rf.opts.Manager = f.opts.StateDir, f.opts.Manager
	deps, err := f.rf.deps(log)
	if err != nil {
		return err
	}
	deps.Prune = pruneDeps(f.opts.StateDir, f.driverTerraform, f.rf.tf, log)
	rep, err := reconcile.Prune(ctx, f.opts, deps)
	if errors.Is(err, reconcile.ErrLocked) {
		return exitError{code: exitLocked, msg: err.Error()}
	}
	var diags fleet.Diagnostics
	if rep.Scope == "" || errors.As(err, &diags) { // nothing was decided: bad options, no valid spec
		return err
	}
	if perr := printPrune(cmd.OutOrStdout(), rep, f.format); perr != nil {
		return perr
	}
	return err
}

// pruneDeps wires the real adapters for pruning: EC2 with the SDK's default credentials
// (AWS_ENDPOINT_URL_EC2 and the like apply), and terraform destroy with the driver's
// Terraform found (or installed) under the state dir. serve and reconcile set Deps.Prune
// with it.
func pruneDeps(stateDir, driverPath string, tf terraformFlags, log *slog.Logger) reconcile.PruneDeps {
	return reconcile.PruneDeps{
		Cloud: func(ctx context.Context, region string) (reconcile.Cloud, error) {
			cfg, err := awsapi.LoadConfig(ctx, region, "")
			if err != nil {
				return nil, err
			}
			return awsapi.NewEC2FromConfig(cfg), nil
		},
		Destroyer: func(ctx context.Context, version, dir string) (reconcile.Destroyer, error) {
			path, err := tf.find(ctx, driverPath, stateDir, version, log)
			if err != nil {
				return nil, err
			}
			return terraform.New(path, dir, terraform.Options{Logger: log})
		},
	}
}

func printPrune(w io.Writer, rep reconcile.PruneReport, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	verb := "prune"
	if rep.DryRun {
		verb = "prune (dry run: nothing changed)"
	}
	fmt.Fprintf(w, "%s, scope %s, commit %.12s:\n", verb, rep.Scope, rep.Commit)
	for _, d := range rep.Decisions {
		fmt.Fprintf(w, "  %-18s %-12s %s\n      %s%s\n", d.Action, d.Kind, d.ID, d.Reason, pruneDetail(d))
	}
	deletes := 0
	for _, d := range rep.Decisions {
		if d.Deletes() && !d.Deferred {
			deletes++
		}
	}
	fmt.Fprintf(w, "%d decision(s), %d deletion(s) this run, %d EC2 call(s)\n", len(rep.Decisions), deletes, rep.Calls)
	if rep.Left > 0 {
		fmt.Fprintf(w, "prune.max_per_run (%d) reached: %d deletion(s) left for the next run\n", rep.MaxPerRun, rep.Left)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	return nil
}

func pruneDetail(d reconcile.PruneDecision) string {
	s := ""
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	if d.Phase != "" {
		s += " [phase " + d.Phase + "]"
	}
	if d.Machine != "" && d.Kind != reconcile.KindWorkspace {
		s += " [machine " + d.Machine + "]"
	}
	switch {
	case d.Deferred:
		s += " [deferred: max_per_run]"
	case d.Done:
		s += " [done]"
	case d.Error != "":
		s += " [failed: " + d.Error + "]"
	}
	if d.Retries > 0 {
		s += fmt.Sprintf(" [%d earlier failure(s)]", d.Retries)
	}
	return s
}
