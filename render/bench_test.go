package render_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

// bigSpec is a valid fleet of n docker+machine pools with two runners each.
func bigSpec(n int) *fleet.Spec {
	s := &fleet.Spec{Version: 1, Name: "bench",
		AWS:       fleet.AWS{Region: "eu-west-1", VPCID: "vpc-0123456789abcdef0", SubnetIDs: []string{"subnet-0aaa1111bbbb22223"}},
		GitLab:    fleet.GitLab{URL: "https://gitlab.example.com", Token: &fleet.SecretRef{Source: "ssm", Name: "/bench/token"}},
		Terraform: fleet.Terraform{Version: "1.9.8", DriverVersion: "0.14.11"},
		Manager: fleet.Manager{Count: 1, InstanceType: "t3.small", ImageID: "ami-0123456789abcdef0",
			Timezone: "UTC", Concurrent: 100, CheckInterval: 3, VolumeSizeGB: 30},
		Cache: fleet.Cache{Enabled: true, ExpireDays: 14},
	}
	for i := 0; i < n; i++ {
		pool := fmt.Sprintf("pool-%d", i)
		s.Pools = append(s.Pools, fleet.Pool{Name: pool, Executor: fleet.ExecutorDockerMachine, Market: fleet.MarketSpot,
			InstanceTypes: []string{"m5.large", "m6i.large"}, ImageID: "ami-0fedcba9876543210", VolumeSizeGB: 40,
			Idle:      fleet.Idle{Count: 1, Time: 30 * time.Minute},
			Schedules: []fleet.Schedule{{Periods: []string{"* * 9-17 * * mon-fri *"}, Timezone: "UTC", IdleCount: 4, IdleTime: time.Hour}}})
		for j := 0; j < 2; j++ {
			s.Runners = append(s.Runners, fleet.Runner{Name: fmt.Sprintf("r-%d-%d", i, j), Pool: pool,
				Docker: fleet.Docker{Image: "alpine:latest", Volumes: []string{"/cache"}}})
		}
	}
	return s
}

// BenchmarkRender renders fleets of 1,000 and 10,000 pools (2,000 and 20,000 runners) on one
// manager. Goal: under 50 ms at 1,000 pools, and a 10x spec costing at most 12x.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		spec := bigSpec(n)
		b.Run(fmt.Sprintf("pools=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := render.Render(spec, render.Redacted{}, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBigSpecRenders(t *testing.T) {
	files, err := render.Render(bigSpec(10), render.Redacted{}, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 10+1+2*10 {
		t.Errorf("%d files, want %d", len(files), 10+1+2*10)
	}
}
