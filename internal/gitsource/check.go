package gitsource

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// check verifies the signature and the ancestry of c, then reads the file.
func (s *Source) check(ctx context.Context, repo *git.Repository, t target, c *object.Commit, last string) (Result, error) {
	res := Result{
		Commit: c.Hash.String(),
		Time:   c.Committer.When,
		Author: c.Author.Name + " <" + c.Author.Email + ">",
	}
	var err error
	if res.SignedBy, err = s.verify(c); err != nil {
		return Result{}, err
	}
	if last != "" && !s.opts.AllowRewind {
		if err := s.checkDescends(ctx, repo, t, c.Hash, plumbing.NewHash(last)); err != nil {
			return Result{}, err
		}
	}
	if res.Content, err = s.content(c); err != nil {
		return Result{}, err
	}
	s.log.Info("fetched fleet spec", "commit", res.Commit, "path", s.path, "repo", s.remote.clean)
	return res, nil
}

// verify checks the commit's OpenPGP signature against the trusted keys, if any, and returns
// the signing key's ID.
func (s *Source) verify(c *object.Commit) (string, error) {
	if len(s.opts.TrustedKeys) == 0 {
		return "", nil
	}
	if c.PGPSignature == "" {
		return "", fmt.Errorf("unable to verify commit %s: %w", c.Hash, ErrUnsigned)
	}
	e, err := c.Verify(string(s.opts.TrustedKeys))
	if err != nil {
		return "", fmt.Errorf("unable to verify commit %s: %w: %s", c.Hash, ErrUntrusted, err)
	}
	return e.PrimaryKey.KeyIdString(), nil
}

func (s *Source) content(c *object.Commit) ([]byte, error) {
	f, err := c.File(s.path)
	if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, fmt.Errorf("unable to read %s at commit %s: %w", s.path, c.Hash, ErrPathNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read %s at commit %s: %w", s.path, c.Hash, err)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, fmt.Errorf("unable to read %s at commit %s: %w", s.path, c.Hash, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("unable to read %s at commit %s: %w", s.path, c.Hash, err)
	}
	return b, nil
}
