package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/spf13/cobra"
)

type unlockFlags struct {
	stateDir, logFormat string
	dryRun              bool
	tf                  terraformFlags
}

func newUnlock() *cobra.Command {
	var f unlockFlags
	cmd := &cobra.Command{
		Use:   "unlock [LOCK_ID] [--state-dir DIR] [--dry-run]",
		Short: "Release the manager stack's terraform state lock left by a terraform that was killed",
		Long: `Unlock releases the state lock of the manager stack (<state-dir>/stacks/manager) that a
terraform killed mid-run (SIGKILL, OOM, power loss) left behind. Reconcile refuses to run
terraform on the stack while such a lock is recorded, because the killed run may have created
resources its state does not record yet: look at the stack first (terraform state list, the
AWS console), then unlock.

Without LOCK_ID the lock recorded by the local backend (.terraform.tfstate.lock.info) is
released. With a remote backend (S3) pass the ID that terraform's "Error acquiring the state
lock" message names. It runs "terraform force-unlock -force <ID>" in the stack dir; for the
local backend, whose OS lock died with terraform, it removes the stale lock file when its ID
matches. It takes <state-dir>/lock first, so it never unlocks under a running reconcile
(exit 4). --dry-run prints the lock and changes nothing.`,
		Example: `  runnerfleet unlock --state-dir /var/lib/runnerfleet --dry-run
  runnerfleet unlock --state-dir /var/lib/runnerfleet
  runnerfleet unlock 9ab82b8a-dc35-7f38-34be-eb00f1446670 --terraform-path /usr/local/bin/terraform`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runUnlock(cmd, &f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.stateDir, "state-dir", "/var/lib/runnerfleet", "state dir whose manager stack to unlock")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the lock; release nothing")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.tf.path, "terraform-path", "", "terraform binary (default: find or install the version that took the lock)")
	fl.StringVar(&f.tf.mirrorURL, "terraform-mirror-url", "", "releases mirror to install terraform from (air-gapped sites)")
	fl.StringVar(&f.tf.mirrorKeyFile, "terraform-mirror-key", "", "armored OpenPGP key that signs the mirror's SHA256SUMS")
	return cmd
}

func runUnlock(cmd *cobra.Command, f *unlockFlags, args []string) error {
	lock, err := reconcile.Acquire(f.stateDir, nowFunc())
	if errors.Is(err, reconcile.ErrLocked) {
		return exitError{code: exitLocked, msg: err.Error()}
	} else if err != nil {
		return err
	}
	defer lock.Release()
	dir := reconcile.StackDir(f.stateDir)
	rec, err := reconcile.ReadStateLock(dir)
	if err != nil {
		return err
	}
	id, version, err := lockTarget(rec, args, dir)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	printLock(out, rec, id, dir)
	if f.dryRun {
		fmt.Fprintln(out, "dry run: nothing released")
		return nil
	}
	if id == "" {
		return nil
	}
	if err := f.forceUnlock(cmd.Context(), cmd.ErrOrStderr(), dir, version, id); err != nil {
		return err
	}
	fmt.Fprintf(out, "released lock %s; the next reconcile plans the stack again\n", id)
	return nil
}

// lockTarget picks the lock ID (the argument, else the local lock file's) and the terraform
// version to release it with. An empty ID means there is nothing to release.
func lockTarget(rec *reconcile.StateLock, args []string, dir string) (id, version string, err error) {
	if rec != nil {
		id, version = rec.ID, rec.Version
	}
	if len(args) == 1 {
		if rec != nil && args[0] != rec.ID {
			return "", "", fmt.Errorf("lock ID %s does not match the lock recorded in %s (%s)", args[0], dir, rec.ID)
		}
		id = args[0]
	}
	return id, version, nil
}

func printLock(w io.Writer, rec *reconcile.StateLock, id, dir string) {
	switch {
	case rec != nil:
		fmt.Fprintf(w, "manager stack %s is locked:\n  ID:        %s\n  Operation: %s\n  Who:       %s\n  Version:   %s\n  Created:   %s\n",
			dir, rec.ID, rec.Operation, rec.Who, rec.Version, rec.Created.UTC().Format("2006-01-02T15:04:05Z"))
	case id != "":
		fmt.Fprintf(w, "no local lock recorded in %s; asking the backend to release lock %s\n", dir, id)
	default:
		fmt.Fprintf(w, "manager stack %s is not locked (no %s); with a remote backend, pass the lock ID\n", dir, reconcile.LocalLockFile)
	}
}

func (f *unlockFlags) forceUnlock(ctx context.Context, stderr io.Writer, dir, version, id string) error {
	log, err := newLogger(stderr, f.logFormat)
	if err != nil {
		return err
	}
	if version == "" {
		version = fleet.DefaultTerraformVersion
	}
	tf, err := f.tf.factory(f.stateDir, log)(ctx, version, dir, nil)
	if err != nil {
		return err
	}
	return tf.(*terraform.Runner).ForceUnlock(ctx, id)
}
