package gitsource

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// remote is one way of reaching a test repository.
type remote struct {
	kind string // "path", "file", "http" or "ssh"
	repo *gitserver.Repo
	url  string
	auth Auth
	srv  *gitserver.Server // nil for local transports
}

var kinds = []string{"path", "file", "http", "ssh"}

// eachRemote runs fn over a fresh repository for every transport.
func eachRemote(t *testing.T, fn func(t *testing.T, r remote)) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, newRemote(t, kind))
		})
	}
}

func newRemote(t *testing.T, kind string) remote {
	t.Helper()
	if kind == "http" {
		srv := gitserver.NewServer(t)
		r := srv.NewRepo(t, "fleet.git")
		return remote{kind: kind, repo: r, url: srv.URL("fleet.git"), srv: srv,
			auth: Auth{Username: srv.User, Password: srv.Password}}
	}
	root := t.TempDir()
	r := gitserver.NewRepo(t, filepath.Join(root, "fleet.git"))
	if kind == "ssh" {
		key, pub := gitserver.WriteSSHKey(t, "")
		srv := gitserver.NewSSHServer(t, root, pub)
		known := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(known, []byte(srv.KnownHosts()), 0o600); err != nil {
			t.Fatal(err)
		}
		return remote{kind: kind, repo: r, url: srv.URL("fleet.git"),
			auth: Auth{SSHKeyFile: key, KnownHostsFile: known}}
	}
	if kind == "file" {
		return remote{kind: kind, repo: r, url: r.FileURL()}
	}
	return remote{kind: kind, repo: r, url: r.Bare}
}

// fetches is the number of upload-pack POSTs so far (-1 when the transport cannot tell).
func (r remote) fetches() int64 {
	if r.srv == nil {
		return -1
	}
	return r.srv.UploadPackPOSTs()
}

// logBuffer collects log lines; safe for the parallel use tests make of it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// options are the Options for r with a cache dir (empty cache means in memory).
func (r remote) options(cache string, logs *logBuffer) Options {
	o := Options{URL: r.url, Ref: "main", CacheDir: cache, Auth: r.auth}
	if logs != nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return o
}

func mustFetch(t *testing.T, o Options, req Request) Result {
	t.Helper()
	res, err := fetch(t, o, req)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return res
}

func fetch(t *testing.T, o Options, req Request) (Result, error) {
	t.Helper()
	src, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return src.Fetch(context.Background(), req)
}

func fleet(v string) map[string]string { return map[string]string{"fleet.yaml": v} }
