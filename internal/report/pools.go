package report

import (
	"fmt"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// pools compares pools by name: new, removed, then the changes of each kept pool.
func (d *differ) pools(base, head *fleet.Spec) {
	a, b := base.Pools, head.Pools
	old := map[string]fleet.Pool{}
	for _, p := range a {
		old[p.Name] = p
	}
	kept := map[string]bool{}
	for _, p := range b {
		prev, ok := old[p.Name]
		if !ok {
			d.add("pool "+p.Name, KindAdded, fmt.Sprintf("new (%s, %s, %s)", p.Executor, p.Market, strings.Join(p.InstanceTypes, ", ")), false)
			continue
		}
		kept[p.Name] = true
		if prev.Executor != p.Executor {
			d.add("pool "+p.Name, KindMigration, fmt.Sprintf("executor %s → %s (migration: %s)",
				prev.Executor, p.Executor, migration(base, head, p)), true)
		}
		d.pool(prev, p)
	}
	for _, p := range a {
		if !kept[p.Name] {
			d.add("pool "+p.Name, KindRemoved, "removed — its machines will be drained and pruned", true)
		}
	}
}

func (d *differ) pool(a, b fleet.Pool) {
	s := "pool " + b.Name
	d.scalar(s, "market", a.Market, b.Market, false)
	d.list(s, "instance_types", a.InstanceTypes, b.InstanceTypes, false)
	d.scalar(s, "image_id", a.ImageID, b.ImageID, false)
	d.scalar(s, "volume_size_gb", a.VolumeSizeGB, b.VolumeSizeGB, false)
	d.scalar(s, "idle.count", a.Idle.Count, b.Idle.Count, false)
	d.scalar(s, "idle.time", a.Idle.Time, b.Idle.Time, false)
	d.scalar(s, "idle.max_builds", a.Idle.MaxBuilds, b.Idle.MaxBuilds, false)
	d.scalar(s, "max_instances", a.MaxInstances, b.MaxInstances, false)
	d.scalar(s, "capacity_per_instance", a.CapacityPerInstance, b.CapacityPerInstance, false)
	d.scalar(s, "max_use_count", a.MaxUseCount, b.MaxUseCount, false)
	d.scalar(s, "on_demand_base", a.OnDemandBase, b.OnDemandBase, false)
	d.scalar(s, "instance_ready_command", a.InstanceReadyCommand, b.InstanceReadyCommand, false)
	d.scalar(s, "plugin", a.Plugin, b.Plugin, false)
	d.schedules(s, a.Schedules, b.Schedules)
}

// migration says what switching pool p's executor means: which Auto Scaling groups the
// manager stack creates or destroys, and what happens to jobs and machines.
func migration(base, head *fleet.Spec, p fleet.Pool) string {
	if p.Executor == fleet.ExecutorDockerAutoscaler {
		return "creates Auto Scaling groups " + groups(head, p.Name) + " (one per runner and manager, desired 0, " +
			"sized by gitlab-runner); running jobs finish on their docker+machine machines, which are then " +
			"pruned as stale workspaces after prune.workspace_ttl"
	}
	return "destroys Auto Scaling groups " + groups(base, p.Name) + "; the apply terminates their instances, " +
		"including any running a job — pause the runners in GitLab first (README: Migrating a pool)"
}

// groups names the Auto Scaling groups of a pool's runners on every manager.
func groups(spec *fleet.Spec, pool string) string {
	var names []string
	for _, m := range spec.ManagerNames() {
		for _, r := range spec.Runners {
			if r.Pool == pool {
				names = append(names, spec.AutoscalerGroup(m, r.Name))
			}
		}
	}
	if len(names) == 0 {
		return "(none: no runner uses this pool)"
	}
	return strings.Join(names, ", ")
}

// schedules compares schedules by position: a schedule is identified by where it stands.
func (d *differ) schedules(s string, a, b []fleet.Schedule) {
	for i := 0; i < len(a) || i < len(b); i++ {
		f := fmt.Sprintf("schedules[%d]", i)
		switch {
		case i >= len(a):
			d.add(s, KindChanged, fmt.Sprintf("%s: new (%s, idle_count %d, idle_time %s)", f,
				strings.Join(b[i].Periods, " | "), b[i].IdleCount, show(b[i].IdleTime)), false)
		case i >= len(b):
			d.add(s, KindChanged, fmt.Sprintf("%s: removed (%s)", f, strings.Join(a[i].Periods, " | ")), false)
		default:
			x, y := a[i], b[i]
			d.list(s, f+".periods", x.Periods, y.Periods, false)
			d.scalar(s, f+".timezone", x.Timezone, y.Timezone, false)
			d.scalar(s, f+".idle_count", x.IdleCount, y.IdleCount, false)
			d.scalar(s, f+".idle_time", x.IdleTime, y.IdleTime, false)
			d.scalar(s, f+".scale_factor", x.ScaleFactor, y.ScaleFactor, false)
			d.scalar(s, f+".scale_factor_limit", x.ScaleFactorLimit, y.ScaleFactorLimit, false)
		}
	}
}

// runners compares runners by name; a token is compared as the reference the runner uses.
func (d *differ) runners(base, head *fleet.Spec) {
	old := map[string]fleet.Runner{}
	for _, r := range base.Runners {
		old[r.Name] = r
	}
	kept := map[string]bool{}
	for _, r := range head.Runners {
		prev, ok := old[r.Name]
		if !ok {
			d.add("runner "+r.Name, KindAdded, fmt.Sprintf("new (pool %s)", r.Pool), false)
			continue
		}
		kept[r.Name] = true
		s := "runner " + r.Name
		d.scalar(s, "pool", prev.Pool, r.Pool, false)
		d.list(s, "tags", prev.Tags, r.Tags, false)
		d.scalar(s, "limit", prev.Limit, r.Limit, false)
		pt, nt := base.RunnerToken(prev), head.RunnerToken(r)
		d.token(s, "token", &pt, &nt)
		d.scalar(s, "docker.image", prev.Docker.Image, r.Docker.Image, false)
		d.scalar(s, "docker.privileged", prev.Docker.Privileged, r.Docker.Privileged, false)
		d.list(s, "docker.volumes", prev.Docker.Volumes, r.Docker.Volumes, false)
		d.scalar(s, "docker.shm_size", prev.Docker.ShmSize, r.Docker.ShmSize, false)
	}
	for _, r := range base.Runners {
		if !kept[r.Name] {
			d.add("runner "+r.Name, KindRemoved, "removed — it leaves config.toml and takes no new jobs", false)
		}
	}
}
