package gitsource

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corruptions damage a cache in the ways disks, people and other tools do.
var corruptions = map[string]func(t *testing.T, dir string){
	"garbage files": func(t *testing.T, dir string) {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "notes.txt"), "not a repository")
	},
	"truncated pack": func(t *testing.T, dir string) {
		packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack"))
		if len(packs) == 0 {
			t.Fatal("cache has no pack")
		}
		for _, p := range packs {
			if err := os.Truncate(p, 40); err != nil {
				t.Fatal(err)
			}
		}
	},
	"missing objects": func(t *testing.T, dir string) {
		if err := os.RemoveAll(filepath.Join(dir, "objects")); err != nil {
			t.Fatal(err)
		}
	},
	"garbage HEAD and config": func(t *testing.T, dir string) {
		writeFile(t, filepath.Join(dir, "HEAD"), "\x00\x01garbage")
		writeFile(t, filepath.Join(dir, "config"), "[[[[ not a config")
	},
	"foreign clone": func(t *testing.T, dir string) {
		other := newRemote(t, "path")
		other.repo.Commit(fleet("foreign"), "other repository")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		mustFetch(t, Options{URL: other.url, Ref: "main", CacheDir: filepath.Dir(dir)}, Request{})
	},
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptedCacheIsReclonedWithALogLine(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		prev := r.repo.Commit(fleet("a"), "first")
		for name, corrupt := range corruptions {
			cache := t.TempDir()
			mustFetch(t, r.options(cache, nil), Request{})
			corrupt(t, filepath.Join(cache, cacheRepoDir))
			next := r.repo.Commit(fleet(name), name)

			logs := &logBuffer{}
			res, err := fetch(t, r.options(cache, logs), Request{LastApplied: prev})
			if err != nil || res.Commit != next || string(res.Content) != name {
				t.Fatalf("%s: got %+v, %v", name, res, err)
			}
			if !strings.Contains(logs.String(), "removing git cache and cloning afresh") {
				t.Errorf("%s: no log line about the reclone:\n%s", name, logs)
			}
			if _, err := openCacheFor(t, r, cache); err != nil {
				t.Errorf("%s: cache unsound after reclone: %v", name, err)
			}
			prev = next
		}
	})
}

func openCacheFor(t *testing.T, r remote, cache string) (any, error) {
	t.Helper()
	src, err := New(r.options(cache, nil))
	if err != nil {
		t.Fatal(err)
	}
	return src.openCache(filepath.Join(cache, cacheRepoDir))
}

func TestLeftoverTempClonesAreRemoved(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "path")
	r.repo.Commit(fleet("a"), "first")
	cache := t.TempDir()
	writeFile(t, filepath.Join(cache, "tmp-123", "objects", "x"), "killed run")
	mustFetch(t, r.options(cache, nil), Request{})
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 || entries[0].Name() != cacheRepoDir {
		t.Errorf("cache holds %v, want only %s", entries, cacheRepoDir)
	}
}
