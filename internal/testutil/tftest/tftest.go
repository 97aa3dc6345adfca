// Package tftest finds the real terraform binary for tests.
package tftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Binary returns the terraform that `make tools` builds into bin/, else one on PATH. Under
// `make test` (RUNNERFLEET_REQUIRE_TERRAFORM set) a missing binary fails the test; elsewhere
// the test is skipped.
func Binary(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	if p := filepath.Join(root, "bin", "terraform"); isExecutable(p) {
		return p
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	if os.Getenv("RUNNERFLEET_REQUIRE_TERRAFORM") != "" {
		t.Fatal("terraform not found in bin/ or on PATH; run make tools")
	}
	t.Skip("terraform not found; run make tools (make test runs this test)")
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
