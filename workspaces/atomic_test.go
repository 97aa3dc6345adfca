package workspaces

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesAtomicallyWithMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new" {
		t.Fatalf("read %q, %v", b, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "missing-dir", "config.toml")
	if err := WriteFile(p, []byte("x"), 0o600); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestReplaceTreeSwapsWholeTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := ReplaceTree(dir, map[string][]byte{"a/one": []byte("1"), "two": []byte("2")}, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceTree(dir, map[string][]byte{"b/three": []byte("3")}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !os.IsNotExist(err) {
		t.Errorf("old tree still there: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "b", "three")); err != nil || string(b) != "3" {
		t.Errorf("new tree: %q %v", b, err)
	}
	siblings, _ := os.ReadDir(filepath.Dir(dir))
	if len(siblings) != 1 {
		t.Errorf("temporary trees left behind: %v", siblings)
	}
}

func TestReplaceTreeFailureLeavesOldTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := ReplaceTree(dir, map[string][]byte{"keep": []byte("old")}, 0o644); err != nil {
		t.Fatal(err)
	}
	// A file and a directory with the same name cannot both be written.
	err := ReplaceTree(dir, map[string][]byte{"x": []byte("1"), "x/y": []byte("2")}, 0o644)
	if err == nil {
		t.Fatal("conflicting tree written")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "keep")); err != nil || string(b) != "old" {
		t.Errorf("old tree damaged: %q %v", b, err)
	}
	siblings, _ := os.ReadDir(filepath.Dir(dir))
	if len(siblings) != 1 {
		t.Errorf("temporary trees left behind: %v", siblings)
	}
}

func TestSwapAsideFallback(t *testing.T) {
	root := t.TempDir()
	dir, tmp := filepath.Join(root, "out"), filepath.Join(root, "new")
	for d, f := range map[string]string{dir: "old", tmp: "new"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := swapAside(tmp, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err != nil {
		t.Error("new tree not in place")
	}
	if _, err := os.Stat(filepath.Join(tmp, "old")); err != nil {
		t.Error("old tree not moved to tmp for removal")
	}
}
