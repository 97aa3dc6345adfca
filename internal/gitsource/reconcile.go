package gitsource

import (
	"context"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

// ReconcileSource adapts a Source to the port reconcile declares.
type ReconcileSource struct{ *Source }

var _ reconcile.Source = ReconcileSource{}

// Fetch implements reconcile.Source.
func (s ReconcileSource) Fetch(ctx context.Context, req reconcile.FetchRequest) (reconcile.Fetched, error) {
	res, err := s.Source.Fetch(ctx, Request{LastApplied: req.LastApplied, Force: req.Force})
	if err != nil {
		return reconcile.Fetched{}, err
	}
	return reconcile.Fetched{Unchanged: res.Unchanged, Commit: res.Commit, Time: res.Time,
		Author: res.Author, Path: s.opts.Path, Spec: res.Content}, nil
}
