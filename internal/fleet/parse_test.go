package fleet_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

const examplePath = "../../fleet-examples/multi-runner/fleet.yaml"

// minimal is the smallest valid spec: everything else takes its default.
const minimal = `version: 1
name: ci
aws: {region: eu-west-1, vpc_id: vpc-0123456789abcdef0, subnet_ids: [subnet-0123456789abcdef0]}
gitlab: {url: https://gitlab.example.com, token: {env: RUNNER_TOKEN}}
manager: {image_id: ami-0123456789abcdef0}
terraform:
  backend: {s3: {bucket: tf-state, key: ci/manager.tfstate}}
pools:
  - name: spot
    executor: docker+machine
    instance_types: [m5.large]
    image_id: ami-0fedcba9876543210
    schedules: [{periods: ["* * 9-17 * * mon-fri *"]}]
  - name: reliable
    executor: docker-autoscaler
    instance_types: [m5.large]
    image_id: ami-0fedcba9876543210
    max_instances: 3
runners:
  - {name: docker, pool: spot}
  - {name: own, pool: reliable, token: {ssm: /ci/own-token}}
`

func mustParse(t *testing.T, name string, src []byte) *fleet.Spec {
	t.Helper()
	spec, diags := fleet.Parse(name, src)
	if diags != nil {
		t.Fatalf("%s: unexpected diagnostics:\n%s", name, diags.Error())
	}
	if spec == nil {
		t.Fatalf("%s: nil spec without diagnostics", name)
	}
	return spec
}

func TestDefaults(t *testing.T) {
	s := mustParse(t, "fleet.yaml", []byte(minimal))
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"terraform.version", s.Terraform.Version, fleet.DefaultTerraformVersion},
		{"terraform.driver_version", s.Terraform.DriverVersion, fleet.DefaultDriverVersion},
		{"terraform.backend.s3.region", s.Terraform.Backend.S3.Region, "eu-west-1"},
		{"terraform.backend.s3.use_lockfile", s.Terraform.Backend.S3.UseLockfile, false},
		{"aws.tags", s.AWS.Tags, map[string]string{}},
		{"manager.count", s.Manager.Count, 1},
		{"manager.instance_type", s.Manager.InstanceType, "t3.small"},
		{"manager.timezone", s.Manager.Timezone, "UTC"},
		{"manager.concurrent", s.Manager.Concurrent, 10},
		{"manager.check_interval", s.Manager.CheckInterval, 3},
		{"manager.volume_size_gb", s.Manager.VolumeSizeGB, 30},
		{"cache.enabled", s.Cache.Enabled, true},
		{"cache.shared", s.Cache.Shared, false},
		{"cache.expire_days", s.Cache.ExpireDays, 14},
		{"pools[0].market", s.Pools[0].Market, fleet.MarketSpot},
		{"pools[0].volume_size_gb", s.Pools[0].VolumeSizeGB, 40},
		{"pools[0].idle", s.Pools[0].Idle, fleet.Idle{Time: 30 * time.Minute}},
		{"pools[0].schedules[0].idle_time", s.Pools[0].Schedules[0].IdleTime, 30 * time.Minute},
		{"pools[0].schedules[0].idle_count", s.Pools[0].Schedules[0].IdleCount, 0},
		{"pools[0].schedules[0].timezone", s.Pools[0].Schedules[0].Timezone, "UTC"},
		{"pools[1].capacity_per_instance", s.Pools[1].CapacityPerInstance, 1},
		{"pools[1].max_use_count", s.Pools[1].MaxUseCount, 0},
		{"pools[1].plugin", s.Pools[1].Plugin, fleet.DefaultPlugin},
		{"runners[0].tags", s.Runners[0].Tags, []string{}},
		{"runners[0].limit", s.Runners[0].Limit, 0},
		{"runners[0].token", s.Runners[0].Token, (*fleet.SecretRef)(nil)},
		{"runners[0].docker", s.Runners[0].Docker, fleet.Docker{Image: "alpine:latest", Volumes: []string{"/cache"}}},
		{"prune.schedule", s.Prune.Schedule, "*/10 * * * *"},
		{"prune.stuck_after", s.Prune.StuckAfter, 45 * time.Minute},
		{"prune.workspace_ttl", s.Prune.WorkspaceTTL, 24 * time.Hour},
		{"prune.max_per_run", s.Prune.MaxPerRun, 20},
		{"drift.schedule", s.Drift.Schedule, "0 * * * *"},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want default %#v", c.field, c.got, c.want)
		}
	}
}

