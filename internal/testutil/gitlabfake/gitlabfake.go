// Package gitlabfake is an in-process fake of the GitLab REST API v4 routes runnerfleet uses:
// a merge request's notes (list with offset pagination, create, update, delete), behind
// PRIVATE-TOKEN auth. Tests drive it through the real client-go.
package gitlabfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Token is the only token the fake accepts unless Server.Token is changed.
const Token = "glpat-FAKE-secret-token-value"

// Note is a stored note.
type Note struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	System bool   `json:"system"`
	Author struct {
		Username string `json:"username"`
	} `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// Server is the fake. Project and MR say which merge request exists; others give 404.
type Server struct {
	URL     string // the API base: <server>/api/v4
	Token   string
	Project string
	MR      int64
	// MaxPerPage caps per_page (GitLab: 100), so tests can page with few notes.
	MaxPerPage int
	// FailStatus, when not zero, answers every request with this status.
	FailStatus int

	mu     sync.Mutex
	notes  []Note
	nextID int64
	calls  map[string]int
	srv    *httptest.Server
}

// New starts a fake for project "42", merge request 7; it stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{Token: Token, Project: "42", MR: 7, MaxPerPage: 100, nextID: 1000, calls: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/api/v4"
	t.Cleanup(s.srv.Close)
	return s
}

var (
	notesPath = regexp.MustCompile(`^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes$`)
	notePath  = regexp.MustCompile(`^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)$`)
)

// AddNote stores a note as if someone else (or an earlier run) had written it.
func (s *Server) AddNote(body string, system bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(body, system, "someone")
}

func (s *Server) add(body string, system bool, user string) int64 {
	s.nextID++
	n := Note{ID: s.nextID, Body: body, System: system, CreatedAt: time.Unix(s.nextID, 0).UTC()}
	n.Author.Username = user
	s.notes = append(s.notes, n)
	return n.ID
}

// Notes returns the stored notes, oldest first.
func (s *Server) Notes() []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Note(nil), s.notes...)
}

// Calls counts requests by "METHOD route", such as "GET notes" or "PUT note".
func (s *Server) Calls(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[key]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.FailStatus != 0 {
		writeError(w, s.FailStatus, http.StatusText(s.FailStatus))
		return
	}
	if r.Header.Get("PRIVATE-TOKEN") != s.Token {
		writeError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	if m := notesPath.FindStringSubmatch(r.URL.Path); m != nil && s.exists(m[1], m[2]) {
		s.calls[r.Method+" notes"]++
		s.collection(w, r)
		return
	}
	if m := notePath.FindStringSubmatch(r.URL.Path); m != nil && s.exists(m[1], m[2]) {
		s.calls[r.Method+" note"]++
		id, _ := strconv.ParseInt(m[3], 10, 64)
		s.single(w, r, id)
		return
	}
	writeError(w, http.StatusNotFound, "404 Not Found")
}

func (s *Server) exists(project, mr string) bool {
	return project == s.Project && mr == strconv.FormatInt(s.MR, 10)
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.list(w, r)
	case http.MethodPost:
		body, ok := readBody(w, r)
		if ok {
			id := s.add(body, false, "runnerfleet-bot")
			writeJSON(w, http.StatusCreated, s.notes[s.index(id)])
		}
	default:
		writeError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	}
}

// list pages like GitLab: page and per_page (default 20, at most MaxPerPage), X-Next-Page empty on
// the last page.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	page, per := atoiDefault(r.URL.Query().Get("page"), 1), atoiDefault(r.URL.Query().Get("per_page"), 20)
	per = min(per, s.MaxPerPage)
	sorted := append([]Note(nil), s.notes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	if r.URL.Query().Get("sort") == "desc" {
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID > sorted[j].ID })
	}
	from, to := min((page-1)*per, len(sorted)), min(page*per, len(sorted))
	next := ""
	if to < len(sorted) {
		next = strconv.Itoa(page + 1)
	}
	w.Header().Set("X-Page", strconv.Itoa(page))
	w.Header().Set("X-Per-Page", strconv.Itoa(per))
	w.Header().Set("X-Next-Page", next)
	w.Header().Set("X-Total", strconv.Itoa(len(sorted)))
	w.Header().Set("X-Total-Pages", strconv.Itoa((len(sorted)+per-1)/max(per, 1)))
	writeJSON(w, http.StatusOK, sorted[from:to])
}

func (s *Server) single(w http.ResponseWriter, r *http.Request, id int64) {
	i := s.index(id)
	if i < 0 {
		writeError(w, http.StatusNotFound, "404 Not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, s.notes[i])
	case http.MethodPut:
		if body, ok := readBody(w, r); ok {
			s.notes[i].Body = body
			writeJSON(w, http.StatusOK, s.notes[i])
		}
	case http.MethodDelete:
		s.notes = append(s.notes[:i], s.notes[i+1:]...)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	}
}

func (s *Server) index(id int64) int {
	for i, n := range s.notes {
		if n.ID == id {
			return i
		}
	}
	return -1
}

// readBody accepts the JSON body client-go sends; GitLab refuses a note over 1,000,000
// characters, and so does the fake.
func readBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == nil || *in.Body == "" {
		writeError(w, http.StatusBadRequest, "400 Bad request - body is missing")
		return "", false
	}
	if n := len([]rune(*in.Body)); n > 1_000_000 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Note is too long (maximum is 1000000 characters), got %d", n))
		return "", false
	}
	return *in.Body, true
}

func atoiDefault(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}
