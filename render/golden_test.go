package render_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

var update = flag.Bool("update", false, "rewrite the golden trees under testdata/golden")

// examples parses every fleet-examples/*/fleet.yaml, keyed by example name.
func examples(t testing.TB) map[string]*fleet.Spec {
	t.Helper()
	paths, err := filepath.Glob("../fleet-examples/*/fleet.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	out := map[string]*fleet.Spec{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		spec, diags := fleet.Parse(p, src)
		if len(diags) > 0 {
			t.Fatalf("%s is invalid:\n%v", p, diags)
		}
		out[filepath.Base(filepath.Dir(p))] = spec
	}
	return out
}

func renderExample(t testing.TB, spec *fleet.Spec) render.Files {
	t.Helper()
	files, err := render.Render(spec, render.Redacted{}, render.Options{})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return files
}

// goldenForm replaces each zip by a readable listing of its entries, headers and contents.
// goldenForm is what a golden tree holds: the generated files in full, each static .tf file
// as a line that says it is the embedded source unchanged (checked here), and each zip as a
// listing of its entries' headers and hashes (their contents are checked against the sources
// by TestWorkerZipMatchesSources).
func goldenForm(t testing.TB, files render.Files) map[string][]byte {
	out := map[string][]byte{}
	for p, b := range files {
		switch {
		case strings.HasSuffix(p, ".zip"):
			out[p+".txt"] = zipListing(t, b)
		case strings.HasPrefix(p, "stack/") && isSource(t, "stack/"+filepath.Base(p), b):
			out[p+".txt"] = []byte("static: the embedded render/stack/" + filepath.Base(p) + ", unchanged\n")
		default:
			out[p] = b
		}
	}
	return out
}

// isSource reports whether b is the embedded template file src (render/<src>) unchanged.
func isSource(t testing.TB, src string, b []byte) bool {
	want, err := os.ReadFile(src)
	if os.IsNotExist(err) {
		return false // generated: terraform.tfvars.json, backend.tf
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs from render/%s: static files must be copied unchanged", src, src)
	}
	return true
}

func zipListing(t testing.TB, b []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("worker zip does not open: %v", err)
	}
	var buf bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "%s mode=%v modified=%s method=%d size=%d sha256=%x\n", f.Name, f.Mode(),
			f.Modified.UTC().Format("2006-01-02T15:04:05Z"), f.Method, len(content), sha256.Sum256(content))
	}
	return buf.Bytes()
}

// TestWorkerZipMatchesSources: the zip holds exactly render/worker/*.tf, byte for byte.
func TestWorkerZipMatchesSources(t *testing.T) {
	b, err := render.WorkerZip()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := filepath.Glob("worker/*.tf")
	if len(zr.File) != len(sources) || len(sources) == 0 {
		t.Fatalf("zip has %d entries, render/worker has %d .tf files", len(zr.File), len(sources))
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !isSource(t, "worker/"+f.Name, got) {
			t.Errorf("zip entry %s is not in render/worker", f.Name)
		}
	}
}

func TestGolden(t *testing.T) {
	for name, spec := range examples(t) {
		t.Run(name, func(t *testing.T) {
			got := goldenForm(t, renderExample(t, spec))
			dir := filepath.Join("testdata", "golden", name)
			if *update {
				writeTree(t, dir, got)
			}
			compareTree(t, dir, got)
		})
	}
}

func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compareTree checks that dir holds exactly files, byte for byte.
func compareTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	onDisk := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		onDisk[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatalf("golden tree %s: %v (run go test ./render/ -update)", dir, err)
	}
	var names []string
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Errorf("%s: not in the golden tree (run go test ./render/ -update)", p)
			continue
		}
		if !bytes.Equal(want, files[p]) {
			t.Errorf("%s differs from %s:\n%s", p, dir, firstDiff(want, files[p]))
		}
		delete(onDisk, p)
	}
	for p := range onDisk {
		t.Errorf("%s: in the golden tree but no longer rendered", p)
	}
}

func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b)
		}
	}
	return "(same lines, different bytes)"
}
