package gitsource

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	t.Log(err)
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	if !strings.HasPrefix(err.Error(), "unable to ") {
		t.Errorf("error %q lacks the 'unable to' prefix", err)
	}
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	r.repo.Commit(fleet("a"), "first")
	for _, auth := range []Auth{{Username: r.srv.User, Password: "wrong-password"}, {}} {
		r.auth = auth
		cache := t.TempDir()
		_, err := fetch(t, r.options(cache, nil), Request{})
		wantErr(t, err, ErrAuthFailed)
		if entries, _ := os.ReadDir(cache); len(entries) != 0 {
			t.Errorf("cache holds %v after a failed fetch", entries)
		}
	}
}

func TestMissingRef(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		r.repo.Commit(fleet("a"), "first")
		for _, ref := range []string{"nope", "refs/heads/nope", strings.Repeat("ab", 20)} {
			o := r.options(t.TempDir(), nil)
			o.Ref = ref
			_, err := fetch(t, o, Request{})
			wantErr(t, err, ErrRefNotFound)
		}
	})
}

func TestMissingPath(t *testing.T) {
	t.Parallel()
	eachRemote(t, func(t *testing.T, r remote) {
		sha := r.repo.Commit(map[string]string{"fleet.yaml": "a", "dir/x.yaml": "x"}, "first")
		for _, p := range []string{"missing.yaml", "dir", "dir/missing.yaml"} {
			o := r.options(t.TempDir(), nil)
			o.Path = p
			_, err := fetch(t, o, Request{})
			wantErr(t, err, ErrPathNotFound)
			if !strings.Contains(err.Error(), sha) || !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the path and commit", err)
			}
		}
		o := r.options("", nil)
		o.Path = "./dir/x.yaml"
		if res := mustFetch(t, o, Request{}); string(res.Content) != "x" {
			t.Errorf("dir/x.yaml = %q", res.Content)
		}
	})
}

func TestServerDown(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	r.repo.Commit(fleet("a"), "first")
	r.srv.Close()
	_, err := fetch(t, r.options(t.TempDir(), nil), Request{})
	wantErr(t, err, ErrUnreachable)
}

func TestNotARepository(t *testing.T) {
	t.Parallel()
	plain := t.TempDir()
	srv := gitserver.NewServer(t)
	for _, url := range []string{plain, "file://" + plain, filepath.Join(plain, "gone"), srv.URL("gone.git")} {
		o := Options{URL: url, Ref: "main", CacheDir: t.TempDir(), Auth: Auth{Username: srv.User, Password: srv.Password}}
		_, err := fetch(t, o, Request{})
		wantErr(t, err, ErrNotRepository)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	r.repo.Commit(fleet("a"), "first")
	r.srv.Hang.Store(true)
	o := r.options(t.TempDir(), nil)
	o.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := fetch(t, o, Request{})
	wantErr(t, err, ErrTimeout)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

func TestFailedFetchLeavesNoHalfClone(t *testing.T) {
	t.Parallel()
	r := newRemote(t, "http")
	first := r.repo.Commit(fleet("a"), "first")
	cache := t.TempDir()
	r.srv.FailUploadPack.Store(true)
	if _, err := fetch(t, r.options(cache, nil), Request{}); err == nil {
		t.Fatal("fetch succeeded although upload-pack failed")
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Fatalf("cache holds %v after a failed first fetch", entries)
	}
	r.srv.FailUploadPack.Store(false)
	mustFetch(t, r.options(cache, nil), Request{})
	r.repo.Commit(fleet("b"), "second")
	r.srv.FailUploadPack.Store(true)
	logs := &logBuffer{}
	if _, err := fetch(t, r.options(cache, logs), Request{LastApplied: first}); err == nil {
		t.Fatal("fetch succeeded although upload-pack failed")
	}
	if _, err := os.Stat(filepath.Join(cache, cacheRepoDir, "HEAD")); err != nil {
		t.Fatalf("a server error removed the cache: %v", err)
	}
	r.srv.FailUploadPack.Store(false)
	if res := mustFetch(t, r.options(cache, logs), Request{LastApplied: first}); string(res.Content) != "b" {
		t.Fatalf("content %q after recovery", res.Content)
	}
	if strings.Contains(logs.String(), "removing") {
		t.Errorf("a failed fetch damaged the cache:\n%s", logs)
	}
}

func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	key := filepath.Join(t.TempDir(), "id")
	gitserver.Git(t, "", "version") // git is needed by every other test anyway
	for name, o := range map[string]Options{
		"empty url":       {},
		"path escapes":    {URL: "/r", Path: "../x"},
		"ssh without key": {URL: "ssh://git@example.com/r.git"},
		"ssh bad key":     {URL: "git@example.com:r.git", Auth: Auth{SSHKeyFile: key}},
		"bad keyring":     {URL: "/r", TrustedKeys: []byte("not a key")},
	} {
		if _, err := New(o); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s: error %v, want ErrInvalidOption", name, err)
		}
	}
}
