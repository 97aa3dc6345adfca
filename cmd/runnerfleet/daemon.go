package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/runnerfleet/runnerfleet/reconcile"
)

// daemon serialises reconciles (one at a time; requests made meanwhile coalesce into one
// more run) and exposes their outcome over HTTP.
type daemon struct {
	log       *slog.Logger
	interval  time.Duration
	runOnce   func(context.Context) (reconcile.Result, error)
	trigger   chan struct{}
	hookToken string // "" disables the webhook
	hookRef   string // refs/heads/<branch> whose pushes trigger a run

	mu      sync.Mutex
	lastErr error
	ran     bool

	registry *prometheus.Registry
	runs     *prometheus.CounterVec
	duration prometheus.Histogram
	success  prometheus.Gauge
}

func newDaemon(log *slog.Logger, interval time.Duration, runOnce func(context.Context) (reconcile.Result, error)) *daemon {
	d := &daemon{log: log, interval: interval, runOnce: runOnce, trigger: make(chan struct{}, 1),
		registry: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "runnerfleet_runs_total",
			Help: "Reconcile runs by result."}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "runnerfleet_run_duration_seconds",
			Help: "Duration of reconcile runs.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)}),
		success: prometheus.NewGauge(prometheus.GaugeOpts{Name: "runnerfleet_last_success_timestamp_seconds",
			Help: "End of the last successful reconcile."}),
	}
	d.registry.MustRegister(d.runs, d.duration, d.success)
	return d
}

// request asks for a run without blocking; a pending request already covers it.
func (d *daemon) request() {
	select {
	case d.trigger <- struct{}{}:
	default:
	}
}

// worker runs one reconcile per request until ctx ends.
func (d *daemon) worker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.trigger:
			d.runAndRecord(ctx)
		}
	}
}

func (d *daemon) runAndRecord(ctx context.Context) {
	start := time.Now()
	res, err := d.runOnce(ctx)
	d.duration.Observe(time.Since(start).Seconds())
	result := "applied"
	switch {
	case errors.Is(err, reconcile.ErrLocked):
		result = "locked"
	case err != nil:
		result = "failed"
		d.log.Error("reconcile failed", "error", err)
	case res.UpToDate:
		result = "up-to-date"
	}
	d.runs.WithLabelValues(result).Inc()
	if err == nil {
		d.success.SetToCurrentTime()
	}
	d.mu.Lock()
	d.ran, d.lastErr = true, err
	d.mu.Unlock()
}

func (d *daemon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("POST /hooks/gitlab", d.hook)
	return mux
}

func (d *daemon) healthz(w http.ResponseWriter, _ *http.Request) {
	d.mu.Lock()
	ran, err := d.ran, d.lastErr
	d.mu.Unlock()
	switch {
	case !ran:
		fmt.Fprintln(w, "starting")
	case err != nil && !errors.Is(err, reconcile.ErrLocked):
		http.Error(w, "last reconcile failed: "+err.Error(), http.StatusServiceUnavailable)
	default:
		fmt.Fprintln(w, "ok")
	}
}

// maxHookBody bounds a webhook body; GitLab's push events are far smaller. A larger body is
// refused with 413, never silently cut.
const maxHookBody = 1 << 20

// hook accepts GitLab push events for the configured branch. The body is never logged.
func (d *daemon) hook(w http.ResponseWriter, r *http.Request) {
	if d.hookToken == "" {
		http.Error(w, "webhook not enabled (--webhook-token-file)", http.StatusNotFound)
		return
	}
	got := r.Header.Get("X-Gitlab-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(d.hookToken)) != 1 {
		d.log.Warn("webhook refused: wrong X-Gitlab-Token", "remote", r.RemoteAddr)
		http.Error(w, "wrong or missing X-Gitlab-Token", http.StatusUnauthorized)
		return
	}
	var push struct {
		Kind string `json:"object_kind"`
		Ref  string `json:"ref"`
	}
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxHookBody)).Decode(&push)
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		d.log.Warn("webhook refused: body too large", "limit", maxHookBody, "remote", r.RemoteAddr)
		http.Error(w, fmt.Sprintf("body larger than %d bytes", maxHookBody), http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil || push.Kind != "push" {
		d.log.Warn("webhook ignored: not a push event", "event", r.Header.Get("X-Gitlab-Event"))
		http.Error(w, "only push events are accepted", http.StatusBadRequest)
		return
	}
	if push.Ref != d.hookRef {
		d.log.Info("webhook ignored: push to another ref", "ref", push.Ref)
		http.Error(w, "push to "+push.Ref+" ignored; this runnerfleet follows "+d.hookRef, http.StatusUnprocessableEntity)
		return
	}
	d.log.Info("webhook: push to the followed branch; reconciling now", "ref", push.Ref)
	d.request()
	w.WriteHeader(http.StatusAccepted)
}
