package reconcile

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

// writeMetrics writes the Prometheus text format for node_exporter's textfile collector,
// atomically (the collector must never read half a file). path "" writes nothing.
func writeMetrics(path string, s *Status) error {
	if path == "" || len(s.Runs) == 0 {
		return nil
	}
	return workspaces.WriteFile(path, metrics(s), 0o644)
}

func metrics(s *Status) []byte {
	last := s.Runs[len(s.Runs)-1]
	var b strings.Builder
	gauge := func(name, help, labels string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s%s %g\n", name, help, name, name, labels, v)
	}
	if ok := lastSuccess(s); !ok.Started.IsZero() {
		gauge("runnerfleet_last_success_timestamp_seconds", "Start of the last run that succeeded.", "",
			float64(ok.Started.Add(msDuration(ok.DurationMS)).Unix()))
	}
	gauge("runnerfleet_last_run_timestamp_seconds", "Start of the last run.", "", float64(last.Started.Unix()))
	gauge("runnerfleet_last_run_duration_seconds", "Duration of the last run.", "", float64(last.DurationMS)/1000)
	for _, r := range []string{"up-to-date", "applied", "invalid", "failed"} {
		v := 0.0
		if r == last.Result {
			v = 1
		}
		gauge("runnerfleet_last_run_result", "1 for the result of the last run.", fmt.Sprintf("{result=%q}", r), v)
	}
	for _, t := range sortedKeys(s.Applied) {
		gauge("runnerfleet_applied_commit_info", "The commit last applied to each target.",
			fmt.Sprintf("{target=%q,commit=%q}", t, s.Applied[t].Commit), 1)
	}
	fmt.Fprintf(&b, "# HELP runnerfleet_terraform_runs_total Terraform plans and applies run.\n"+
		"# TYPE runnerfleet_terraform_runs_total counter\nrunnerfleet_terraform_runs_total %d\n", s.TerraformRuns)
	return []byte(b.String())
}

func lastSuccess(s *Status) RunRecord {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		if r := s.Runs[i]; r.Result == "applied" || r.Result == "up-to-date" {
			return r
		}
	}
	return RunRecord{}
}

func sortedKeys(m map[string]workspaces.Manifest) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
