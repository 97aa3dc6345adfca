package terraform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

var _ reconcile.Terraform = (*Runner)(nil)

// DefaultWaitDelay is how long a cancelled terraform gets between SIGINT and SIGKILL.
const DefaultWaitDelay = 60 * time.Second

// Options configure a Runner. The zero value is usable.
type Options struct {
	// Logger receives terraform's output line by line and one record per command.
	// Nil discards.
	Logger *slog.Logger
	// WaitDelay is how long terraform may take to stop after the context is cancelled
	// (SIGINT) before it is killed. Zero means DefaultWaitDelay.
	WaitDelay time.Duration
	// Scrub removes secrets from every output line and error text. Nil keeps text as is.
	Scrub func(string) string
	// Env adds variables to the environment terraform inherits (for example
	// TF_CLI_CONFIG_FILE or AWS_PROFILE). Variables terraform-exec manages itself (TF_LOG*,
	// TF_INPUT, TF_IN_AUTOMATION, TF_VAR_*, TF_CLI_ARGS*, TF_WORKSPACE, ...) are rejected.
	Env map[string]string
}

// Runner runs terraform in one working directory. It is not safe for concurrent use: run
// one command at a time, as terraform itself requires for a working directory.
type Runner struct {
	tf      *tfexec.Terraform
	dir     string
	log     *slog.Logger
	scrub   func(string) string
	stdout  *lineLogger
	stderr  *lineLogger
	errTail *tailBuffer
}

// New prepares a Runner for workDir with the terraform binary at execPath (see Find).
func New(execPath, workDir string, opts Options) (*Runner, error) {
	opts = opts.withDefaults()
	tf, err := tfexec.NewTerraform(workDir, execPath)
	if err != nil {
		return nil, fmt.Errorf("unable to prepare terraform in %s: %w", workDir, err)
	}
	env, err := buildEnv(opts.Env)
	if err != nil {
		return nil, fmt.Errorf("unable to prepare terraform environment: %w", err)
	}
	if err := tf.SetEnv(env); err != nil {
		return nil, fmt.Errorf("unable to prepare terraform environment: %w", err)
	}
	if err := tf.SetWaitDelay(opts.WaitDelay); err != nil {
		return nil, fmt.Errorf("unable to set terraform wait delay: %w", err)
	}
	r := &Runner{tf: tf, dir: workDir, log: opts.Logger, scrub: opts.Scrub, errTail: newTailBuffer(maxStderr)}
	r.stdout = newLineLogger(opts.Logger, "stdout", opts.Scrub)
	r.stderr = newLineLogger(opts.Logger, "stderr", opts.Scrub)
	tf.SetStdout(r.stdout)
	tf.SetStderr(io.MultiWriter(r.stderr, r.errTail))
	tf.SetLogger(slog.NewLogLogger(opts.Logger.Handler(), slog.LevelDebug))
	return r, nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.WaitDelay <= 0 {
		o.WaitDelay = DefaultWaitDelay
	}
	if o.Scrub == nil {
		o.Scrub = func(s string) string { return s }
	}
	return o
}

// WorkDir is the working directory the Runner was made for.
func (r *Runner) WorkDir() string { return r.dir }

// run runs one terraform command: it labels the output lines, times the command, flushes
// partial lines and turns a failure into a *CommandError with the scrubbed stderr.
// op reads as "<verb> <thing>" for the error prefix, cmd is terraform's subcommand.
func (r *Runner) run(ctx context.Context, cmd, op string, fn func() error) error {
	r.errTail.Reset()
	r.stdout.setCommand(cmd)
	r.stderr.setCommand(cmd)
	start := time.Now()
	err := fn()
	r.stdout.Flush()
	r.stderr.Flush()
	took := time.Since(start).Round(time.Millisecond)
	if err == nil {
		r.log.LogAttrs(ctx, slog.LevelDebug, "terraform command done", slog.String("cmd", cmd), slog.Duration("took", took))
		return nil
	}
	cerr := newCommandError(ctx, err, r.errTail.String(), r.scrub)
	r.log.LogAttrs(ctx, slog.LevelWarn, "terraform command failed", slog.String("cmd", cmd),
		slog.Duration("took", took), slog.Bool("cancelled", ctx.Err() != nil), slog.String("error", cerr.Error()))
	return fmt.Errorf("unable to %s: %w", op, cerr)
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil || !errors.Is(err, os.ErrNotExist)
}
