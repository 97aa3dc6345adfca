package gitsource

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// checkDescends refuses tip unless it descends from last. The shallow history is deepened
// ten-fold at a time up to MaxDeepen commits.
func (s *Source) checkDescends(ctx context.Context, repo *git.Repository, t target, tip, last plumbing.Hash) error {
	for depth := 1; ; {
		found, complete, err := ancestry(repo.Storer, tip, last)
		switch {
		case err != nil:
			return fmt.Errorf("unable to walk history of %s: %w", tip, err)
		case found:
			return nil
		case complete:
			return fmt.Errorf("unable to accept commit %s: %w %s (a force-push or a rollback; allowing it needs allow-rewind)",
				tip, ErrRewind, last)
		case depth >= s.opts.MaxDeepen:
			return fmt.Errorf("unable to accept commit %s: %w: %s is not among its last %d commits (raise the limit, or allow a rewind)",
				tip, ErrHistoryLimit, last, depth)
		}
		depth = min(depth*10, s.opts.MaxDeepen)
		s.log.Info("deepening shallow history to check that the commit descends from the last applied one",
			"commit", tip.String(), "depth", depth)
		if err := s.fetch(ctx, repo, t, depth); err != nil {
			return err
		}
	}
}

// ancestry walks the local history of tip looking for last. complete reports that no parent
// was missing, so that not finding last is final.
func ancestry(s storer.EncodedObjectStorer, tip, last plumbing.Hash) (found, complete bool, err error) {
	seen := map[plumbing.Hash]bool{tip: true}
	queue := []plumbing.Hash{tip}
	complete = true
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if h == last {
			return true, true, nil
		}
		c, err := object.GetCommit(s, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			complete = false
			continue
		}
		if err != nil {
			return false, false, err
		}
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false, complete, nil
}
