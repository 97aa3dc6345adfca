package fleet_test

import (
	"strings"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// TestAutoscalerGroupNamesFit: at the longest fleet and runner names and a thousand managers, an
// Auto Scaling group name stays within AWS's 255 characters and its launch template's 128.
func TestAutoscalerGroupNamesFit(t *testing.T) {
	s := &fleet.Spec{Name: strings.Repeat("f", 32)}
	name := s.AutoscalerGroup("manager-999", strings.Repeat("r", 26))
	if len(name) > 128 {
		t.Errorf("%q is %d characters, more than a launch template name takes", name, len(name))
	}
	src := strings.Replace(minimalAutoscaler, "name: ci-runners", "name: "+strings.Repeat("f", 33), 1)
	if _, diags := fleet.Parse("fleet.yaml", []byte(src)); len(diags) == 0 {
		t.Error("a 33-character fleet name was accepted; the group name bound above assumes 32")
	}
}

const minimalAutoscaler = `version: 1
name: ci-runners
aws: {region: eu-west-1, vpc_id: vpc-0123456789abcdef0, subnet_ids: [subnet-0aaa1111bbbb22223]}
gitlab: {url: https://gitlab.example.com, token: {env: TOKEN}}
manager: {image_id: ami-0123456789abcdef0}
pools:
  - {name: a, executor: docker-autoscaler, instance_types: [m5.large], image_id: ami-0fedcba9876543210, max_instances: 2}
runners:
  - {name: r, pool: a}
`
