package fleet

import (
	"fmt"
	"strings"
	"time"
)

// Limits of docker-autoscaler pools.
const (
	// An Auto Scaling group's mixed instances policy takes at most 40 launch template overrides.
	maxASGInstanceTypes = 40
	// The managers' IAM policy lists the ARN of every Auto Scaling group (about 180 characters
	// each at the longest names) and AWS caps a role's inline policies at 10,240 characters.
	maxAutoscalerGroups = 25
	// gitlab-runner refuses a policy idle_time below one second.
	minPolicyIdleTime = time.Second
)

func (d *decoder) checkAutoscalerPool(p *Pool, path string) {
	for _, k := range machineOnly {
		if d.given(path + "." + k) {
			d.at(path+"."+k, "applies to docker+machine pools only; this pool's executor is docker-autoscaler "+
				"(use schedules with idle_count and idle_time)")
		}
	}
	if !d.given(path + ".max_instances") {
		d.errorf(d.pos[path], path+".max_instances", "missing: docker-autoscaler pools need max_instances, "+
			"the most instances the pool runs at once; add max_instances: N")
	}
	d.checkAutoscalerMarket(p, path)
	if len(p.InstanceTypes) > maxASGInstanceTypes {
		d.at(path+".instance_types", "docker-autoscaler pools take at most %d instance types (the Auto Scaling "+
			"group's mixed instances policy allows %d overrides), got %d", maxASGInstanceTypes, maxASGInstanceTypes, len(p.InstanceTypes))
	}
	d.check(path+".plugin", shapeProblem(pluginRef.MatchString(p.Plugin),
		"a fleeting plugin reference such as aws:latest or aws:1.0.0", p.Plugin))
	if d.given(path+".instance_ready_command") && strings.TrimSpace(p.InstanceReadyCommand) == "" {
		d.at(path+".instance_ready_command", "must not be empty; name a command such as "+
			"\"cloud-init status --wait\", or leave the key out")
	}
}

func (d *decoder) checkAutoscalerMarket(p *Pool, path string) {
	switch {
	case d.given(path+".on_demand_base") && p.Market != MarketSpotFallback:
		d.at(path+".on_demand_base", "applies only with market spot-with-on-demand-fallback, but market is %s", p.Market)
	case p.Market == MarketSpotFallback && p.OnDemandBase == 0 && d.given(path+".market"):
		d.at(path+".market", "spot-with-on-demand-fallback needs on_demand_base >= 1, the on-demand instances "+
			"the pool always keeps when spot is short; with none it is plain spot: add on_demand_base: N or use market spot")
	}
	if p.OnDemandBase > p.MaxInstances && p.MaxInstances > 0 {
		d.at(path+".on_demand_base", "must not exceed max_instances (%d), got %d", p.MaxInstances, p.OnDemandBase)
	}
}

// checkPolicy checks one schedule of a docker-autoscaler pool: a [[runners.autoscaler.policy]].
func (d *decoder) checkPolicy(p *Pool, s *Schedule, path string) {
	if d.given(path+".scale_factor_limit") && s.ScaleFactor == 0 {
		d.at(path+".scale_factor_limit", "has no effect without scale_factor; add scale_factor (such as 0.5) or remove it")
	}
	if d.given(path+".idle_time") && s.IdleTime < minPolicyIdleTime {
		d.at(path+".idle_time", "must be at least 1s for docker-autoscaler pools, got %s", formatDuration(s.IdleTime))
	}
	slots := p.MaxInstances * p.CapacityPerInstance
	if d.given(path+".idle_count") && p.MaxInstances > 0 && s.IdleCount > slots {
		d.at(path+".idle_count", "counts idle job slots and can never exceed max_instances × capacity_per_instance "+
			"(%d × %d = %d), got %d; lower it or raise max_instances", p.MaxInstances, p.CapacityPerInstance, slots, s.IdleCount)
	}
}

// checkAutoscalerGroups: the manager stack makes one Auto Scaling group per manager and runner on
// a docker-autoscaler pool, and the managers' IAM policy names each one.
func (d *decoder) checkAutoscalerGroups(s *Spec) {
	managers := max(s.Manager.Count, 1)
	groups, runners := 0, 0
	pools := s.PoolsByName()
	for i, r := range s.Runners {
		p, ok := pools[r.Pool]
		if !ok || p.Executor != ExecutorDockerAutoscaler {
			continue
		}
		groups, runners = groups+managers, runners+1
		if groups > maxAutoscalerGroups {
			d.at(fmt.Sprintf("runners[%d].pool", i), "makes %d Auto Scaling groups (%d managers × %d runners on "+
				"docker-autoscaler pools), but at most %d fit the managers' IAM policy, which names each group; "+
				"use fewer runners on docker-autoscaler pools or fewer managers", groups, managers, runners, maxAutoscalerGroups)
			return
		}
	}
}

// autoscalerPeriodProblem checks a 5-field cron period and explains a 7-field docker+machine one.
func autoscalerPeriodProblem(period string) string {
	if f := strings.Fields(period); len(f) == 7 {
		return fmt.Sprintf("period %q has 7 fields, the docker+machine form; docker-autoscaler periods are "+
			"5-field cron: minute hour day-of-month month day-of-week, such as %q", period, strings.Join(f[1:6], " "))
	}
	return cronProblem(period)
}
