package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

func testDaemon(t *testing.T, run func(context.Context) (reconcile.Result, error)) (*daemon, *bytes.Buffer) {
	var logs bytes.Buffer
	d := newDaemon(slog.New(slog.NewTextHandler(&logs, nil)), time.Hour, run)
	d.hookToken, d.hookRef = "hook-SECRET-token", "refs/heads/main"
	return d, &logs
}

func post(t *testing.T, h http.Handler, token, body string) int {
	req := httptest.NewRequest("POST", "/hooks/gitlab", strings.NewReader(body))
	req.Header.Set("X-Gitlab-Event", "Push Hook")
	if token != "" {
		req.Header.Set("X-Gitlab-Token", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhook(t *testing.T) {
	d, logs := testDaemon(t, nil)
	h := d.routes()
	push := `{"object_kind":"push","ref":"refs/heads/main","commits":[{"message":"body-only-text"}]}`
	cases := []struct {
		name, token, body string
		code              int
		triggers          bool
	}{
		{"valid push", "hook-SECRET-token", push, http.StatusAccepted, true},
		{"wrong token", "nope", push, http.StatusUnauthorized, false},
		{"no token", "", push, http.StatusUnauthorized, false},
		{"another branch", "hook-SECRET-token", strings.Replace(push, "main", "feature", 1), http.StatusUnprocessableEntity, false},
		{"not a push", "hook-SECRET-token", `{"object_kind":"merge_request"}`, http.StatusBadRequest, false},
	}
	for _, c := range cases {
		if code := post(t, h, c.token, c.body); code != c.code {
			t.Errorf("%s: status %d, want %d", c.name, code, c.code)
		}
		select {
		case <-d.trigger:
			if !c.triggers {
				t.Errorf("%s triggered a reconcile", c.name)
			}
		default:
			if c.triggers {
				t.Errorf("%s did not trigger a reconcile", c.name)
			}
		}
	}
	if strings.Contains(logs.String(), "body-only-text") || strings.Contains(logs.String(), "hook-SECRET-token") {
		t.Errorf("the webhook body or token was logged:\n%s", logs)
	}
}

func TestWebhookDisabledWithoutToken(t *testing.T) {
	d, _ := testDaemon(t, nil)
	d.hookToken = ""
	if code := post(t, d.routes(), "", `{"object_kind":"push","ref":"refs/heads/main"}`); code != http.StatusNotFound {
		t.Errorf("status %d", code)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	fail := errors.New("terraform failed")
	var next error
	d, _ := testDaemon(t, func(context.Context) (reconcile.Result, error) { return reconcile.Result{}, next })
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		d.routes().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/healthz"); code != 200 || body != "starting\n" {
		t.Errorf("before any run: %d %q", code, body)
	}
	next = fail
	d.runAndRecord(context.Background())
	if code, body := get("/healthz"); code != 503 || !strings.Contains(body, "terraform failed") {
		t.Errorf("after a failure: %d %q", code, body)
	}
	next = nil
	d.runAndRecord(context.Background())
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("after a success: %d", code)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{`runnerfleet_runs_total{result="failed"} 1`, `runnerfleet_runs_total{result="applied"} 1`,
		"runnerfleet_run_duration_seconds_count 2"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestServeGracefulShutdown: cancelling the context interrupts the running reconcile (its
// context is cancelled, as terraform's SIGINT relies on), waits for it, and stops the server.
func TestServeGracefulShutdown(t *testing.T) {
	started, interrupted := make(chan struct{}), atomic.Bool{}
	d, _ := testDaemon(t, func(ctx context.Context) (reconcile.Result, error) {
		close(started)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // terraform stopping cleanly
		interrupted.Store(true)
		return reconcile.Result{}, ctx.Err()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.serve(ctx, ln) }()
	<-started
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !interrupted.Load() {
		t.Error("serve returned before the running reconcile finished")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}
