package gitsource

import (
	"strings"
	"testing"
)

func TestForcePushRewindRefusedThenAllowed(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		first := r.repo.Commit(fleet("a"), "first")
		applied := r.repo.Commit(fleet("b"), "second")
		cache := t.TempDir()
		mustFetch(t, r.options(cache, nil), Request{LastApplied: first})
		r.repo.Reset(first)
		forced := r.repo.Commit(fleet("c"), "force-pushed")

		_, err := fetch(t, r.options(cache, nil), Request{LastApplied: applied})
		wantErr(t, err, ErrRewind)
		if !strings.Contains(err.Error(), forced) || !strings.Contains(err.Error(), applied) {
			t.Errorf("error %q does not name both commits", err)
		}
		o := r.options(cache, nil)
		o.AllowRewind = true
		if res := mustFetch(t, o, Request{LastApplied: applied}); res.Commit != forced || string(res.Content) != "c" {
			t.Errorf("allowed rewind got %s %q", res.Commit, res.Content)
		}
	})
}

func TestRollbackToOldTagRefused(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		old := r.repo.Commit(fleet("a"), "first")
		r.repo.Tag("v1", old, "old release")
		applied := r.repo.Commit(fleet("b"), "second")
		o := r.options("", nil)
		o.Ref = "v1"
		_, err := fetch(t, o, Request{LastApplied: applied})
		wantErr(t, err, ErrRewind)
	})
}

func TestDeepenFindsDistantLastApplied(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		applied := r.repo.Commit(fleet("start"), "applied")
		r.repo.CommitMany(25, "fleet.yaml")
		for _, cache := range []string{"", t.TempDir()} {
			logs := &logBuffer{}
			res := mustFetch(t, r.options(cache, logs), Request{LastApplied: applied})
			if string(res.Content) != "24" {
				t.Errorf("cache %q: content %q, want 24", cache, res.Content)
			}
			if !strings.Contains(logs.String(), "depth=100") {
				t.Errorf("cache %q: no deepening to 100 logged:\n%s", cache, logs)
			}
		}
	})
}

func TestDeepenLimitIsReported(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		applied := r.repo.Commit(fleet("start"), "applied")
		r.repo.CommitMany(12, "fleet.yaml")
		o := r.options(t.TempDir(), nil)
		o.MaxDeepen = 5
		_, err := fetch(t, o, Request{LastApplied: applied})
		wantErr(t, err, ErrHistoryLimit)
		if !strings.Contains(err.Error(), "last 5 commits") {
			t.Errorf("error %q does not state the bound", err)
		}
	})
}

func TestDescendantOfMergeBranch(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	base := r.repo.Commit(fleet("a"), "base")
	r.repo.Branch("feature", base)
	applied := r.repo.Commit(fleet("b"), "main work")
	tip := r.repo.Commit(fleet("c"), "more")
	res := mustFetch(t, r.options("", nil), Request{LastApplied: applied})
	if res.Commit != tip {
		t.Fatalf("got %s, want %s", res.Commit, tip)
	}
	o := r.options("", nil)
	o.Ref = "feature"
	_, err := fetch(t, o, Request{LastApplied: applied})
	wantErr(t, err, ErrRewind)
}
