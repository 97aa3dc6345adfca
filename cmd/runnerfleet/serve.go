package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/spf13/cobra"
)

type serveFlags struct {
	reconcileFlags
	interval     time.Duration
	listen       string
	webhookToken string // file holding the X-Gitlab-Token secret
}

func newServe() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve --repo URL [--scope …] [--interval 1m] [--listen 127.0.0.1:9420]",
		Short: "Run as a daemon: reconcile every interval, on GitLab push webhooks, and serve metrics",
		Long: `Serve is the daemon alternative to the systemd timer. It reconciles every --interval (with
up to 10% random delay, so managers do not fetch in lockstep), and at once when GitLab's push
webhook reports a push to --ref. Drift checks and pruning run inside those reconciles when
their cron schedules (drift.schedule, prune.schedule) say they are due. A run still going when
the next one is due is not doubled up.

HTTP on --listen:
  GET  /healthz        200 while the last run succeeded (or none ran yet), 503 after a failure
  GET  /metrics        Prometheus metrics
  POST /hooks/gitlab   GitLab push webhook; needs --webhook-token-file, whose content must
                       match the X-Gitlab-Token header (compared in constant time)

SIGTERM or SIGINT stops it: a running terraform gets SIGINT and time to release its lock.
All of reconcile's flags apply.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, &f) },
	}
	registerReconcileFlags(cmd, &f.reconcileFlags)
	fl := cmd.Flags()
	fl.DurationVar(&f.interval, "interval", time.Minute, "time between reconciles")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:9420", "address of /healthz, /metrics and /hooks/gitlab")
	fl.StringVar(&f.webhookToken, "webhook-token-file", "", "file holding the GitLab webhook secret token (enables /hooks/gitlab)")
	return cmd
}

func runServe(cmd *cobra.Command, f *serveFlags) error {
	log, err := newLogger(cmd.ErrOrStderr(), f.logFormat)
	if err != nil {
		return err
	}
	deps, err := f.deps(log)
	if err != nil {
		return err
	}
	d := newDaemon(log, f.interval, func(ctx context.Context) (reconcile.Result, error) {
		return reconcile.Run(ctx, f.opts, deps)
	})
	if f.webhookToken != "" {
		if d.hookToken, err = readTokenFile(f.webhookToken); err != nil {
			return err
		}
		d.hookRef = "refs/heads/" + strings.TrimPrefix(f.git.ref, "refs/heads/")
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w", f.listen, err)
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("serving", "listen", ln.Addr().String(), "interval", f.interval.String())
	return d.serve(ctx, ln)
}

func readTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("unable to read the webhook token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("the webhook token file %s is empty", path)
	}
	return token, nil
}

// serve runs the scheduler and the HTTP server until ctx ends, then stops both: the current
// run is cancelled (terraform gets SIGINT) and awaited.
func (d *daemon) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server stopped", "error", err)
		}
	}()
	c := cron.New(cron.WithChain(cron.Recover(cronLogger{d.log}), cron.SkipIfStillRunning(cronLogger{d.log})))
	c.Schedule(cron.Every(d.interval), cron.FuncJob(func() { d.tick(ctx) }))
	c.Start()
	d.trigger <- struct{}{} // reconcile once at start
	d.worker(ctx)
	<-c.Stop().Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// tick asks for a reconcile after a random delay of up to a tenth of the interval.
func (d *daemon) tick(ctx context.Context) {
	jitter := time.Duration(rand.Int64N(int64(d.interval)/10 + 1))
	select {
	case <-ctx.Done():
		return
	case <-time.After(jitter):
	}
	d.request()
}

// cronLogger adapts slog to robfig/cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug(msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error(msg, append(kv, "error", err)...)
}
