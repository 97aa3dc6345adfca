package fleet

import "time"

// Defaults, applied before decoding so that a key left out keeps them. The JSON Schema reports
// them too (see fields.go).
const (
	DefaultTerraformVersion = "1.9.8"
	DefaultDriverVersion    = "0.14.11"
	DefaultPlugin           = "aws:latest"
)

func defaultSpec() Spec {
	return Spec{
		AWS:       AWS{Tags: map[string]string{}},
		Terraform: Terraform{Version: DefaultTerraformVersion, DriverVersion: DefaultDriverVersion},
		Source:    Source{Ref: "main", Path: "fleet.yaml"},
		Manager: Manager{Count: 1, InstanceType: "t3.small", Timezone: "UTC", Concurrent: 10,
			CheckInterval: 3, VolumeSizeGB: 30},
		Cache: Cache{Enabled: true, ExpireDays: 14},
		Prune: Prune{Schedule: "*/10 * * * *", StuckAfter: 45 * time.Minute,
			WorkspaceTTL: 24 * time.Hour, MaxPerRun: 20},
		Drift: Drift{Schedule: "0 * * * *", Remediate: true},
	}
}

func defaultPool() Pool {
	return Pool{Market: MarketSpot, VolumeSizeGB: 40, Idle: Idle{Time: 30 * time.Minute},
		CapacityPerInstance: 1, Plugin: DefaultPlugin}
}

func defaultRunner() Runner {
	return Runner{Tags: []string{}, Docker: Docker{Image: "alpine:latest", Volumes: []string{"/cache"}}}
}

func defaultSchedule() Schedule {
	return Schedule{IdleTime: 30 * time.Minute}
}
