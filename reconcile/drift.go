package reconcile

import (
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// driftDue reports whether a drift check is due: the drift schedule of the last applied spec
// has fired since the last check. A drift check fetches and renders even when the commit is
// unchanged, so the manager stack is re-planned and hand-edited or stale files (a rotated
// token, say) are rewritten. Before anything was applied there is nothing to drift from.
func (r *run) driftDue() bool {
	if r.status.DriftSchedule == "" || r.lastApplied() == "" {
		return false
	}
	return Due(r.status.DriftSchedule, r.status.LastDrift, r.now)
}

// Due reports whether schedule has fired between last and now. Only the last run is
// remembered, so after the clock jumps forward the schedule fires once, not once per missed
// time. A last after now means the clock went back since it was recorded: the schedule fires
// once at now, which records a last that is not in the future, instead of stalling until the
// clock catches up with the old time.
func Due(schedule string, last, now time.Time) bool {
	next, ok := NextRun(schedule, last)
	return ok && (!next.After(now) || last.After(now))
}

// NextRun is the first time a 5-field cron schedule fires after from. A zero from means the
// schedule has never run: it is due at once.
func NextRun(schedule string, from time.Time) (time.Time, bool) {
	sched, err := fleet.ParseSchedule(schedule)
	if err != nil {
		return time.Time{}, false
	}
	if from.IsZero() {
		return time.Time{}, true
	}
	return sched.Next(from), true
}
