package fleet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// FuzzParse: Parse never panics, and a result without diagnostics comes with a spec.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	if src, err := os.ReadFile(examplePath); err == nil {
		f.Add(src)
	}
	paths, _ := filepath.Glob(filepath.Join(invalidDir, "*.yaml"))
	for _, p := range paths {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		spec, diags := fleet.Parse("fleet.yaml", src)
		if len(diags) == 0 && spec == nil {
			t.Fatal("no diagnostics and no spec")
		}
		if diags != nil && len(diags) == 0 {
			t.Fatal("empty non-nil diagnostics")
		}
		for _, d := range diags {
			if d.Line < 1 || d.Col < 1 || d.Path == "" || d.Message == "" {
				t.Fatalf("diagnostic without a position, path or message: %q", d.String())
			}
		}
	})
}
