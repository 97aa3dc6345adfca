package fleet_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

var update = flag.Bool("update", false, "rewrite the golden .out files of testdata/invalid")

const invalidDir = "testdata/invalid"

// TestInvalid parses every testdata/invalid/*.yaml and compares its diagnostics, one
// d.String() a line, with the .out file beside it. go test -update rewrites the .out files.
func TestInvalid(t *testing.T) {
	fixtures := invalidFixtures(t)
	if len(fixtures) < 36 {
		t.Errorf("only %d invalid fixtures; the suite should cover at least 36 mistakes", len(fixtures))
	}
	for _, name := range fixtures {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			got := diagnosticLines(t, name)
			golden := filepath.Join(invalidDir, strings.TrimSuffix(name, ".yaml")+".out")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file: %v (run go test ./internal/fleet/ -update)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics of %s differ from %s\n--- got\n%s--- want\n%s", name, golden, got, want)
			}
		})
	}
}

// TestInvalidPairs fails when a fixture has no golden file or a golden file has no fixture.
func TestInvalidPairs(t *testing.T) {
	entries, err := os.ReadDir(invalidDir)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	for name := range have {
		base, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		switch {
		case ext == ".yaml" && !have[base+".out"] && !*update:
			t.Errorf("%s has no %s.out (run go test ./internal/fleet/ -update)", name, base)
		case ext == ".out" && !have[base+".yaml"]:
			t.Errorf("%s has no fixture %s.yaml; remove it", name, base)
		case ext != ".yaml" && ext != ".out":
			t.Errorf("unexpected file %s in %s: only .yaml fixtures and .out goldens belong there", name, invalidDir)
		}
	}
}

// diagnosticLines parses one fixture under its base name and returns its diagnostics, one a
// line. Every fixture must produce at least one.
func diagnosticLines(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(invalidDir, name))
	if err != nil {
		t.Fatal(err)
	}
	_, diags := fleet.Parse(name, src)
	if len(diags) == 0 {
		t.Errorf("%s: Parse returned no diagnostics; an invalid fixture must produce at least one", name)
	}
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func invalidFixtures(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(invalidDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// TestInvalidSecretsNotEchoed: a literal token and a password in gitlab.url must never reach
// the output, whatever else the message says.
func TestInvalidSecretsNotEchoed(t *testing.T) {
	for name, secret := range map[string]string{
		"literal-token.yaml":          "glrt-t3_NotARealTokenButLooksLikeOne",
		"literal-runner-token.yaml":   "glrt-Runner2TokenShouldNeverLeak",
		"gitlab-url-credentials.yaml": "s3cr3t-Passw0rd",
		"token-value-key.yaml":        "glrt-TokenUnderValueKeyMustNotLeak",
	} {
		src, err := os.ReadFile(filepath.Join(invalidDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), secret) {
			t.Fatalf("%s no longer holds %q; keep the test and the fixture in step", name, secret)
		}
		_, diags := fleet.Parse(name, src)
		if len(diags) == 0 {
			t.Errorf("%s: no diagnostics", name)
		}
		if out := diags.Error(); strings.Contains(out, secret) {
			t.Errorf("%s: the secret %q appears in the diagnostics:\n%s", name, secret, out)
		}
	}
}
