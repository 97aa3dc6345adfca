// Package reconcile runs the steps that make the world match fleet.yaml: fetch, parse,
// resolve secrets, render, diff, plan/apply and record. It declares the small interfaces it
// needs and never imports go-git, terraform-exec or the AWS SDK itself; cmd/runnerfleet wires
// in the real adapters.
package reconcile

import (
	"context"
	"time"
)

// Source fetches fleet.yaml from the config repository.
type Source interface {
	// Fetch returns the spec at the configured ref. When the remote head equals
	// req.LastApplied and req.Force is false it may return Unchanged without fetching anything.
	Fetch(ctx context.Context, req FetchRequest) (Fetched, error)
}

// Fetched is one commit's fleet.yaml.
type Fetched struct {
	Unchanged bool // the remote head equals lastApplied; nothing else is set but Commit
	Commit    string
	Time      time.Time
	Author    string
	Path      string // path of fleet.yaml inside the repository, for diagnostics
	Spec      []byte
}

// Terraform runs Terraform in one working directory.
type Terraform interface {
	// Init runs terraform init when the directory was never initialised or its backend or
	// providers changed since the last init.
	Init(ctx context.Context) error
	// Plan writes a plan to planFile and reports whether it has changes.
	Plan(ctx context.Context, planFile string) (changes bool, err error)
	// Show summarises a saved plan.
	Show(ctx context.Context, planFile string) (PlanSummary, error)
	// Apply applies exactly the saved plan.
	Apply(ctx context.Context, planFile string) error
}

// PlanSummary is what a plan would do.
type PlanSummary struct {
	Add, Change, Destroy int
	Resources            []ResourceChange // sorted by address
}

// ResourceChange is one resource a plan touches.
type ResourceChange struct {
	Address string
	Action  string // create, update, delete, replace or read
}
