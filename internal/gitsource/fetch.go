package gitsource

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// verdicts are failures that are answers about the commit, not faults of the cache.
var verdicts = []error{ErrPathNotFound, ErrUnsigned, ErrUntrusted, ErrRewind, ErrHistoryLimit, ErrInvalidOption}

func isVerdict(err error) bool {
	for _, v := range verdicts {
		if errors.Is(err, v) {
			return true
		}
	}
	return false
}

// Fetch resolves the ref on the remote and returns the file at that commit, or an Unchanged
// result when the remote is at req.LastApplied and req.Force is not set.
func (s *Source) Fetch(ctx context.Context, req Request) (Result, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	defer func() { s.sess.close(); s.sess = nil }()
	t, err := s.resolve(ctx)
	if err != nil {
		return Result{}, err
	}
	last := strings.ToLower(req.LastApplied)
	if last != "" && !req.Force && t.hash.String() == last {
		s.log.Debug("remote unchanged since the last applied commit", "commit", last)
		return Result{Commit: last, Unchanged: true}, nil
	}
	res, fresh, err := s.fetchInto(ctx, t, last)
	if err != nil && !fresh && !isRemote(err) && !isVerdict(err) {
		s.dropCache(err)
		res, _, err = s.fetchInto(ctx, t, last)
	}
	return res, err
}

// fetchInto fetches t into the store and checks it. fresh reports whether the store was
// new, so that a failure cannot be blamed on an old cache.
func (s *Source) fetchInto(ctx context.Context, t target, last string) (res Result, fresh bool, err error) {
	st, err := s.openStore()
	if err != nil {
		return Result{}, true, err
	}
	defer st.discard()
	c, err := s.fetchCommit(ctx, st.repo, t)
	if err != nil {
		return Result{}, st.fresh(), err
	}
	res, err = s.check(ctx, st.repo, t, c, last)
	if err != nil && !isRemote(err) && !isVerdict(err) {
		return Result{}, st.fresh(), err
	}
	if kerr := st.keep(); kerr != nil {
		return Result{}, true, kerr
	}
	return res, st.fresh(), err
}

// fetchCommit makes the commit of t available locally, fetching it at depth 1 if needed.
func (s *Source) fetchCommit(ctx context.Context, repo *git.Repository, t target) (*object.Commit, error) {
	if c, err := peel(repo, t.hash); err == nil {
		return c, nil
	}
	if err := s.fetch(ctx, repo, t, 1); err != nil {
		return nil, err
	}
	h := t.hash
	if t.name != "" { // the ref may have moved since it was listed: take what was fetched
		if r, err := repo.Storer.Reference(t.localName()); err == nil {
			h = r.Hash()
		}
	}
	c, err := peel(repo, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && t.name == "" {
		return nil, fmt.Errorf("unable to fetch commit %s from %s: %w: no branch or tag contains it",
			t.hash, s.remote.clean, ErrRefNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read commit %s: %w", h, err)
	}
	return c, nil
}

// fetch fetches t with the given history depth. A pinned SHA that the server will not serve
// directly is looked up in a full fetch of every branch and tag.
func (s *Source) fetch(ctx context.Context, repo *git.Repository, t target, depth int) error {
	if depth == 1 && t.name != "" && s.sess != nil && s.sess.up != nil {
		return s.fetchOnSession(ctx, repo, t)
	}
	err := s.fetchSpecs(ctx, repo, depth, t.refSpec())
	if err == nil || t.name != "" || !errors.Is(err, errRemoteOther) {
		return err // only a refusal of the SHA itself is worth a full fetch
	}
	s.log.Info("server does not serve commits by SHA; fetching all branches and tags",
		"commit", t.hash.String())
	err = s.fetchSpecs(ctx, repo, math.MaxInt32,
		"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
	if err != nil {
		return err
	}
	if _, err := peel(repo, t.hash); err == nil {
		return repo.Storer.SetReference(plumbing.NewHashReference(t.localName(), t.hash))
	}
	return nil
}

// fetchOnSession fetches a listed ref on the session its listing opened and points the
// cache's ref at it as a refspec fetch would. It asks for the ref's own object (an annotated
// tag, not the commit it peels to: a server serves advertised tips only).
func (s *Source) fetchOnSession(ctx context.Context, repo *git.Repository, t target) error {
	tip, err := s.sess.tip(t.name)
	if err == nil {
		err = s.sess.fetch(ctx, repo, tip)
	}
	if err != nil {
		return s.failure(ctx, "fetch "+s.remote.clean, err)
	}
	return repo.Storer.SetReference(plumbing.NewHashReference(t.localName(), tip))
}

func (s *Source) fetchSpecs(ctx context.Context, repo *git.Repository, depth int, specs ...config.RefSpec) error {
	err := repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", RefSpecs: specs, Depth: depth,
		Auth: s.auth, Tags: git.NoTags, Force: true,
	})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return s.failure(ctx, "fetch "+s.remote.clean, err)
}
