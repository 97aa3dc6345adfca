package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/gitsource"
	"github.com/runnerfleet/runnerfleet/internal/terraform"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/render"
	"github.com/runnerfleet/runnerfleet/workspaces"
	"github.com/spf13/cobra"
)

// reconcileFlags are the flags of reconcile (and of the commands that run it).
type reconcileFlags struct {
	git              gitFlags
	opts             reconcile.Options
	detailedExitcode bool
	logFormat        string
	tf               terraformFlags
	driverTerraform  string
	prune            bool
}

type terraformFlags struct {
	path, mirrorURL, mirrorKeyFile string
}

func newReconcile() *cobra.Command {
	var f reconcileFlags
	cmd := &cobra.Command{
		Use:   "reconcile --repo URL [--scope infra|manager|all] [--manager NAME]",
		Short: "Make this host match fleet.yaml at the tip of the ref",
		Long: `Reconcile fetches fleet.yaml from the config repository and applies only what differs:

  --scope infra    the manager stack: terraform plan, and apply when the plan has changes
                   (control host)
  --scope manager  this manager's worker templates, then config.toml, written atomically and
                   only when their bytes change (each manager host; needs --manager)
  --scope all      both, for a single-host setup

A run whose remote commit equals the last applied one stops after listing the remote ref,
unless the drift check is due (drift.schedule) or --force is given. An invalid spec exits 3
and changes nothing. A second run while one holds <state-dir>/lock exits 4 at once.
SIGINT and SIGTERM stop terraform cleanly (it gets SIGINT and time to release its lock).

Tokens: {env: NAME} from this process's environment, {file: PATH} from a file (a bare name
is read from $CREDENTIALS_DIRECTORY, for systemd LoadCredential=), {ssm: /param} from SSM
Parameter Store with the AWS SDK's default credentials. They are never logged.`,
		Example: `  runnerfleet reconcile --repo https://gitlab.example.com/platform/fleet.git \
      --git-password-file /etc/runnerfleet/deploy-token --scope manager --manager manager-0
  runnerfleet reconcile --repo /srv/fleet.git --scope infra --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReconcile(cmd, &f) },
	}
	registerReconcileFlags(cmd, &f)
	return cmd
}

// registerReconcileFlags adds reconcile's flags (also used by serve).
func registerReconcileFlags(cmd *cobra.Command, f *reconcileFlags) {
	f.git.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.opts.Scope, "scope", reconcile.ScopeAll, "what this host reconciles: infra, manager or all")
	fl.StringVar(&f.opts.Manager, "manager", "", "this host's manager, such as manager-0 (scopes manager and all)")
	fl.StringVar(&f.opts.StateDir, "state-dir", "/var/lib/runnerfleet", "state: clone cache, stack working dir, status.json, lock")
	fl.StringVar(&f.opts.RunnerConfigDir, "runner-config-dir", render.DefaultRunnerConfigDir, "where config.toml and pools/ are written")
	fl.BoolVar(&f.opts.DryRun, "dry-run", false, "print what would change; write and apply nothing")
	fl.BoolVar(&f.opts.Force, "force", false, "fetch, render and compare even when the remote commit is unchanged")
	fl.StringVar(&f.opts.MetricsFile, "metrics-file", "", "write Prometheus metrics here (node_exporter textfile collector)")
	fl.StringVar(&f.opts.MachineStoragePath, "machine-storage-path", workspaces.DefaultMachineStoragePath,
		"docker-machine's storage path, whose machines/ the scheduled prune looks after")
	fl.BoolVar(&f.prune, "prune", true, "run the scheduled prune (driver workspaces, EC2 orphans) when prune.schedule says it is due")
	fl.StringVar(&f.driverTerraform, "driver-terraform-path", "", "terraform binary for destroying driver workspaces (default: find or install terraform.driver_version)")
	fl.BoolVar(&f.detailedExitcode, "detailed-exitcode", false, "exit 2 when something changed (or would change)")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.tf.path, "terraform-path", "", "terraform binary for the manager stack (default: find or install terraform.version)")
	fl.StringVar(&f.tf.mirrorURL, "terraform-mirror-url", "", "releases mirror to install terraform from (air-gapped sites)")
	fl.StringVar(&f.tf.mirrorKeyFile, "terraform-mirror-key", "", "armored OpenPGP key that signs the mirror's SHA256SUMS")
}

func runReconcile(cmd *cobra.Command, f *reconcileFlags) error {
	log, err := newLogger(cmd.ErrOrStderr(), f.logFormat)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	deps, err := f.deps(log)
	if err != nil {
		return err
	}
	res, err := reconcile.Run(ctx, f.opts, deps)
	if err != nil {
		return reconcileError(err)
	}
	printResult(cmd.OutOrStdout(), res, f.opts.DryRun)
	if f.detailedExitcode && res.Changed() {
		return exitError{code: exitChanges}
	}
	return nil
}

func (f *reconcileFlags) deps(log *slog.Logger) (reconcile.Deps, error) {
	if f.opts.Manager == "" {
		f.opts.Manager = os.Getenv("RUNNERFLEET_MANAGER")
	}
	gopts, err := f.git.options(filepath.Join(f.opts.StateDir, "git"))
	if err != nil {
		return reconcile.Deps{}, err
	}
	gopts.Logger = log
	src, err := gitsource.New(gopts)
	if err != nil {
		return reconcile.Deps{}, err
	}
	deps := reconcile.Deps{
		Source:    gitsource.ReconcileSource{Source: src},
		Terraform: f.tf.factory(f.opts.StateDir, log),
		Secrets: reconcile.SecretSources{LookupEnv: os.LookupEnv, CredentialsDir: os.Getenv("CREDENTIALS_DIRECTORY"),
			SSM: func(ctx context.Context, region string) (reconcile.ParameterStore, error) {
				cfg, err := awsapi.LoadConfig(ctx, region, "")
				if err != nil {
					return nil, err
				}
				return awsapi.NewSSMFromConfig(cfg), nil
			}},
		Stack:  reconcileStackFiles,
		Now:    nowFunc,
		Logger: log,
	}
	if f.prune {
		deps.Prune = pruneDeps(f.opts.StateDir, f.driverTerraform, f.tf, log)
	}
	return deps, nil
}

// reconcileStackFiles renders the manager stack that reconcile applies; nil is render.Stack.
// Tests that run the binary put a stand-in here (the real stack needs the AWS provider).
var reconcileStackFiles func(*fleet.Spec) (render.Files, error)

// factory finds (or installs) the wanted terraform version and prepares a runner. Providers
// are cached under the state dir, so a dry run's fresh working directory initialises fast.
func (t terraformFlags) factory(stateDir string, log *slog.Logger) func(context.Context, string, string, func(string) string) (reconcile.Terraform, error) {
	return func(ctx context.Context, version, dir string, scrub func(string) string) (reconcile.Terraform, error) {
		path, err := t.find(ctx, t.path, stateDir, version, log)
		if err != nil {
			return nil, err
		}
		cache := filepath.Join(stateDir, "plugin-cache")
		if err := os.MkdirAll(cache, 0o700); err != nil {
			return nil, fmt.Errorf("unable to create the provider cache: %w", err)
		}
		return terraform.New(path, dir, terraform.Options{Logger: log.With("workspace", "manager"), Scrub: scrub,
			Env: map[string]string{"TF_PLUGIN_CACHE_DIR": cache}})
	}
}

// find returns a terraform of version: explicit when set, else from the state dir's cache,
// PATH, or an hc-install download (from the mirror, when the flags name one).
func (t terraformFlags) find(ctx context.Context, explicit, stateDir, version string, log *slog.Logger) (string, error) {
	key := ""
	if t.mirrorKeyFile != "" {
		b, err := os.ReadFile(t.mirrorKeyFile)
		if err != nil {
			return "", fmt.Errorf("unable to read the terraform mirror key: %w", err)
		}
		key = string(b)
	}
	return terraform.Find(ctx, terraform.FindOptions{ExplicitPath: explicit, StateDir: stateDir,
		Version: version, MirrorURL: t.mirrorURL, ArmoredPublicKey: key, Logger: log})
}

// reconcileError maps run errors to exit codes; cmd owns the final wording.
func reconcileError(err error) error {
	if errors.Is(err, reconcile.ErrLocked) {
		return exitError{code: exitLocked, msg: err.Error()}
	}
	return err // Diagnostics exit 3 in run(); everything else 1
}

func printResult(w io.Writer, res reconcile.Result, dryRun bool) {
	if res.Prune != nil {
		defer func() {
			fmt.Fprintln(w, "scheduled prune:")
			_ = printPrune(w, *res.Prune, "text")
		}()
	}
	if res.UpToDate {
		fmt.Fprintf(w, "up to date at %s\n", short(res.Commit))
		return
	}
	verb := "applied"
	if dryRun {
		verb = "would apply"
	}
	fmt.Fprintf(w, "%s %s:\n", verb, short(res.Commit))
	for _, c := range res.Changes {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if res.Plan != nil {
		for _, rc := range res.Plan.Resources {
			fmt.Fprintf(w, "    %-8s %s\n", rc.Action, rc.Address)
		}
	}
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("unknown --log-format %q: use text or json", format)
}
