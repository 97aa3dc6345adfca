// Package fleet holds the fleet.yaml spec (version 1): its types, its defaults and its
// validation. Parse keeps yaml.v3 nodes so that every diagnostic carries file:line:col and the
// field path. The package is pure: no files, no network, no clock, no environment.
package fleet

import "time"

// Executors and markets accepted by a pool.
const (
	ExecutorDockerMachine    = "docker+machine"
	ExecutorDockerAutoscaler = "docker-autoscaler"

	MarketSpot         = "spot"
	MarketOnDemand     = "on-demand"
	MarketSpotFallback = "spot-with-on-demand-fallback"
)

// Spec is one parsed and defaulted fleet.yaml.
type Spec struct {
	Version   int
	Name      string // environment name: prefix of every AWS name and the runnerfleet:fleet tag
	AWS       AWS
	GitLab    GitLab
	Terraform Terraform
	Source    Source
	Manager   Manager
	Cache     Cache
	Pools     []Pool
	Runners   []Runner
	Prune     Prune
	Drift     Drift
}

// AWS says where the fleet lives.
type AWS struct {
	Region    string
	VPCID     string
	SubnetIDs []string
	Tags      map[string]string
}

// GitLab names the instance and the default runner token.
type GitLab struct {
	URL   string
	Token *SecretRef // default token for runners that name none; may be nil
}

// SecretRef points at a secret; the spec never holds the value itself.
type SecretRef struct {
	Source string // "env", "file" or "ssm"
	Name   string // variable name, file path or SSM parameter name
}

// String gives the reference as "ssm:/path", safe to print.
func (r SecretRef) String() string { return r.Source + ":" + r.Name }

// Source is where new managers pull fleet.yaml from: the manager stack's user-data writes it
// into /etc/runnerfleet/env on first boot. Repo "" means managers are configured by hand.
type Source struct {
	Repo     string
	Ref      string
	Path     string
	Username string
	Password *SecretRef // {ssm: …} only: a fresh manager reads it with its instance role
}

// Terraform pins the Terraform versions and the manager stack's state backend.
type Terraform struct {
	Version       string // manager stack, installed with hc-install
	DriverVersion string // the docker-machine driver's Terraform on managers
	Backend       *Backend
}

// Backend is the manager stack's remote state; nil means local state under the state dir.
type Backend struct {
	S3 S3Backend
}

// S3Backend is Terraform's s3 backend with its native lock file.
type S3Backend struct {
	Bucket      string
	Key         string
	Region      string // defaults to aws.region
	UseLockfile bool
}

// Manager describes the runner manager hosts manager-0 … manager-<count-1>.
type Manager struct {
	Count         int
	InstanceType  string
	ImageID       string
	Timezone      string
	Concurrent    int
	CheckInterval int // seconds
	VolumeSizeGB  int
}

// Cache is the S3 build cache bucket created by the manager stack.
type Cache struct {
	Enabled    bool
	Shared     bool
	ExpireDays int
}

// Position is where a value stands in fleet.yaml, for diagnostics raised after parsing.
type Position struct {
	File      string
	Line, Col int
}

// Diagnostic builds a diagnostic at this position.
func (p Position) Diagnostic(path, message string) Diagnostic {
	return Diagnostic{File: p.File, Line: p.Line, Col: p.Col, Path: path, Message: message}
}

// Pool is a kind of worker machine.
type Pool struct {
	Pos           Position // of the pool's executor key's value
	Name          string
	Executor      string
	Market        string
	InstanceTypes []string
	ImageID       string
	VolumeSizeGB  int
	Schedules     []Schedule

	// docker+machine only.
	Idle Idle

	// docker-autoscaler only.
	MaxInstances         int
	CapacityPerInstance  int
	MaxUseCount          int
	OnDemandBase         int
	InstanceReadyCommand string
	Plugin               string // fleeting plugin, such as aws:latest
}

// Idle is the docker+machine pool's idle capacity outside any schedule.
type Idle struct {
	Count     int
	Time      time.Duration
	MaxBuilds int
}

// Schedule overrides idle capacity during its periods.
type Schedule struct {
	Periods          []string
	Timezone         string
	IdleCount        int
	IdleTime         time.Duration
	ScaleFactor      float64
	ScaleFactorLimit int
}

// Runner is one [[runners]] entry in every manager's config.toml.
type Runner struct {
	Name   string
	Pool   string
	Tags   []string
	Limit  int
	Token  *SecretRef // nil means gitlab.token
	Docker Docker
}

// Docker is the runner's [runners.docker] section.
type Docker struct {
	Image      string
	Privileged bool
	Volumes    []string
	ShmSize    int64
}

// Prune is the clean-up job's schedule and thresholds.
type Prune struct {
	Schedule     string
	StuckAfter   time.Duration
	WorkspaceTTL time.Duration
	MaxPerRun    int
}

// Drift is the schedule of the drift check and whether it repairs what it finds.
type Drift struct {
	Schedule  string
	Remediate bool // apply the changes a drift check finds (default); false only reports them
}

// AutoscalerGroup names the Auto Scaling group of one runner on one manager:
// <fleet>-<manager>-<runner>. config.toml's plugin_config and the manager stack both use it.
func (s *Spec) AutoscalerGroup(manager, runner string) string {
	return s.Name + "-" + manager + "-" + runner
}

// ManagerNames gives manager-0 … manager-<count-1>.
func (s *Spec) ManagerNames() []string {
	names := make([]string, s.Manager.Count)
	for i := range names {
		names[i] = "manager-" + itoa(i)
	}
	return names
}

// PoolsByName indexes the pools by name; with a duplicated name the first wins. Callers
// that look up a pool per runner build it once, so big fleets stay linear.
func (s *Spec) PoolsByName() map[string]Pool {
	out := make(map[string]Pool, len(s.Pools))
	for _, p := range s.Pools {
		if _, dup := out[p.Name]; !dup {
			out[p.Name] = p
		}
	}
	return out
}

// RunnerToken is the token reference a runner uses: its own, else gitlab.token.
func (s *Spec) RunnerToken(r Runner) SecretRef {
	if r.Token != nil {
		return *r.Token
	}
	if s.GitLab.Token != nil {
		return *s.GitLab.Token
	}
	return SecretRef{}
}

// SSMParameters lists, sorted and unique, the SSM parameter names the spec's tokens use.
func (s *Spec) SSMParameters() []string {
	seen := map[string]bool{}
	var out []string
	add := func(r *SecretRef) {
		if r != nil && r.Source == "ssm" && !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r.Name)
		}
	}
	add(s.GitLab.Token)
	for i := range s.Runners {
		add(s.Runners[i].Token)
	}
	sortStrings(out)
	return out
}