func TestExample(t *testing.T) {
	src, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, "fleet.yaml", src)
	if s.Version != 1 || s.Name != "ci-runners" || s.AWS.Region != "eu-west-1" || s.AWS.VPCID != "vpc-0123456789abcdef0" {
		t.Errorf("header: got version %d, name %q, region %q, vpc %q", s.Version, s.Name, s.AWS.Region, s.AWS.VPCID)
	}
	if want := []string{"subnet-0aaa1111bbbb22223", "subnet-0cccc3333dddd4444"}; !reflect.DeepEqual(s.AWS.SubnetIDs, want) {
		t.Errorf("aws.subnet_ids = %v, want %v", s.AWS.SubnetIDs, want)
	}
	if want := map[string]string{"team": "platform", "cost-center": "ci"}; !reflect.DeepEqual(s.AWS.Tags, want) {
		t.Errorf("aws.tags = %v, want %v", s.AWS.Tags, want)
	}
	if want := (fleet.SecretRef{Source: "ssm", Name: "/ci-runners/runner-token"}); s.GitLab.Token == nil || *s.GitLab.Token != want {
		t.Errorf("gitlab.token = %v, want %v", s.GitLab.Token, want)
	}
	wantManager := fleet.Manager{Count: 1, InstanceType: "t3.small", ImageID: "ami-0123456789abcdef0",
		Timezone: "Europe/Amsterdam", Concurrent: 20, CheckInterval: 3, VolumeSizeGB: 30}
	if s.Manager != wantManager {
		t.Errorf("manager = %+v, want %+v", s.Manager, wantManager)
	}
	if got := s.ManagerNames(); !reflect.DeepEqual(got, []string{"manager-0"}) {
		t.Errorf("ManagerNames() = %v", got)
	}
	checkExamplePool(t, s)
	checkExampleRunners(t, s)
	if s.Terraform.Backend != nil || !s.Cache.Shared || s.Prune.MaxPerRun != 20 {
		t.Errorf("terraform.backend %v, cache.shared %v, prune.max_per_run %d", s.Terraform.Backend, s.Cache.Shared, s.Prune.MaxPerRun)
	}
}

func checkExamplePool(t *testing.T, s *fleet.Spec) {
	t.Helper()
	if len(s.Pools) != 1 {
		t.Fatalf("got %d pools, want 1", len(s.Pools))
	}
	p := s.Pools[0]
	want := fleet.Pool{Pos: p.Pos, Name: "spot", Executor: fleet.ExecutorDockerMachine, Market: fleet.MarketSpot,
		InstanceTypes: []string{"m5.large", "m5a.large", "m6i.large"}, ImageID: "ami-0fedcba9876543210",
		VolumeSizeGB: 50, CapacityPerInstance: 1, Plugin: fleet.DefaultPlugin,
		Idle: fleet.Idle{Count: 1, Time: 30 * time.Minute, MaxBuilds: 100},
		Schedules: []fleet.Schedule{{Periods: []string{"* * 9-17 * * mon-fri *"}, Timezone: "Europe/Amsterdam",
			IdleCount: 10, IdleTime: 30 * time.Minute}},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("pools[0] =\n%+v\nwant\n%+v", p, want)
	}
	if got, ok := s.PoolsByName()["spot"]; !ok || got.Name != "spot" {
		t.Errorf("Pool(spot) = %v, %v", got.Name, ok)
	}
	if _, ok := s.PoolsByName()["nope"]; ok {
		t.Error("Pool(nope) found a pool")
	}
}

func checkExampleRunners(t *testing.T, s *fleet.Spec) {
	t.Helper()
	var names []string
	for _, r := range s.Runners {
		names = append(names, r.Name+"@"+r.Pool)
		if got := s.RunnerToken(r); got.String() != "ssm:/ci-runners/runner-token" {
			t.Errorf("runner %s: token %v, want the shared gitlab.token", r.Name, got)
		}
	}
	if want := []string{"docker@spot", "docker-privileged@spot", "build@spot"}; !reflect.DeepEqual(names, want) {
		t.Errorf("runners = %v, want %v", names, want)
	}
	priv := s.Runners[1]
	if priv.Limit != 10 || !priv.Docker.Privileged || priv.Docker.Image != "docker:27" ||
		!reflect.DeepEqual(priv.Tags, []string{"dind"}) || !reflect.DeepEqual(priv.Docker.Volumes, []string{"/cache"}) {
		t.Errorf("runners[1] = %+v", priv)
	}
}

func TestRunnerToken(t *testing.T) {
	s := mustParse(t, "fleet.yaml", []byte(minimal))
	if got := s.RunnerToken(s.Runners[0]); got != (fleet.SecretRef{Source: "env", Name: "RUNNER_TOKEN"}) {
		t.Errorf("runner without a token: got %v, want gitlab.token env:RUNNER_TOKEN", got)
	}
	if got := s.RunnerToken(s.Runners[1]); got.String() != "ssm:/ci/own-token" {
		t.Errorf("runner with its own token: got %v", got)
	}
	s.GitLab.Token = nil
	if got := s.RunnerToken(s.Runners[0]); got != (fleet.SecretRef{}) {
		t.Errorf("no token anywhere: got %v, want the zero SecretRef", got)
	}
}

