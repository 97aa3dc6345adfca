package fleet

// The field tables of fleet.yaml version 1. Each function returns the keys of one mapping,
// bound to the struct they fill; called with a nil decoder they only describe (JSON Schema).

func specFields(d *decoder, s *Spec) []field {
	return []field{
		d.intF("version", "spec version; this runnerfleet reads version 1", &s.Version, 1).req(),
		d.strF("name", "environment name: prefix of every AWS name and the runnerfleet:fleet tag "+
			"(lowercase letters, digits and hyphens, at most 32 characters)", &s.Name, pattern(fleetNameRE)).req(),
		d.objF("aws", "where the fleet lives", awsFields(d, &s.AWS)).req(),
		d.objF("gitlab", "the GitLab instance the runners register with", gitlabFields(d, &s.GitLab)).req(),
		d.objF("terraform", "Terraform versions and the manager stack's state backend", terraformFields(d, &s.Terraform)),
		d.objF("source", "the config repository new managers reconcile from (written into their user-data)", sourceFields(d, &s.Source)),
		d.objF("manager", "the runner manager hosts manager-0 … manager-<count-1>", managerFields(d, &s.Manager)).req(),
		d.objF("cache", "the S3 build cache bucket created by the manager stack", cacheFields(d, &s.Cache)),
		listF(d, "pools", "kinds of worker machines", &s.Pools, defaultPool, func(p *Pool) []field { return poolFields(d, p) }).req(),
		listF(d, "runners", "one [[runners]] entry per runner in every manager's config.toml", &s.Runners,
			defaultRunner, func(r *Runner) []field { return runnerFields(d, r) }).req(),
		d.objF("prune", "clean-up of stuck machines, orphans and stale workspaces", pruneFields(d, &s.Prune)),
		d.objF("drift", "the manager stack's drift check", driftFields(d, &s.Drift)),
	}
}

func awsFields(d *decoder, a *AWS) []field {
	return []field{
		d.strF("region", "AWS region, such as eu-west-1", &a.Region, pattern(regionRE)).req(),
		d.strF("vpc_id", "VPC of managers and workers, vpc-…", &a.VPCID, pattern(vpcRE)).req(),
		d.strsF("subnet_ids", "private subnets for managers and workers, subnet-…", &a.SubnetIDs, pattern(subnetRE)).req(),
		d.mapF("tags", "extra tags on every AWS object (keys must not start with aws: or runnerfleet:)", &a.Tags),
	}
}

func gitlabFields(d *decoder, g *GitLab) []field {
	return []field{
		d.strF("url", "GitLab URL, such as https://gitlab.example.com", &g.URL, schema{"type": "string", "format": "uri"}).req(),
		d.secretF("token", "default runner authentication token (glrt-…) for runners that name none", &g.Token),
	}
}

func terraformFields(d *decoder, t *Terraform) []field {
	return []field{
		d.strF("version", "Terraform version for the manager stack, installed with hc-install", &t.Version, pattern(versionRE)),
		d.strF("driver_version", "Terraform version the docker-machine driver runs on managers (0.13 or 0.14: the driver uses destroy -force)",
			&t.DriverVersion, pattern(versionRE)),
		{key: "backend", schema: backendSchema(d), decode: d.backend(t)},
	}
}

func sourceFields(d *decoder, src *Source) []field {
	return []field{
		d.strF("repo", "URL of this repository as managers reach it (https://… or ssh), without credentials", &src.Repo, schema{"type": "string"}).req(),
		d.strF("ref", "branch, tag or full commit SHA", &src.Ref, schema{"type": "string"}),
		d.strF("path", "path of fleet.yaml in the repository", &src.Path, schema{"type": "string"}),
		d.strF("username", "HTTPS user name (a deploy token's user name)", &src.Username, schema{"type": "string"}),
		d.secretF("password", "HTTPS password or token for managers, as {ssm: /parameter}", &src.Password),
	}
}

func managerFields(d *decoder, m *Manager) []field {
	return []field{
		d.intF("count", "number of manager hosts; every manager runs every runner", &m.Count, 1),
		d.strF("instance_type", "EC2 instance type of the managers", &m.InstanceType, pattern(instanceTypeRE)),
		d.strF("image_id", "manager AMI, built from packer/manager.pkr.hcl (ami-…)", &m.ImageID, pattern(amiRE)).req(),
		d.strF("timezone", "IANA time zone of the managers, used by schedules without their own", &m.Timezone, schema{"type": "string"}),
		d.intF("concurrent", "config.toml concurrent: jobs at once per manager", &m.Concurrent, 1),
		d.intF("check_interval", "config.toml check_interval, in seconds", &m.CheckInterval, 1),
		d.intF("volume_size_gb", "root volume size of the managers", &m.VolumeSizeGB, 8),
	}
}

func cacheFields(d *decoder, c *Cache) []field {
	return []field{
		d.boolF("enabled", "create the S3 cache bucket and point runners at it", &c.Enabled),
		d.boolF("shared", "share the cache between runners ([runners.cache] Shared)", &c.Shared),
		d.intF("expire_days", "days after which cache objects expire", &c.ExpireDays, 1),
	}
}

