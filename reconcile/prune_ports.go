package reconcile

import (
	"context"
	"time"
)

// Kinds of EC2 objects pruning looks after.
const (
	KindInstance    = "instance"
	KindSpotRequest = "spot-request"
	KindFleet       = "fleet"
	KindKeyPair     = "key-pair"
	KindWorkspace   = "workspace" // a driver workspace (machine directory), not an EC2 object
)

// Tags the worker template puts on every AWS object it creates.
const (
	TagFleet   = "runnerfleet:fleet"
	TagManager = "runnerfleet:manager"
	TagMachine = "runnerfleet:machine"
	TagRole    = "runnerfleet:role" // "manager" on the managers themselves
	// TagEC2Fleet is set by EC2 on the instances an EC2 fleet launches.
	TagEC2Fleet = "aws:ec2:fleet-id"
)

// Cloud lists and removes a fleet's worker objects in EC2.
type Cloud interface {
	// ListWorkers lists, with pagination, the instances (pending, running, stopping, stopped),
	// open and active spot requests, EC2 fleets (not deleted) and key pairs tagged
	// runnerfleet:fleet=q.Fleet that carry a runnerfleet:machine tag, and only those of
	// q.Manager when set. (EC2 lists no instant fleets; pruning learns them from their
	// instances' aws:ec2:fleet-id tag.)
	ListWorkers(ctx context.Context, q WorkerQuery) (CloudObjects, error)
	// Remove terminates instances (batches of 1000), cancels spot requests, deletes fleets
	// terminating their instances, or deletes key pairs (kind says which). Objects EC2 no
	// longer knows count as removed. Failed ones are in the result, with EC2's reason.
	Remove(ctx context.Context, kind string, ids []string) (RemoveResult, error)
}

// WorkerQuery selects worker objects.
type WorkerQuery struct {
	Fleet   string
	Manager string // "" means every manager (infra scope)
}

// CloudObject is one EC2 object with its tags.
type CloudObject struct {
	Kind    string
	ID      string // instance, request or fleet id; the key pair's name
	State   string
	Created time.Time
	Tags    map[string]string
}

// CloudObjects is what ListWorkers found, and how many API calls (pages) that took.
type CloudObjects struct {
	Objects []CloudObject
	Calls   int
}

// RemoveResult says which ids were removed (or were already gone) and which failed, and
// how many API calls that took.
type RemoveResult struct {
	Removed []string
	Failed  map[string]string // id → reason
	Calls   int
}

// Destroyer runs terraform destroy in one driver workspace's terraform-config/.
type Destroyer interface {
	Destroy(ctx context.Context, varFile string) error
}

// PruneDeps are what pruning needs besides Deps' Source, Now and Logger.
type PruneDeps struct {
	// Cloud returns an EC2 client for the region; nil means EC2 is not consulted (no orphan
	// handling, and no decision that needs EC2's view).
	Cloud func(ctx context.Context, region string) (Cloud, error)
	// Destroyer returns a runner of the driver's Terraform version for a terraform-config/.
	Destroyer func(ctx context.Context, version, dir string) (Destroyer, error)
}
