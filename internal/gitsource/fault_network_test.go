package gitsource

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// cuttingProxy is a TCP proxy on 127.0.0.1 that, while cut is set, closes each connection
// after passing limit bytes from the server: a git server that dies mid-fetch.
type cuttingProxy struct {
	ln     net.Listener
	target string
	limit  int64
	cut    atomic.Bool
	cuts   atomic.Int64
}

func newCuttingProxy(t *testing.T, target string, limit int64) *cuttingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttingProxy{ln: ln, target: target, limit: limit}
	t.Cleanup(func() { ln.Close() })
	go p.accept()
	return p
}

func (p *cuttingProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

func (p *cuttingProxy) serve(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	go func() { _, _ = io.Copy(s, c) }()
	sent, buf := int64(0), make([]byte, 4096)
	for {
		n, err := s.Read(buf)
		if p.cut.Load() {
			if sent += int64(n); sent > p.limit { // kept-alive connections die too
				p.cuts.Add(1)
				return
			}
		}
		if _, werr := c.Write(buf[:n]); werr != nil || err != nil {
			return
		}
	}
}

// bigCommit commits fleet.yaml with v and 256 KiB of incompressible data, so that a fetch
// of it is a pack far larger than any ref advertisement.
func bigCommit(r *gitserver.Repo, v string) string {
	noise := make([]byte, 128<<10)
	_, _ = rand.Read(noise)
	return r.Commit(map[string]string{"fleet.yaml": v, "noise.txt": hex.EncodeToString(noise)}, v)
}

// TestFaultServerDiesMidFetch: the connection is cut 16 KiB into the pack. Fetch fails with a
// clear error that names the repository without credentials, the cache keeps the last good
// commit, and the next fetch, with the server back, gets the new one.
func TestFaultServerDiesMidFetch(t *testing.T) {
	srv := gitserver.NewServer(t)
	repo := srv.NewRepo(t, "fleet.git")
	first := bigCommit(repo, "version: 1 # first")
	u, _ := url.Parse(srv.URL("fleet.git"))
	proxy := newCuttingProxy(t, u.Host, 16<<10)
	opts := Options{URL: "http://" + proxy.ln.Addr().String() + "/fleet.git", Ref: "main", CacheDir: t.TempDir(),
		Auth: Auth{Username: srv.User, Password: srv.Password}}
	if res := mustFetch(t, opts, Request{}); res.Commit != first {
		t.Fatalf("first fetch: %s", res.Commit)
	}
	second := bigCommit(repo, "version: 1 # second")
	proxy.cut.Store(true)
	_, err := fetch(t, opts, Request{LastApplied: first})
	if err == nil || proxy.cuts.Load() == 0 {
		t.Fatalf("fetch through a dying server: err %v, cuts %d", err, proxy.cuts.Load())
	}
	if !strings.HasPrefix(err.Error(), "unable to fetch") || strings.Contains(err.Error(), srv.Password) {
		t.Errorf("error is unclear or holds the password: %v", err)
	}
	t.Logf("dying server: %v", err)
	proxy.cut.Store(false)
	res := mustFetch(t, opts, Request{LastApplied: first})
	if res.Commit != second || string(res.Content) != "version: 1 # second" {
		t.Fatalf("after the server came back: %s %q", res.Commit, res.Content)
	}
}

// TestFaultTruncatedPack: the server answers upload-pack with a complete HTTP response whose
// pack is cut short. Fetch fails clearly and the next good answer converges.
func TestFaultTruncatedPack(t *testing.T) {
	srv := gitserver.NewServer(t)
	repo := srv.NewRepo(t, "fleet.git")
	first := bigCommit(repo, "version: 1 # first")
	var truncate atomic.Bool
	target, _ := url.Parse(srv.URL(""))
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(r *http.Response) error {
		if !truncate.Load() || !strings.HasSuffix(r.Request.URL.Path, "/git-upload-pack") {
			return nil
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		b = b[:len(b)*2/3]
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		r.Header.Del("Transfer-Encoding")
		return nil
	}
	front := httptest.NewServer(rp)
	t.Cleanup(front.Close)
	opts := Options{URL: front.URL + "/fleet.git", Ref: "main", CacheDir: t.TempDir(),
		Auth: Auth{Username: srv.User, Password: srv.Password}}
	mustFetch(t, opts, Request{})
	second := bigCommit(repo, "version: 1 # second")
	truncate.Store(true)
	_, err := fetch(t, opts, Request{LastApplied: first})
	if err == nil || !strings.HasPrefix(err.Error(), "unable to fetch") || strings.Contains(err.Error(), srv.Password) {
		t.Fatalf("truncated pack: err = %v", err)
	}
	t.Logf("truncated pack: %v", err)
	truncate.Store(false)
	if res := mustFetch(t, opts, Request{LastApplied: first}); res.Commit != second || string(res.Content) != "version: 1 # second" {
		t.Fatalf("after a good answer: %s %q", res.Commit, res.Content)
	}
}
