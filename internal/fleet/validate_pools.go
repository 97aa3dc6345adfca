package fleet

import (
	"fmt"
	"strings"
)

func (d *decoder) checkPools(s *Spec) {
	if d.emptyList("pools") {
		d.at("pools", "must list at least one pool, such as {name: spot, executor: docker+machine, instance_types: [m5.large], image_id: ami-…}")
	}
	seen := map[string]string{}
	for i := range s.Pools {
		p := &s.Pools[i]
		path := fmt.Sprintf("pools[%d]", i)
		d.check(path+".name", nameProblem(poolName, p.Name, maxPoolName, "it names files and tags"))
		if first, dup := seen[p.Name]; dup && p.Name != "" {
			d.at(path+".name", "duplicate pool name %q (first at %s); pool names must be unique", p.Name, first)
		}
		seen[p.Name] = path
		d.checkPool(p, path, len(s.AWS.SubnetIDs))
	}
}

func (d *decoder) checkPool(p *Pool, path string, subnets int) {
	d.check(path+".image_id", idProblem(amiID, "ami", "an AMI", p.ImageID))
	if d.emptyList(path + ".instance_types") {
		d.at(path+".instance_types", "must list at least one instance type, such as [m5.large]")
	}
	d.unique(path+".instance_types", p.InstanceTypes)
	for j, t := range p.InstanceTypes {
		d.check(fmt.Sprintf("%s.instance_types[%d]", path, j), instanceTypeProblem(t))
	}
	switch p.Executor {
	case ExecutorDockerMachine:
		d.checkMachinePool(p, path, subnets)
	case ExecutorDockerAutoscaler:
		d.checkAutoscalerPool(p, path)
	default:
		d.check(path+".executor", fmt.Sprintf("must be %s or %s, got %q%s", ExecutorDockerMachine,
			ExecutorDockerAutoscaler, p.Executor, suggest(p.Executor, ExecutorDockerMachine, ExecutorDockerAutoscaler)))
	}
	if p.Market != MarketSpot && p.Market != MarketOnDemand && p.Market != MarketSpotFallback {
		d.check(path+".market", fmt.Sprintf("must be spot, on-demand or spot-with-on-demand-fallback, got %q%s",
			p.Market, suggest(p.Market, MarketSpot, MarketOnDemand, MarketSpotFallback)))
	}
	for j := range p.Schedules {
		d.checkSchedule(p, &p.Schedules[j], fmt.Sprintf("%s.schedules[%d]", path, j))
	}
}

func suggest(got string, options ...string) string {
	if s := nearest(got, options); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// machineOnly and autoscalerOnly are the keys that belong to one executor.
var (
	machineOnly    = []string{"idle"}
	autoscalerOnly = []string{"max_instances", "capacity_per_instance", "max_use_count", "on_demand_base",
		"instance_ready_command", "plugin"}
)

func (d *decoder) checkMachinePool(p *Pool, path string, subnets int) {
	for _, k := range autoscalerOnly {
		if d.given(path + "." + k) {
			d.at(path+"."+k, "applies to docker-autoscaler pools only; this pool's executor is docker+machine: remove it")
		}
	}
	d.checkOverrides(p, path, subnets)
	if p.Market == MarketSpotFallback {
		d.at(path+".market", "spot-with-on-demand-fallback needs executor docker-autoscaler: a docker+machine "+
			"machine is one instant EC2 fleet request, which cannot fall back; use spot or on-demand")
	}
}

func (d *decoder) checkSchedule(p *Pool, s *Schedule, path string) {
	if d.emptyList(path + ".periods") {
		d.at(path+".periods", "must list at least one period")
	}
	for k, period := range s.Periods {
		pp := fmt.Sprintf("%s.periods[%d]", path, k)
		switch p.Executor {
		case ExecutorDockerMachine:
			d.check(pp, machinePeriodProblem(period))
		case ExecutorDockerAutoscaler:
			d.check(pp, autoscalerPeriodProblem(period))
		}
	}
	d.check(path+".timezone", timezoneProblem(s.Timezone))
	if p.Executor == ExecutorDockerAutoscaler {
		d.checkPolicy(p, s, path)
	}
	if p.Executor == ExecutorDockerMachine {
		for _, k := range []string{"scale_factor", "scale_factor_limit"} {
			if d.given(path + "." + k) {
				d.at(path+"."+k, "applies to docker-autoscaler pools only; this pool's executor is docker+machine: remove it")
			}
		}
	}
}

func (d *decoder) checkRunners(s *Spec) {
	if d.emptyList("runners") {
		d.at("runners", "must list at least one runner, such as {name: docker, pool: <pool name>}")
	}
	seen := map[string]string{}
	var pools []string
	for _, p := range s.Pools {
		pools = append(pools, p.Name)
	}
	byName := s.PoolsByName()
	for i := range s.Runners {
		r := &s.Runners[i]
		path := fmt.Sprintf("runners[%d]", i)
		if !d.isMapping(path) {
			continue // reported already
		}
		d.check(path+".name", nameProblem(runnerName, r.Name, maxRunnerName,
			"it is part of machine names runner-<token>-<name>-<time>-<id>, which must fit a 63-character host name"))
		if first, dup := seen[r.Name]; dup && r.Name != "" {
			d.at(path+".name", "duplicate runner name %q (first at %s); runner names must be unique", r.Name, first)
		}
		seen[r.Name] = path
		if _, ok := byName[r.Pool]; !ok && d.given(path+".pool") && d.isList("pools") {
			d.at(path+".pool", "unknown pool %q%s", r.Pool, orList(suggest(r.Pool, pools...), pools))
		}
		if r.Token == nil && s.GitLab.Token == nil && !d.given(path+".token") && !d.given("gitlab.token") {
			d.errorf(d.pos[path], path+".token", "missing: set this runner's token or a default gitlab.token, "+
				"as {env: NAME}, {file: /path} or {ssm: /parameter}")
		}
		d.unique(path+".tags", r.Tags)
		if r.Docker.Image == "" && d.given(path+".docker.image") {
			d.at(path+".docker.image", "must not be empty; name a default job image such as alpine:latest")
		}
	}
}

// orList is the suggestion when there is one, else the list of defined names.
func orList(suggestion string, names []string) string {
	if suggestion != "" {
		return suggestion
	}
	if len(names) == 0 {
		return "; no pools are defined"
	}
	return "; defined pools: " + strings.Join(names, ", ")
}
