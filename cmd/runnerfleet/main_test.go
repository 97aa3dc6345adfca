package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestValidateExamples(t *testing.T) {
	files, _ := filepath.Glob("../../fleet-examples/*/fleet.yaml")
	if len(files) < 3 {
		t.Fatalf("found %d examples", len(files))
	}
	code, out, errOut := runCLI(t, append([]string{"validate"}, files...)...)
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestValidateInvalidPrintsEveryDiagnostic(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fleet.yaml")
	src := "version: 1\nname: x\nmanger: {}\npools:\n  - name: p\n    idle: {count: -2}\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "validate", bad)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitInvalid, errOut)
	}
	for _, want := range []string{
		bad + `:3:1: manger: unknown key; did you mean "manager"?`,
		bad + ":6:19: pools[0].idle.count: must be >= 0, got -2",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "problem(s) found") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestValidateMissingFile(t *testing.T) {
	code, _, errOut := runCLI(t, "validate", filepath.Join(t.TempDir(), "nope.yaml"))
	if code != exitFailure || !strings.Contains(errOut, "unable to read fleet spec") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestRenderWritesTreeAndReplacesIt(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(filepath.Join(out, "stale"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := runCLI(t, "render", "-f", "../../fleet-examples/s3-backend/fleet.yaml", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, p := range []string{"stack/backend.tf", "manager-0/config.toml", "manager-1/pools/spot.zip"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s not written: %v", p, err)
		}
		if !strings.Contains(stdout, filepath.Join(out, p)) {
			t.Errorf("stdout does not list %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "stale")); !os.IsNotExist(err) {
		t.Errorf("the previous tree was not replaced: %v", err)
	}
}

func TestRenderOneManager(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, errOut := runCLI(t, "render", "-f", "../../fleet-examples/s3-backend/fleet.yaml", "-o", out, "--manager", "manager-1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "manager-0")); !os.IsNotExist(err) {
		t.Errorf("manager-0 rendered although --manager manager-1: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "manager-1", "config.toml")); err != nil {
		t.Error(err)
	}
	code, _, errOut = runCLI(t, "render", "-f", "../../fleet-examples/s3-backend/fleet.yaml", "-o", out, "--manager", "manager-7")
	if code != exitFailure || !strings.Contains(errOut, `unknown manager "manager-7"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestRenderInvalidSpecLeavesOutputAlone(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(out, "keep")
	if err := os.WriteFile(keep, []byte("last good"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "render", "-f", bad, "-o", out)
	if code != exitInvalid || !strings.Contains(errOut, "fleet.yaml:1:1: name: ") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "last good" {
		t.Errorf("output changed: %q %v", b, err)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	t.Setenv("RUNNERFLEET_FILE", "../../fleet-examples/multi-runner/fleet.yaml")
	t.Setenv("RUNNERFLEET_RUNNER_CONFIG_DIR", "/srv/gitlab-runner")
	code, _, errOut := runCLI(t, "render", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(out, "manager-0", "config.toml"))
	if err != nil || !strings.Contains(string(b), "/srv/gitlab-runner/pools/spot.zip") {
		t.Errorf("RUNNERFLEET_RUNNER_CONFIG_DIR not applied: %v", err)
	}
}

// TestSchemaFileInSync keeps fleet-examples/fleet.schema.json equal to `runnerfleet schema`.
func TestSchemaFileInSync(t *testing.T) {
	code, out, _ := runCLI(t, "schema")
	want, err := os.ReadFile("../../fleet-examples/fleet.schema.json")
	if err != nil || code != exitOK {
		t.Fatal(code, err)
	}
	if out != string(want) {
		t.Error("fleet-examples/fleet.schema.json is stale: run go run ./cmd/runnerfleet schema > fleet-examples/fleet.schema.json")
	}
}

func TestExamplesHaveModelineAndReadme(t *testing.T) {
	dirs, _ := filepath.Glob("../../fleet-examples/*/fleet.yaml")
	for _, f := range dirs {
		b, _ := os.ReadFile(f)
		if !strings.HasPrefix(string(b), "# yaml-language-server: $schema=../fleet.schema.json\n") {
			t.Errorf("%s does not start with the yaml-language-server modeline", f)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(f), "README.md")); err != nil {
			t.Errorf("%s has no README.md", filepath.Dir(f))
		}
	}
}

func TestHelpTeaches(t *testing.T) {
	code, out, _ := runCLI(t, "render", "--help")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"Usage:", "Examples:", "--runner-config-dir", "RUNNERFLEET_RUNNER_CONFIG_DIR", "atomically"} {
		if !strings.Contains(out, want) {
			t.Errorf("render --help lacks %q", want)
		}
	}
	code, out, _ = runCLI(t, "--help")
	if code != exitOK || !strings.Contains(out, "Exit codes") {
		t.Errorf("root --help: exit %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "runnerfleet ") {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := runCLI(t, "frobnicate")
	if code != exitFailure || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}

// TestValidateInvalidFixtures: each fixture of internal/fleet/testdata/invalid exits 3 and
// prints exactly its golden diagnostics.
func TestValidateInvalidFixtures(t *testing.T) {
	dir, err := filepath.Abs("../../internal/fleet/testdata/invalid")
	if err != nil {
		t.Fatal(err)
	}
	fixtures, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(fixtures) < 30 {
		t.Fatalf("only %d fixtures", len(fixtures))
	}
	t.Chdir(dir)
	for _, f := range fixtures {
		name := filepath.Base(f)
		want, err := os.ReadFile(strings.TrimSuffix(name, ".yaml") + ".out")
		if err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI(t, "validate", name)
		if code != exitInvalid || out != string(want) {
			t.Errorf("%s: exit %d, output differs from its .out:\n%s", name, code, out)
		}
	}
}
