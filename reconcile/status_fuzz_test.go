package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

// realStatus is status.json as a manager writes it after a few runs and a prune.
func realStatus() *Status {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	s := newStatus()
	s.Applied["manager/manager-0"] = workspaces.Manifest{Commit: "0123456789abcdef0123456789abcdef01234567",
		Files: map[string]string{"config.toml": workspaces.Hash([]byte("a")), "pools/spot.zip": workspaces.Hash([]byte("b"))}}
	s.Applied["infra"] = workspaces.Manifest{Commit: "0123456789abcdef0123456789abcdef01234567", Files: map[string]string{}}
	s.DriftSchedule, s.LastDrift = "0 * * * *", t0
	s.PruneSchedule, s.LastPrune = "*/10 * * * *", t0.Add(-10*time.Minute)
	s.Prune.Marks = map[string]Mark{"instance/i-0123456789abcdef0": {FirstSeen: t0, Reason: "orphan"}}
	s.Prune.Failures = map[string]Failure{"workspace/runner-abc": {Count: 2, LastError: "exit status 1", LastTry: t0}}
	s.Prune.Last = &PruneSummary{Started: t0, Scope: ScopeManager, Removed: 1, Marked: 1, Calls: 6}
	s.TerraformRuns = 4
	s.record(RunRecord{Started: t0, DurationMS: 1234, Scope: ScopeManager, Commit: "0123456", Result: "applied",
		Changes: []string{"config.toml: runner spot-docker changed"}})
	s.record(RunRecord{Started: t0.Add(time.Minute), Scope: ScopeManager, Result: "failed", Error: "unable to fetch: EOF"})
	return s
}

// FuzzLoadStatus feeds status.json corrupt in every way to the loader, with the state dir's
// lock held as a run holds it. A corrupt file gives an error wrapping ErrCorruptStatus and a
// fresh status, never a panic; whatever loads can be used by a run (schedules, records,
// metrics, prune memory) and saved and loaded again; and the lock is released and can be taken
// again afterwards.
func FuzzLoadStatus(f *testing.F) {
	real, err := json.MarshalIndent(realStatus(), "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	fresh, _ := json.Marshal(newStatus())
	for _, seed := range [][]byte{real, fresh, real[:len(real)/2], nil, []byte("null"), []byte("{}"), []byte(`{"version":2}`),
		[]byte(`{"version":1,"applied":null,"runs":null,"prune":{"marks":null}}`),
		[]byte(`{"version":1,"applied":{"manager/manager-0":null},"drift_schedule":"TZ=Europe/Amsterdam","last_drift":"2026-12-03T10:00:00+01:00"}`),
		[]byte(`{"version":1,"prune_schedule":"@every 1s","last_prune":"9999-12-31T23:59:59Z","runs":[{"result":"applied"}]}`),
		[]byte("\x00\xff{\"version\":1}"),
		[]byte(`{"version":1,"prune_schedule":"CRON_TZ=UTC 0 * * * *","drift_schedule":"0 0 30 2 *"}`),
	} {
		f.Add(seed)
	}
	dir := f.TempDir() // one state dir per fuzzing process, rewritten for every input
	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "status.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		lock, err := Acquire(dir, now)
		if err != nil {
			t.Fatalf("the lock: %v", err)
		}
		s, err := LoadStatus(dir)
		if err != nil {
			if !errors.Is(err, ErrCorruptStatus) || !strings.Contains(err.Error(), "status.json") {
				t.Fatalf("not a clear corrupt-status error: %v", err)
			}
			if !reflect.DeepEqual(s, newStatus()) {
				t.Fatalf("a corrupt file did not give a fresh start: %+v", s)
			}
		}
		if s == nil || s.Applied == nil || s.Version != 1 {
			t.Fatalf("unusable status %+v (error %v)", s, err)
		}
		if _, err := Acquire(dir, now); !errors.Is(err, ErrLocked) {
			t.Fatalf("a second run got in while the lock was held: %v", err)
		}
		// What a run does with it.
		r := &run{opts: Options{Scope: ScopeAll, Manager: "manager-0", StateDir: dir}, status: s, now: now}
		r.deps.Prune.Destroyer = func(context.Context, string, string) (Destroyer, error) { return nil, nil }
		_ = r.lastApplied()
		_ = r.driftDue()
		_ = r.pruneDue(s.PruneSchedule)
		s.record(RunRecord{Started: now, Scope: ScopeAll, Result: "up-to-date"})
		if len(s.Runs) > maxRuns {
			t.Fatalf("%d runs kept", len(s.Runs))
		}
		_ = metrics(s)
		s.Prune.updateMarks(nil, now)
		s.Prune.updateFailures(nil, now)
		if err := s.Save(dir); err != nil {
			t.Fatalf("a status that loaded does not save: %v", err)
		}
		if _, err := LoadStatus(dir); err != nil {
			t.Fatalf("a saved status does not load: %v", err)
		}
		if err := lock.Release(); err != nil {
			t.Fatal(err)
		}
		again, err := Acquire(dir, now)
		if err != nil {
			t.Fatalf("the lock was lost: %v", err)
		}
		if err := again.Release(); err != nil {
			t.Fatal(err)
		}
	})
}
