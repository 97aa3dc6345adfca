// Package gitlabapi talks to the GitLab REST API (v4) through
// gitlab.com/gitlab-org/api/client-go/v2. Today: the one sticky merge request note that holds
// runnerfleet's plan, split over several notes when it is longer than GitLab allows.
package gitlabapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	gitlab "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/runnerfleet/runnerfleet/internal/report"
)

// Config says which merge request gets the note. In CI: CI_API_V4_URL, CI_PROJECT_ID and
// CI_MERGE_REQUEST_IID; the token needs the api scope and at least the Reporter role.
type Config struct {
	APIURL     string // https://gitlab.example.com/api/v4
	Token      string // secret: never printed
	ProjectID  string // numeric ID or "group/project"
	MRIID      int64
	Limit      int          // most characters per note; 0 means report.GitLabNoteLimit
	HTTPClient *http.Client // nil: the client's default
	Logger     *slog.Logger // nil discards
}

// Notes keeps one merge request's plan note up to date.
type Notes struct {
	cfg    Config
	client *gitlab.Client
	log    *slog.Logger
}

// ErrUnauthorized and ErrNotFound classify the API's refusals.
var (
	ErrUnauthorized = errors.New("GitLab refused the token (401): check RUNNERFLEET_GITLAB_TOKEN or --gitlab-token-file; it needs the api scope")
	ErrForbidden    = errors.New("GitLab forbade the request (403): the token's user needs at least the Reporter role on the project")
	ErrNotFound     = errors.New("GitLab found no such project or merge request (404): check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the token can see the project")
)

// New prepares a client; it makes no request.
func New(cfg Config) (*Notes, error) {
	if cfg.APIURL == "" || cfg.ProjectID == "" || cfg.MRIID <= 0 {
		return nil, errors.New("unable to configure the GitLab client: the API URL, project and merge request IID are all needed (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID)")
	}
	if cfg.Token == "" {
		return nil, errors.New("unable to configure the GitLab client: no token (RUNNERFLEET_GITLAB_TOKEN or --gitlab-token-file)")
	}
	if cfg.Limit <= 0 {
		cfg.Limit = report.GitLabNoteLimit
	}
	opts := []gitlab.ClientOptionFunc{gitlab.WithBaseURL(cfg.APIURL), gitlab.WithCustomRetryMax(2)}
	if cfg.HTTPClient != nil {
		opts = append(opts, gitlab.WithHTTPClient(cfg.HTTPClient))
	}
	client, err := gitlab.NewClient(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("unable to configure the GitLab client: %s", scrub(err.Error(), cfg.Token))
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notes{cfg: cfg, client: client, log: log}, nil
}

// markerPrefix starts the hidden first line of every part of the plan note.
const markerPrefix = "<!-- runnerfleet-plan part "

var markerLine = regexp.MustCompile(`^<!-- runnerfleet-plan part (\d+) -->`)

// Marker is the hidden first line of part i (from 1).
func Marker(i int) string { return markerPrefix + strconv.Itoa(i) + " -->\n" }

// Result says what Publish did.
type Result struct {
	Parts                     int
	Created, Updated, Deleted []int64 // note IDs
}

// Publish splits markdown into notes of at most the limit and writes them: part i edits the
// earlier note of part i in place (or is created), and notes of parts past the last one, left
// by a longer earlier plan, are deleted.
func (n *Notes) Publish(ctx context.Context, markdown string) (Result, error) {
	parts, err := report.Split(markdown, n.cfg.Limit, Marker)
	if err != nil {
		return Result{}, err
	}
	existing, err := n.ours(ctx)
	if err != nil {
		return Result{}, err
	}
	res := Result{Parts: len(parts)}
	for i, body := range parts {
		if err := n.write(ctx, existing[i+1], body, &res); err != nil {
			return res, err
		}
		delete(existing, i+1)
	}
	for _, part := range sortedParts(existing) {
		for _, id := range existing[part] {
			if err := n.remove(ctx, id); err != nil {
				return res, err
			}
			res.Deleted = append(res.Deleted, id)
		}
	}
	return res, nil
}

// write edits the first note of a part (deleting duplicates a race may have left) or creates it.
func (n *Notes) write(ctx context.Context, ids []int64, body string, res *Result) error {
	if len(ids) == 0 {
		note, _, err := n.client.Notes.CreateMergeRequestNote(n.cfg.ProjectID, n.cfg.MRIID,
			&gitlab.CreateMergeRequestNoteOptions{Body: &body}, gitlab.WithContext(ctx))
		if err != nil {
			return n.apiError("create the plan note", err)
		}
		res.Created = append(res.Created, note.ID)
		n.log.Info("plan note created", "note", note.ID)
		return nil
	}
	_, _, err := n.client.Notes.UpdateMergeRequestNote(n.cfg.ProjectID, n.cfg.MRIID, ids[0],
		&gitlab.UpdateMergeRequestNoteOptions{Body: &body}, gitlab.WithContext(ctx))
	if err != nil {
		return n.apiError("update the plan note", err)
	}
	res.Updated = append(res.Updated, ids[0])
	n.log.Info("plan note updated", "note", ids[0])
	for _, dup := range ids[1:] {
		if err := n.remove(ctx, dup); err != nil {
			return err
		}
		res.Deleted = append(res.Deleted, dup)
	}
	return nil
}

func (n *Notes) remove(ctx context.Context, id int64) error {
	_, err := n.client.Notes.DeleteMergeRequestNote(n.cfg.ProjectID, n.cfg.MRIID, id, gitlab.WithContext(ctx))
	if err != nil && !errors.Is(err, gitlab.ErrNotFound) {
		return n.apiError("delete a stale plan note", err)
	}
	n.log.Info("stale plan note deleted", "note", id)
	return nil
}

// ours lists the merge request's notes (every page) and keeps runnerfleet's plan parts: part
// number → note IDs, oldest first.
func (n *Notes) ours(ctx context.Context) (map[int][]int64, error) {
	out := map[int][]int64{}
	opt := &gitlab.ListMergeRequestNotesOptions{ListOptions: gitlab.ListOptions{PerPage: 100, Page: 1},
		OrderBy: gitlab.Ptr("created_at"), Sort: gitlab.Ptr("asc")}
	for {
		notes, resp, err := n.client.Notes.ListMergeRequestNotes(n.cfg.ProjectID, n.cfg.MRIID, opt, gitlab.WithContext(ctx))
		if err != nil {
			return nil, n.apiError("list the merge request's notes", err)
		}
		for _, note := range notes {
			if m := markerLine.FindStringSubmatch(note.Body); m != nil && !note.System {
				part, _ := strconv.Atoi(m[1])
				out[part] = append(out[part], note.ID)
			}
		}
		if resp == nil || resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func sortedParts(m map[int][]int64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// apiError names what failed and why, in words a CI log reader can act on; the token is
// never part of it.
func (n *Notes) apiError(what string, err error) error {
	var resp *gitlab.ErrorResponse
	switch {
	case errors.Is(err, gitlab.ErrNotFound):
		err = ErrNotFound
	case errors.As(err, &resp) && resp.StatusCode == http.StatusUnauthorized:
		err = ErrUnauthorized
	case errors.As(err, &resp) && resp.StatusCode == http.StatusForbidden:
		err = ErrForbidden
	default:
		err = errors.New(scrub(err.Error(), n.cfg.Token))
	}
	return fmt.Errorf("unable to %s on merge request !%d of project %s: %w", what, n.cfg.MRIID, n.cfg.ProjectID, err)
}

func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}
