package gitsource

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

func TestFirstCloneIntoCache(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		when := r.repo.NextTime()
		sha := r.repo.Commit(fleet("version: 1\n"), "first")
		cache := t.TempDir()
		res := mustFetch(t, r.options(cache, nil), Request{})
		if res.Commit != sha || string(res.Content) != "version: 1\n" || res.Unchanged {
			t.Fatalf("got %+v, want commit %s with content", res, sha)
		}
		if !res.Time.Equal(when) || res.Author != "Fleet Bot <bot@example.com>" {
			t.Errorf("time %v author %q, want %v and Fleet Bot", res.Time, res.Author, when)
		}
		entries, _ := os.ReadDir(cache)
		if len(entries) != 1 || entries[0].Name() != cacheRepoDir {
			t.Errorf("cache holds %v, want only %s", entries, cacheRepoDir)
		}
		shallow := gitserver.Git(t, filepath.Join(cache, cacheRepoDir), "rev-parse", "--is-shallow-repository")
		if shallow != "true" {
			t.Errorf("cache is not shallow: %s", shallow)
		}
	})
}

func TestInMemoryFetch(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		r.repo.Commit(fleet("a"), "first")
		sha := r.repo.Commit(fleet("b"), "second")
		res := mustFetch(t, r.options("", nil), Request{})
		if res.Commit != sha || string(res.Content) != "b" {
			t.Fatalf("got %s %q, want %s b", res.Commit, res.Content, sha)
		}
	})
}

func TestUnchangedShortcutDoesNotFetch(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		sha := r.repo.Commit(fleet("a"), "first")
		cache := filepath.Join(t.TempDir(), "git")
		before := r.fetches()
		res := mustFetch(t, r.options(cache, nil), Request{LastApplied: strings.ToUpper(sha)})
		if !res.Unchanged || res.Commit != sha || res.Content != nil {
			t.Fatalf("got %+v, want unchanged at %s", res, sha)
		}
		if after := r.fetches(); after != before {
			t.Errorf("upload-pack POSTs went from %d to %d: a fetch happened", before, after)
		}
		if _, err := os.Stat(cache); !os.IsNotExist(err) {
			t.Errorf("cache dir was created (%v): a fetch happened", err)
		}
		forced := mustFetch(t, r.options(cache, nil), Request{LastApplied: sha, Force: true})
		if forced.Unchanged || string(forced.Content) != "a" {
			t.Errorf("forced fetch got %+v, want content", forced)
		}
	})
}

func TestNewCommitFetchesOnlyWhatIsNew(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		first := r.repo.Commit(fleet("a"), "first")
		cache := t.TempDir()
		logs := &logBuffer{}
		mustFetch(t, r.options(cache, logs), Request{})
		second := r.repo.Commit(fleet("b"), "second")
		before := r.fetches()
		var gets int64
		if r.srv != nil {
			gets = r.srv.InfoRefsGETs()
		}
		res := mustFetch(t, r.options(cache, logs), Request{LastApplied: first})
		if res.Commit != second || string(res.Content) != "b" {
			t.Fatalf("got %s %q, want %s b", res.Commit, res.Content, second)
		}
		if r.srv != nil && r.fetches()-before != 1 {
			t.Errorf("%d upload-pack POSTs, want 1 (no deepening when the parent is cached)", r.fetches()-before)
		}
		if r.srv != nil && r.srv.InfoRefsGETs()-gets != 1 {
			t.Errorf("%d ref advertisements, want 1: the fetch reuses the listing's session", r.srv.InfoRefsGETs()-gets)
		}
		if strings.Contains(logs.String(), "deepening") || strings.Contains(logs.String(), "removing") {
			t.Errorf("unexpected log lines:\n%s", logs)
		}
	})
}

func TestTag(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		v1 := r.repo.Commit(fleet("v1"), "release")
		r.repo.Tag("v1.0.0", v1, "annotated release")
		r.repo.Tag("light", v1, "")
		r.repo.Commit(fleet("v2"), "later")
		for _, ref := range []string{"v1.0.0", "light", "refs/tags/v1.0.0"} {
			o := r.options(t.TempDir(), nil)
			o.Ref = ref
			res := mustFetch(t, o, Request{})
			if res.Commit != v1 || string(res.Content) != "v1" {
				t.Errorf("ref %s: got %s %q, want %s v1", ref, res.Commit, res.Content, v1)
			}
		}
	})
}

func TestPinnedSHA(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		old := r.repo.Commit(fleet("old"), "old")
		tip := r.repo.Commit(fleet("tip"), "tip")
		cache := t.TempDir()
		for _, c := range []struct{ sha, want string }{{old, "old"}, {tip, "tip"}, {old, "old"}} {
			o := r.options(cache, nil)
			o.Ref = c.sha
			res := mustFetch(t, o, Request{})
			if res.Commit != c.sha || string(res.Content) != c.want {
				t.Errorf("sha %s: got %s %q, want %q", c.sha, res.Commit, res.Content, c.want)
			}
		}
		o := r.options(cache, nil)
		o.Ref = old
		before := r.fetches()
		if res := mustFetch(t, o, Request{LastApplied: old}); !res.Unchanged {
			t.Errorf("pinned SHA equal to last applied: got %+v, want unchanged", res)
		}
		if r.fetches() != before {
			t.Error("pinned unchanged SHA caused a fetch")
		}
	})
}

func TestDefaultRefIsRemoteHEAD(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		sha := r.repo.Commit(fleet("a"), "first")
		o := r.options("", nil)
		o.Ref = ""
		if res := mustFetch(t, o, Request{}); res.Commit != sha {
			t.Errorf("got %s, want %s", res.Commit, sha)
		}
	})
}
