package terraform

import (
	"context"
	"github.com/hashicorp/terraform-exec/tfexec"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// terraformBinary finds the terraform `make tools` builds (../../bin/terraform), else one on
// PATH. Without one the test fails under `make test` (RUNNERFLEET_REQUIRE_TERRAFORM set) and
// is skipped otherwise.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("..", "..", "bin", "terraform")); err == nil && isExecutable(p) {
		return p
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	if os.Getenv("RUNNERFLEET_REQUIRE_TERRAFORM") != "" {
		t.Fatal("no terraform in ../../bin or on PATH; run make tools")
	}
	t.Skip("no terraform in ../../bin or on PATH (make tools builds one)")
	return ""
}

// logRecorder is a slog.Handler that keeps every record as one line of text, so tests can
// look for terraform's output and for secrets.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	add := func(a slog.Attr) bool { b.WriteString(" " + a.Key + "=" + a.Value.String()); return true }
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, b.String())
	return nil
}

func (h *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logRecorder{attrs: append(append([]slog.Attr{}, h.attrs...), attrs...)}
}

func (h *logRecorder) WithGroup(string) slog.Handler { return h }

func (h *logRecorder) text() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.lines, "\n")
}

// count is how many records contain every one of subs.
func (h *logRecorder) count(subs ...string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, l := range h.lines {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(l, s)
		}
		if all {
			n++
		}
	}
	return n
}

// waitFor polls until a record contains sub.
func (h *logRecorder) waitFor(t *testing.T, sub string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for h.count(sub) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q after %s; log:\n%s", sub, timeout, h.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// workdir writes files (name → content) into a new temporary directory.
func workdir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newRunner makes a Runner over the real terraform, logging into a recorder.
func newRunner(t *testing.T, dir string, opts Options) (*Runner, *logRecorder) {
	t.Helper()
	rec := &logRecorder{}
	opts.Logger = slog.New(rec)
	if opts.Env == nil {
		opts.Env = offlineEnv(t)
	}
	r, err := New(terraformBinary(t), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r, rec
}

// mustInitPlan inits and plans, returning whether the plan has changes.
func mustInitPlan(t *testing.T, r *Runner) bool {
	t.Helper()
	ctx := t.Context()
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	changes, err := r.Plan(ctx, "tfplan")
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

// offlineEnv points terraform at an empty CLI configuration of the test's own, so the
// host's ~/.terraformrc or TF_CLI_CONFIG_FILE plays no part, and keeps its plugin cache
// and data in the test's directories.
func offlineEnv(t *testing.T) map[string]string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"TF_CLI_CONFIG_FILE": cfg, "TF_PLUGIN_CACHE_DIR": ""}
}

// varFileApply is an apply without a saved plan, as the docker-machine driver runs it.
func varFileApply(varFile string) []tfexec.ApplyOption {
	return []tfexec.ApplyOption{tfexec.VarFile(varFile)}
}
