package render

import "github.com/runnerfleet/runnerfleet/internal/fleet"

// autoscalerGroup is one entry of the manager stack's autoscaler_groups variable; names match
// stack/variables.tf.
type autoscalerGroup struct {
	Manager              string   `json:"manager"`
	Runner               string   `json:"runner"`
	Pool                 string   `json:"pool"`
	ImageID              string   `json:"image_id"`
	InstanceTypes        []string `json:"instance_types"`
	VolumeSizeGB         int      `json:"volume_size_gb"`
	MaxInstances         int      `json:"max_instances"`
	OnDemandBaseCapacity int      `json:"on_demand_base_capacity"`
	OnDemandPercentAbove int      `json:"on_demand_percentage_above_base_capacity"`
}

// autoscalerGroups gives, by group name, the Auto Scaling group of every manager and runner on
// a docker-autoscaler pool. encoding/json writes map keys sorted, so the file is deterministic.
func autoscalerGroups(spec *fleet.Spec) map[string]autoscalerGroup {
	out := map[string]autoscalerGroup{}
	pools := spec.PoolsByName()
	for _, r := range spec.Runners {
		p, ok := pools[r.Pool]
		if !ok || p.Executor != fleet.ExecutorDockerAutoscaler {
			continue
		}
		base, above := onDemandSplit(p)
		for _, m := range spec.ManagerNames() {
			out[spec.AutoscalerGroup(m, r.Name)] = autoscalerGroup{
				Manager: m, Runner: r.Name, Pool: p.Name, ImageID: p.ImageID, InstanceTypes: p.InstanceTypes,
				VolumeSizeGB: p.VolumeSizeGB, MaxInstances: p.MaxInstances,
				OnDemandBaseCapacity: base, OnDemandPercentAbove: above,
			}
		}
	}
	return out
}

// onDemandSplit maps the pool's market onto the mixed instances policy: spot is all spot,
// on-demand all on-demand, and spot-with-on-demand-fallback keeps on_demand_base on-demand
// instances with spot above them.
func onDemandSplit(p fleet.Pool) (base, percentAboveBase int) {
	switch p.Market {
	case fleet.MarketOnDemand:
		return 0, 100
	case fleet.MarketSpotFallback:
		return p.OnDemandBase, 0
	default:
		return 0, 0
	}
}
