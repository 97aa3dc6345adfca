package render

import "github.com/runnerfleet/runnerfleet/internal/fleet"

// The [runners.autoscaler] section of a docker-autoscaler runner. Key names are gitlab-runner's
// own: AutoscalerConfig, ConnectorConfig and AutoscalerPolicyConfig in common/config.go of
// gitlab-runner (gitlab.com/gitlab-org/gitlab-runner, mirrored at gitlabhq/gitlab-runner). The
// plugin_config keys belong to the fleeting AWS plugin (gitlab.com/gitlab-org/fleeting/plugins/aws):
// name is the Auto Scaling group, region its region.

// AutoscalerConfig is [runners.autoscaler].
type AutoscalerConfig struct {
	Plugin               string                   `toml:"plugin"`
	CapacityPerInstance  int                      `toml:"capacity_per_instance"`
	MaxUseCount          int                      `toml:"max_use_count"`
	MaxInstances         int                      `toml:"max_instances"`
	InstanceReadyCommand string                   `toml:"instance_ready_command,omitempty"`
	PluginConfig         AutoscalerPluginConfig   `toml:"plugin_config"`
	ConnectorConfig      ConnectorConfig          `toml:"connector_config"`
	Policy               []AutoscalerPolicyConfig `toml:"policy,omitempty"`
}

// AutoscalerPluginConfig is [runners.autoscaler.plugin_config] for the fleeting AWS plugin.
type AutoscalerPluginConfig struct {
	Name   string `toml:"name"`
	Region string `toml:"region"`
}

// ConnectorConfig is [runners.autoscaler.connector_config]: how the manager reaches an instance.
// Managers and workers share private subnets, so the internal address is used.
type ConnectorConfig struct {
	Username        string `toml:"username"`
	UseExternalAddr bool   `toml:"use_external_addr"`
}

// AutoscalerPolicyConfig is one [[runners.autoscaler.policy]]. idle_time is a Go duration
// string ("30m0s"), as gitlab-runner's time.Duration field decodes it.
type AutoscalerPolicyConfig struct {
	Periods          []string `toml:"periods"`
	Timezone         string   `toml:"timezone"`
	IdleCount        int      `toml:"idle_count"`
	IdleTime         string   `toml:"idle_time"`
	ScaleFactor      float64  `toml:"scale_factor,omitempty"`
	ScaleFactorLimit int      `toml:"scale_factor_limit,omitempty"`
}

func autoscalerSection(spec *fleet.Spec, r fleet.Runner, pool fleet.Pool, manager string) *AutoscalerConfig {
	a := &AutoscalerConfig{
		Plugin: pool.Plugin, CapacityPerInstance: pool.CapacityPerInstance, MaxUseCount: pool.MaxUseCount,
		MaxInstances: pool.MaxInstances, InstanceReadyCommand: pool.InstanceReadyCommand,
		PluginConfig:    AutoscalerPluginConfig{Name: spec.AutoscalerGroup(manager, r.Name), Region: spec.AWS.Region},
		ConnectorConfig: ConnectorConfig{Username: workerSSHUser, UseExternalAddr: false},
	}
	for _, s := range pool.Schedules {
		a.Policy = append(a.Policy, AutoscalerPolicyConfig{Periods: s.Periods, Timezone: s.Timezone,
			IdleCount: s.IdleCount, IdleTime: s.IdleTime.String(), ScaleFactor: s.ScaleFactor,
			ScaleFactorLimit: s.ScaleFactorLimit})
	}
	return a
}
