package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// benchMain makes the test binary act as the runnerfleet binary when this variable is set, so
// benchmarks can time whole processes, as a systemd timer starts them.
const benchMain = "RUNNERFLEET_BENCH_MAIN"

func TestMain(m *testing.M) {
	isolateAWS()
	if os.Getenv(benchMain) != "" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// isolateAWS keeps every AWS SDK call of these tests on this machine: the instance metadata
// service is off, credentials and region are fixed, and the endpoint is a closed local port
// unless a test points it at its in-process fake.
func isolateAWS() {
	for k, v := range map[string]string{
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		os.Setenv(k, v)
	}
}

// BenchmarkReconcile times, side by side on one repository served by git http-backend:
// `git ls-remote`, an unchanged `runnerfleet reconcile` (the no-op shortcut), and a reconcile
// of a commit that changes only a runner setting. Reported: medians and the ratios
// unchanged/ls-remote (goal ≤ 1.5) and runner-change/unchanged (goal ≤ 2).
func BenchmarkReconcile(b *testing.B) {
	srv := gitserver.NewServer(b)
	repo := srv.NewRepo(b, "fleet.git")
	spec, err := os.ReadFile("../../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Replace(string(spec), "{ssm: /ci-runners/runner-token}", "{env: BENCH_TOKEN}", 1)
	repo.Commit(map[string]string{"fleet.yaml": text}, "fleet")
	dir := b.TempDir()
	var rss int64 // peak RSS of the last reconcile process, KiB
	reconcile := func() time.Duration {
		cmd := exec.Command(os.Args[0], "reconcile", "--repo", srv.URL("fleet.git"), "--git-username", srv.User,
			"--scope", "manager", "--manager", "manager-0", "--state-dir", filepath.Join(dir, "state"),
			"--runner-config-dir", filepath.Join(dir, "etc"))
		cmd.Env = append(os.Environ(), benchMain+"=1", "BENCH_TOKEN=glrt-bench", "RUNNERFLEET_GIT_PASSWORD="+srv.Password)
		d := timed(b, cmd)
		rss = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
		return d
	}
	lsRemote := func() time.Duration {
		return timed(b, gitserver.GitCmd("", nil, "ls-remote", srv.URLWithAuth("fleet.git"), "refs/heads/main"))
	}
	reconcile()
	var ls, unchanged, change []time.Duration
	var unchangedRSS []int64
	tfRuns := terraformRuns(b, dir)
	for i := 0; b.Loop(); i++ {
		ls = append(ls, lsRemote())
		unchanged = append(unchanged, reconcile())
		unchangedRSS = append(unchangedRSS, rss)
		b.StopTimer()
		repo.Commit(map[string]string{"fleet.yaml": strings.Replace(text, "limit: 20", fmt.Sprintf("limit: %d", 21+i), 1)}, "runner limit")
		b.StartTimer()
		change = append(change, reconcile())
	}
	b.ReportMetric(ms(median(ls)), "ls-remote-ms")
	b.ReportMetric(ms(median(unchanged)), "unchanged-ms")
	b.ReportMetric(ms(median(change)), "runner-change-ms")
	b.ReportMetric(ms(median(unchanged))/ms(median(ls)), "unchanged/ls-remote")
	b.ReportMetric(ms(median(change))/ms(median(unchanged)), "change/unchanged")
	b.ReportMetric(float64(median(unchangedRSS))/1024, "unchanged-peak-RSS-MiB")
	b.ReportMetric(float64(terraformRuns(b, dir)-tfRuns)/float64(len(change)), "terraform-runs/change")
}

// terraformRuns reads terraform_runs, the plans and applies of every run, from status.json.
func terraformRuns(b *testing.B, dir string) int {
	raw, err := os.ReadFile(filepath.Join(dir, "state", "status.json"))
	if err != nil {
		b.Fatal(err)
	}
	var st struct {
		TerraformRuns *int `json:"terraform_runs"`
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.TerraformRuns == nil {
		b.Fatalf("status.json has no terraform_runs: %v", err)
	}
	return *st.TerraformRuns
}

func timed(b *testing.B, cmd *exec.Cmd) time.Duration {
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Args[0], err, out)
	}
	return time.Since(start)
}

func median[T cmp.Ordered](d []T) T {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
