// Package gitserver serves real Git repositories to tests: bare repositories created with the
// system git, served over HTTP by `git http-backend` (net/http/cgi, in-process, 127.0.0.1 only)
// behind basic auth, plus helpers that make commits, tags, force pushes and signed commits.
package gitserver

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// HTTPBackend is the system git's smart HTTP server.
const HTTPBackend = "/usr/lib/git-core/git-http-backend"

// Default credentials accepted by a Server.
const (
	User     = "deploy-token"
	Password = "glpat-s3cr3tT0kenValue"
)

// Server serves every bare repository under Root over smart HTTP with basic auth.
type Server struct {
	Root     string
	User     string
	Password string

	// FailUploadPack makes fetches fail after the ref advertisement (HTTP 500).
	FailUploadPack atomic.Bool
	// Hang makes every request wait until the client gives up.
	Hang atomic.Bool

	srv         *httptest.Server
	uploadPacks atomic.Int64
	infoRefs    atomic.Int64
}

// NewServer starts a server on 127.0.0.1 with the default credentials; it stops when the test
// ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{Root: t.TempDir(), User: User, Password: Password}
	backend := &cgi.Handler{
		Path: HTTPBackend,
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.Root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
		},
	}
	s.srv = httptest.NewServer(s.handler(backend))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) handler(backend http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Hang.Load() {
			<-r.Context().Done()
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || user != s.User || pass != s.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-upload-pack"):
			s.uploadPacks.Add(1)
			if s.FailUploadPack.Load() {
				http.Error(w, "upload-pack failed", http.StatusInternalServerError)
				return
			}
		case strings.HasSuffix(r.URL.Path, "/info/refs"):
			s.infoRefs.Add(1)
		}
		backend.ServeHTTP(w, r)
	})
}

// URL is the address of the repository name (for example "fleet.git"), without credentials.
func (s *Server) URL(name string) string { return s.srv.URL + "/" + name }

// URLWithAuth is URL with the server's credentials as userinfo, for the git command line.
func (s *Server) URLWithAuth(name string) string {
	return strings.Replace(s.URL(name), "://", "://"+s.User+":"+s.Password+"@", 1)
}

// UploadPackPOSTs counts fetches: POST requests to git-upload-pack that passed auth.
func (s *Server) UploadPackPOSTs() int64 { return s.uploadPacks.Load() }

// InfoRefsGETs counts ref advertisements (ls-remote and the first step of every fetch).
func (s *Server) InfoRefsGETs() int64 { return s.infoRefs.Load() }

// Close stops the server; a URL of a closed server refuses connections.
func (s *Server) Close() { s.srv.Close() }

// NewRepo creates the bare repository Root/name with a work tree beside it.
func (s *Server) NewRepo(t testing.TB, name string) *Repo {
	t.Helper()
	return NewRepo(t, s.Root+"/"+name)
}