func TestSSMParameters(t *testing.T) {
	src := strings.Replace(minimal, "token: {env: RUNNER_TOKEN}", "token: {ssm: /ci/shared}", 1)
	src = strings.Replace(src, "- {name: docker, pool: spot}",
		"- {name: docker, pool: spot}\n  - {name: again, pool: spot, token: {ssm: /ci/shared}}\n"+
			"  - {name: env, pool: spot, token: {env: X}}\n  - {name: file, pool: spot, token: {file: /run/t}}\n"+
			"  - {name: early, pool: spot, token: {ssm: /a/first}}", 1)
	s := mustParse(t, "fleet.yaml", []byte(src))
	want := []string{"/a/first", "/ci/own-token", "/ci/shared"}
	if got := s.SSMParameters(); !reflect.DeepEqual(got, want) {
		t.Errorf("SSMParameters() = %v, want %v (sorted, unique, ssm only)", got, want)
	}
}

func TestDerivedDefaults(t *testing.T) {
	src := strings.Replace(minimal, "manager: {image_id: ami-0123456789abcdef0}",
		"manager: {image_id: ami-0123456789abcdef0, timezone: Europe/Berlin}", 1)
	src = strings.Replace(src, `schedules: [{periods: ["* * 9-17 * * mon-fri *"]}]`,
		`schedules: [{periods: ["* * 9-17 * * mon-fri *"]}, {periods: ["* * * * * sat *"], timezone: Asia/Tokyo}]`, 1)
	src = strings.Replace(src, "key: ci/manager.tfstate}", "key: ci/manager.tfstate, region: us-east-1}", 1)
	s := mustParse(t, "fleet.yaml", []byte(src))
	if got := s.Pools[0].Schedules[0].Timezone; got != "Europe/Berlin" {
		t.Errorf("schedule without a timezone: got %q, want manager.timezone Europe/Berlin", got)
	}
	if got := s.Pools[0].Schedules[1].Timezone; got != "Asia/Tokyo" {
		t.Errorf("schedule with a timezone: got %q", got)
	}
	if got := s.Terraform.Backend.S3.Region; got != "us-east-1" {
		t.Errorf("backend region given: got %q", got)
	}
	if got := mustParse(t, "fleet.yaml", []byte(minimal)).Terraform.Backend.S3.Region; got != "eu-west-1" {
		t.Errorf("backend region left out: got %q, want aws.region", got)
	}
}

func TestPoolPos(t *testing.T) {
	s := mustParse(t, "x/fleet.yaml", []byte(minimal))
	want := []fleet.Position{{File: "x/fleet.yaml", Line: 10, Col: 15}, {File: "x/fleet.yaml", Line: 15, Col: 15}}
	for i, p := range s.Pools {
		if p.Pos != want[i] {
			t.Errorf("pools[%d].Pos = %+v, want %+v (the executor value)", i, p.Pos, want[i])
		}
	}
	d := s.Pools[0].Pos.Diagnostic("pools[0].executor", "not supported")
	if got := d.String(); got != "x/fleet.yaml:10:15: pools[0].executor: not supported" {
		t.Errorf("Position.Diagnostic: got %q", got)
	}
}

// TestDiagnosticsSorted: every fixture's diagnostics come sorted by position.
func TestDiagnosticsSorted(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(invalidDir, "*.yaml"))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, diags := fleet.Parse("fleet.yaml", src)
		sorted := sort.SliceIsSorted(diags, func(i, j int) bool {
			a, b := diags[i], diags[j]
			return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
		})
		if !sorted {
			t.Errorf("%s: diagnostics not sorted:\n%s", p, diags.Error())
		}
	}
}

func TestJSONSchema(t *testing.T) {
	var root struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
		Required             []string                   `json:"required"`
	}
	if err := json.Unmarshal(fleet.JSONSchema(), &root); err != nil {
		t.Fatalf("JSONSchema() is not valid JSON: %v", err)
	}
	var keys []string
	for k := range root.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"aws", "cache", "drift", "gitlab", "manager", "name", "pools", "prune", "runners", "source", "terraform", "version"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("top-level properties = %v, want %v", keys, want)
	}
	if root.AdditionalProperties == nil || *root.AdditionalProperties {
		t.Error("top level: additionalProperties must be false")
	}
	if want := []string{"aws", "gitlab", "manager", "name", "pools", "runners", "version"}; !reflect.DeepEqual(root.Required, want) {
		t.Errorf("required = %v, want %v", root.Required, want)
	}
	if !reflect.DeepEqual(fleet.JSONSchema(), fleet.JSONSchema()) {
		t.Error("JSONSchema() is not deterministic")
	}
}
