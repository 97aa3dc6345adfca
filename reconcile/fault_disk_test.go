package reconcile_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// diskChild marks the child process that runs TestFaultDiskFull.
const diskChild = "RUNNERFLEET_FAULT_DISK_CHILD"

// fileSizeLimit makes every write past limit bytes into a regular file fail with EFBIG, for
// root too (RLIMIT_FSIZE, the kernel's own check), until the returned func restores it. This is
// the closest a test gets to a full disk without a filesystem of its own: each write fails
// part way, as ENOSPC does. Tests in this package do not run in parallel.
func fileSizeLimit(t *testing.T, limit uint64) func() {
	t.Helper()
	signal.Ignore(syscall.SIGXFSZ) // the write returns EFBIG instead of the process dying
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = limit
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit file sizes here: %v", err)
	}
	restore := func() { _ = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old) }
	t.Cleanup(restore)
	return restore
}

// TestFaultDiskFull: every file write fails part way (config.toml, the templates,
// status.json). The run fails with the path and the cause, the files on disk stay exactly as
// they were (no partial file, no temp file left), and once there is room the next run
// converges.
func TestFaultDiskFull(t *testing.T) {
	// A file size limit covers the whole process, including the test log that `go test` keeps
	// for its cache, so the test runs in a child process of its own.
	if os.Getenv(diskChild) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFaultDiskFull$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), diskChild+"=1")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS: TestFaultDiskFull") {
			t.Fatalf("the full-disk test in its own process: %v\n%s", err, out)
		}
		return
	}
	h := newHarness(t, reconcile.ScopeManager)
	h.opts.MetricsFile = filepath.Join(t.TempDir(), "runnerfleet.prom")
	h.mustRun()
	before := snapshot(t, h.opts.RunnerConfigDir)
	statusBefore := readFile(t, filepath.Join(h.opts.StateDir, "status.json"))
	h.src.push(bytes.Replace(h.src.spec, []byte("idle: {count: 1,"), []byte("idle: {count: 7,"), 1))

	restore := fileSizeLimit(t, 256)
	_, err := h.run()
	restore()
	if !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), "unable to write "+h.opts.RunnerConfigDir) {
		t.Fatalf("err = %v, want the file and the cause", err)
	}
	if after := snapshot(t, h.opts.RunnerConfigDir); after != before {
		t.Errorf("the runner config dir changed:\nbefore %s\nafter  %s", before, after)
	}
	if readFile(t, filepath.Join(h.opts.StateDir, "status.json")) != statusBefore {
		t.Error("status.json changed although it could not be written")
	}
	res := h.mustRun()
	if !strings.Contains(h.read("config.toml"), "IdleCount = 7") || len(res.Changes) != 1 {
		t.Fatalf("next run did not converge: %q", res.Changes)
	}
}

// snapshot lists every file under dir with its size and content hash, temp files included.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(strings.TrimPrefix(p, dir) + ":" + workspaces.Hash(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestFaultStatusAndManifestMissingOrCorrupt: status.json (and with it every manifest) lost,
// corrupt, or holding a manifest that does not match the disk. Each next run starts afresh
// with a clear log line, rewrites only files whose bytes differ, re-plans the stack, and
// converges; a status.json that cannot be read at all fails clearly and changes nothing.
func TestFaultStatusAndManifestMissingOrCorrupt(t *testing.T) {
	h := newHarness(t, reconcile.ScopeAll)
	h.mustRun()
	statusPath := filepath.Join(h.opts.StateDir, "status.json")
	for name, damage := range map[string]func(){
		"missing": func() { os.Remove(statusPath) },
		"corrupt": func() { os.WriteFile(statusPath, []byte(`{"version":1,"applied":{"infra":`), 0o600) },
		"wrong manifest": func() {
			st := status(t, h)
			m := st.Applied["manager/manager-0"]
			m.Files["config.toml"] = strings.Repeat("0", 64)
			st.Save(h.opts.StateDir)
		},
	} {
		damage()
		h.tf.calls, h.tf.changes = nil, false
		h.opts.Force = true
		res := h.mustRun()
		if res.Changed() {
			t.Errorf("%s: files rewritten although their bytes are the same: %q", name, res.Changes)
		}
		if name != "wrong manifest" && strings.Join(h.tf.calls, ",") != "init,plan" {
			t.Errorf("%s: terraform calls %v, want the stack re-planned", name, h.tf.calls)
		}
		if st := status(t, h); st.Applied["manager/manager-0"].Commit != h.src.commit || st.Applied["infra"].Commit != h.src.commit {
			t.Errorf("%s: status not rebuilt: %+v", name, st.Applied)
		}
	}
	if !strings.Contains(h.logs.String(), "status.json is corrupt") {
		t.Error("a corrupt status.json was not logged")
	}
	os.Remove(statusPath)
	if err := os.Mkdir(statusPath, 0o700); err != nil { // unreadable: a directory
		t.Fatal(err)
	}
	before := snapshot(t, h.opts.RunnerConfigDir)
	if _, err := h.run(); err == nil || !strings.Contains(err.Error(), "unable to read "+statusPath) {
		t.Errorf("unreadable status.json: err = %v", err)
	}
	if snapshot(t, h.opts.RunnerConfigDir) != before {
		t.Error("a run that could not read its status changed files")
	}
	os.Remove(statusPath)
	h.mustRun()
}
