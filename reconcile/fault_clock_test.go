package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

func TestDueAcrossClockJumps(t *testing.T) {
	last := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"just ran", last.Add(time.Minute), false},
		{"next hour", last.Add(time.Hour), true},
		{"a month forward", last.Add(30 * 24 * time.Hour), true},
		{"clock went back a day", last.Add(-24 * time.Hour), true},
		{"clock went back a second", last.Add(-time.Second), true},
	} {
		if got := reconcile.Due("0 * * * *", last, c.now); got != c.want {
			t.Errorf("%s: Due = %v, want %v", c.name, got, c.want)
		}
	}
	if !reconcile.Due("0 * * * *", time.Time{}, last) || reconcile.Due("not cron", last, last.Add(48*time.Hour)) {
		t.Error("never run must be due; an invalid schedule never")
	}
}

// TestFaultClockJumps: after a forward jump the hourly drift check and the 10-minute prune run
// once, not once per missed time; after a backward jump they run once and then keep their
// schedule instead of stalling until the clock catches up with the recorded times.
func TestFaultClockJumps(t *testing.T) {
	h := newPruneHarness(t, reconcile.ScopeManager)
	deps := h.pruneDeps()
	run := func() {
		t.Helper()
		if _, err := reconcile.Run(context.Background(), h.opts, deps); err != nil {
			t.Fatal(err)
		}
	}
	checks := func() (fetches int, lastPrune time.Time) { return h.src.fetches, status(t, h.harness).LastPrune }
	run()
	start := h.now

	h.now = start.Add(30 * 24 * time.Hour) // forward a month
	f0, _ := checks()
	run()
	if f, lp := checks(); f != f0+1 || !lp.Equal(h.now) {
		t.Fatalf("forward jump: fetches %d→%d, last prune %v; want one drift check and one prune", f0, f, lp)
	}
	for range 3 { // minutes later: no storm of catch-up runs
		h.now = h.now.Add(time.Minute)
		run()
	}
	if f, _ := checks(); f != f0+1 {
		t.Errorf("forward jump: %d forced fetches after the first, want none", f-f0-1)
	}

	h.now = start.Add(-48 * time.Hour) // back two days, before every recorded time
	run()
	if f, lp := checks(); f != f0+2 || !lp.Equal(h.now) {
		t.Fatalf("backward jump: fetches %d, last prune %v; want one check at once", f-f0, lp)
	}
	h.now = h.now.Add(time.Minute)
	run()
	if f, _ := checks(); f != f0+2 {
		t.Error("backward jump: checks repeated a minute later")
	}
	h.now = h.now.Add(65 * time.Minute) // the schedules fire again from the new time
	run()
	if f, lp := checks(); f != f0+3 || !lp.Equal(h.now) {
		t.Errorf("backward jump: stalled (fetches %d, last prune %v at %v)", f-f0, lp, h.now)
	}
}
