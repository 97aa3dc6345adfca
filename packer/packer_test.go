// Package packer_test checks packer/: the Packer templates (validated by the real packer),
// the provisioning scripts and build.sh (bash -n, shellcheck, and build.sh run for real with
// a stripped PATH and a stand-in packer), and the systemd units (systemd-analyze verify, and
// their flags and environment against the real `runnerfleet reconcile --help`).
package packer_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// requireTool returns the path of a tool the tests cannot do without. Under `make test`
// (RUNNERFLEET_REQUIRE_TERRAFORM set) a missing tool fails the test; elsewhere it skips.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("RUNNERFLEET_REQUIRE_TERRAFORM") != "" {
		t.Fatalf("%s is not on PATH, and make test needs it (apt-get install %s; .ci/run does)", name, name)
	}
	t.Skipf("%s is not on PATH (make test requires it)", name)
	return ""
}

// optionalTool returns the path of a tool, or skips: used for checks the machine may not
// support at all (systemd-analyze in a container, shellcheck).
func optionalTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not on PATH; skipping", name)
	}
	return path
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
	cliDir  string
)

// cli builds the real runnerfleet binary once per test run.
func cli(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		cliDir, cliErr = os.MkdirTemp("", "runnerfleet-packer-test")
		if cliErr != nil {
			return
		}
		cliPath = filepath.Join(cliDir, "runnerfleet")
		out, err := exec.Command("go", "build", "-o", cliPath, "../cmd/runnerfleet").CombinedOutput()
		if err != nil {
			cliErr = errors.New("go build ../cmd/runnerfleet: " + err.Error() + "\n" + string(out))
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

// help returns `runnerfleet <command> --help`, and false when the command does not exist yet.
func help(t *testing.T, command string) (string, bool) {
	t.Helper()
	cmd := exec.Command(cli(t), command, "--help")
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Usage:") || !strings.Contains(string(out), "runnerfleet "+command) {
		return string(out), false
	}
	return string(out), true
}

// cleanEnv is the environment without RUNNERFLEET_* variables, so flags keep their defaults.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RUNNERFLEET_") {
			env = append(env, kv)
		}
	}
	return env
}

var (
	flagInHelp = regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`)
	envVarName = regexp.MustCompile(`RUNNERFLEET_[A-Z0-9_]+`)
)

func helpFlags(helpText string) map[string]bool {
	flags := map[string]bool{}
	for _, m := range flagInHelp.FindAllStringSubmatch(helpText, -1) {
		flags[m[1]] = true
	}
	return flags
}

func helpEnvVars(helpText string) map[string]bool {
	vars := map[string]bool{}
	for _, v := range envVarName.FindAllString(helpText, -1) {
		vars[v] = true
	}
	return vars
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}
