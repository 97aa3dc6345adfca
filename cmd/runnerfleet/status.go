package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
	"github.com/spf13/cobra"
)

func newStatus() *cobra.Command {
	var stateDir, format string
	cmd := &cobra.Command{
		Use:   "status [--state-dir DIR] [--format text|json]",
		Short: "Show the last runs, what is applied, and when drift and prune run next",
		Long: `Status reads <state-dir>/status.json (it takes no lock and changes nothing) and shows the
commit applied to each target with its files, the last runs with their result and error,
the last and next drift check and prune (from the schedules of the last applied spec), and
prune's pending orphan marks and failing removals. --format json prints status.json itself
with a "next" object added.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := reconcile.LoadStatus(stateDir)
			if err != nil {
				return err
			}
			next := nextRuns(st, nowFunc())
			if format == "json" {
				return printStatusJSON(cmd.OutOrStdout(), st, next)
			}
			if format != "text" {
				return fmt.Errorf("unknown --format %q: use text or json", format)
			}
			printStatus(cmd.OutOrStdout(), st, next)
			return nil
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "/var/lib/runnerfleet", "state dir whose status.json to read")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// nextRuns are the next drift check and prune, per the last applied spec's schedules.
type next struct {
	Drift time.Time `json:"drift,omitzero"`
	Prune time.Time `json:"prune,omitzero"`
}

func nextRuns(st *reconcile.Status, now time.Time) next {
	var n next
	if t, ok := reconcile.NextRun(st.DriftSchedule, st.LastDrift); ok && st.DriftSchedule != "" {
		n.Drift = later(t, now)
	}
	if t, ok := reconcile.NextRun(st.PruneSchedule, st.LastPrune); ok && st.PruneSchedule != "" {
		n.Prune = later(t, now)
	}
	return n
}

// later is t, or now when t is already past (the job is due: it runs on the next reconcile).
func later(t, now time.Time) time.Time {
	if t.Before(now) {
		return now
	}
	return t
}

func printStatusJSON(w io.Writer, st *reconcile.Status, n next) error {
	out := struct {
		*reconcile.Status
		Next next `json:"next"`
	}{st, n}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printStatus(w io.Writer, st *reconcile.Status, n next) {
	targets := make([]string, 0, len(st.Applied))
	for t := range st.Applied {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	if len(targets) == 0 {
		fmt.Fprintln(w, "nothing applied yet")
	}
	for _, t := range targets {
		m := st.Applied[t]
		fmt.Fprintf(w, "%-20s commit %s, %d files\n", t, short(m.Commit), len(m.Files))
	}
	fmt.Fprintf(w, "drift check         last %s, next %s (%s)\n", when(st.LastDrift), when(n.Drift), orNone(st.DriftSchedule))
	fmt.Fprintf(w, "prune               last %s, next %s (%s)\n", when(st.LastPrune), when(n.Prune), orNone(st.PruneSchedule))
	if k := len(st.Prune.Marks); k > 0 {
		fmt.Fprintf(w, "prune marks         %d orphan(s) marked, removed on a later run if still orphaned\n", k)
	}
	keys := make([]string, 0, len(st.Prune.Failures))
	for k := range st.Prune.Failures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := st.Prune.Failures[k]
		fmt.Fprintf(w, "prune failure       %s: %d attempt(s): %s\n", k, f.Count, f.LastError)
	}
	fmt.Fprintf(w, "terraform runs      %d\n\nlast runs:\n", st.TerraformRuns)
	for i := len(st.Runs) - 1; i >= 0; i-- {
		r := st.Runs[i]
		fmt.Fprintf(w, "  %s  %-7s %-10s %s %6dms", r.Started.Format(time.RFC3339), r.Scope, r.Result, short(r.Commit), r.DurationMS)
		if r.Error != "" {
			fmt.Fprintf(w, "  %s", r.Error)
		}
		fmt.Fprintln(w)
	}
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	if commit == "" {
		return "-"
	}
	return commit
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func orNone(s string) string {
	if s == "" {
		return "no schedule yet"
	}
	return s
}