func poolFields(d *decoder, p *Pool) []field {
	return []field{
		d.strF("name", "pool name (lowercase letters, digits and hyphens)", &p.Name, pattern(poolNameRE)).req(),
		d.strF("executor", "docker+machine or docker-autoscaler", &p.Executor, enum(ExecutorDockerMachine, ExecutorDockerAutoscaler)).req(),
		d.strF("market", "spot, on-demand or spot-with-on-demand-fallback", &p.Market, enum(MarketSpot, MarketOnDemand, MarketSpotFallback)),
		d.strsF("instance_types", "EC2 instance types, most preferred first", &p.InstanceTypes, pattern(instanceTypeRE)).req(),
		d.strF("image_id", "worker AMI, built from packer/worker.pkr.hcl (ami-…)", &p.ImageID, pattern(amiRE)).req(),
		d.intF("volume_size_gb", "root volume size of the workers", &p.VolumeSizeGB, 8),
		d.objF("idle", "docker+machine: idle machines outside schedules", idleFields(d, &p.Idle)),
		listF(d, "schedules", "periods with other idle capacity", &p.Schedules, defaultSchedule,
			func(s *Schedule) []field { return scheduleFields(d, s) }),
		d.intF("max_instances", "docker-autoscaler: most instances at once", &p.MaxInstances, 1),
		d.intF("capacity_per_instance", "docker-autoscaler: jobs per instance", &p.CapacityPerInstance, 1),
		d.intF("max_use_count", "docker-autoscaler: jobs before an instance is replaced (0: no limit)", &p.MaxUseCount, 0),
		d.intF("on_demand_base", "docker-autoscaler with spot-with-on-demand-fallback: on-demand instances always kept", &p.OnDemandBase, 0),
		d.strF("instance_ready_command", "docker-autoscaler: command that must succeed before an instance takes jobs",
			&p.InstanceReadyCommand, schema{"type": "string"}),
		d.strF("plugin", "docker-autoscaler: fleeting plugin ([runners.autoscaler] plugin), an OCI reference such as "+
			"aws:latest or aws:1.0.0", &p.Plugin, pattern(pluginRE)),
	}
}

func idleFields(d *decoder, i *Idle) []field {
	return []field{
		d.intF("count", "idle machines kept ready (IdleCount)", &i.Count, 0),
		d.durF("time", "how long a machine may idle before removal (IdleTime)", &i.Time),
		d.intF("max_builds", "jobs before a machine is removed (MaxBuilds, 0: no limit)", &i.MaxBuilds, 0),
	}
}

func scheduleFields(d *decoder, s *Schedule) []field {
	return []field{
		d.strsF("periods", "cron periods: 7 fields (sec min hour day month weekday year) for docker+machine, "+
			"5 fields for docker-autoscaler", &s.Periods, schema{"type": "string"}).req(),
		d.strF("timezone", "IANA time zone of the periods (default: manager.timezone)", &s.Timezone, schema{"type": "string"}),
		d.intF("idle_count", "idle machines or instances during the periods", &s.IdleCount, 0),
		d.durF("idle_time", "idle time during the periods", &s.IdleTime),
		d.numF("scale_factor", "docker-autoscaler: idle capacity as a factor of capacity in use", &s.ScaleFactor),
		d.intF("scale_factor_limit", "docker-autoscaler: upper bound of the scale factor's capacity", &s.ScaleFactorLimit, 0),
	}
}

func runnerFields(d *decoder, r *Runner) []field {
	return []field{
		d.strF("name", "runner name (lowercase letters, digits and hyphens)", &r.Name, pattern(runnerNameRE)).req(),
		d.strF("pool", "name of the pool the runner's jobs run on", &r.Pool, schema{"type": "string"}).req(),
		d.strsF("tags", "job tags (informational: tags are set on the runner in GitLab)", &r.Tags, schema{"type": "string"}),
		d.intF("limit", "most jobs at once for this runner on one manager (0: no limit)", &r.Limit, 0),
		d.secretF("token", "runner authentication token; default gitlab.token", &r.Token),
		d.objF("docker", "the runner's [runners.docker] section", dockerFields(d, &r.Docker)),
	}
}

func dockerFields(d *decoder, c *Docker) []field {
	return []field{
		d.strF("image", "default job image", &c.Image, schema{"type": "string"}),
		d.boolF("privileged", "run job containers privileged (needed for docker-in-docker)", &c.Privileged),
		d.strsF("volumes", "volumes mounted into job containers", &c.Volumes, schema{"type": "string"}),
		{key: "shm_size", schema: schema{"type": "integer", "minimum": 0, "description": "/dev/shm size in bytes"},
			decode: d.int64Into(&c.ShmSize)},
	}
}

func pruneFields(d *decoder, p *Prune) []field {
	return []field{
		d.strF("schedule", "cron schedule (5 fields) of the prune job", &p.Schedule, schema{"type": "string"}),
		d.durF("stuck_after", "a machine with no IP after this long is stuck", &p.StuckAfter),
		d.durF("workspace_ttl", "a workspace gitlab-runner no longer tracks is stale after this long", &p.WorkspaceTTL),
		d.intF("max_per_run", "most deletions in one run", &p.MaxPerRun, 1),
	}
}

func driftFields(d *decoder, r *Drift) []field {
	return []field{
		d.strF("schedule", "cron schedule (5 fields) of the drift check", &r.Schedule, schema{"type": "string"}),
		d.boolF("remediate", "apply what a drift check finds in the manager stack; false only reports it", &r.Remediate),
	}
}

func pattern(re string) schema { return schema{"type": "string", "pattern": re} }

func enum(values ...string) schema { return schema{"type": "string", "enum": values} }
