package render

import (
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// Names of AWS objects, shared by the manager stack, config.toml and the worker templates.
// They are derived from the spec alone, so every host computes the same ones.

// CacheBucket is globally unique without knowing the account: VPC ids are unique across AWS.
func CacheBucket(spec *fleet.Spec) string {
	return spec.Name + "-runner-cache-" + strings.TrimPrefix(spec.AWS.VPCID, "vpc-")
}

func workerSecurityGroup(spec *fleet.Spec) string { return spec.Name + "-workers" }

func workerInstanceProfile(spec *fleet.Spec) string { return spec.Name + "-worker" }
