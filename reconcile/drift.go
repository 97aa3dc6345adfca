package reconcile

import (
	"time"

	"github.com/robfig/cron/v3"
)

// driftDue reports whether a drift check is due: the drift schedule of the last applied spec
// has fired since the last check. A drift check fetches and renders even when the commit is
// unchanged, so the manager stack is re-planned and hand-edited or stale files (a rotated
// token, say) are rewritten. Before anything was applied there is nothing to drift from.
func (r *run) driftDue() bool {
	if r.status.DriftSchedule == "" || r.lastApplied() == "" {
		return false
	}
	next, ok := NextRun(r.status.DriftSchedule, r.status.LastDrift)
	return ok && !next.After(r.now)
}

// NextRun is the first time a 5-field cron schedule fires after from. A zero from means the
// schedule has never run: it is due at once.
func NextRun(schedule string, from time.Time) (time.Time, bool) {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return time.Time{}, false
	}
	if from.IsZero() {
		return time.Time{}, true
	}
	return sched.Next(from), true
}
