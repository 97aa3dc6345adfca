package reconcile

import (
	"time"
)

// PruneState is pruning's memory in status.json: orphans marked on earlier runs, and
// deletions that failed (kept and retried every run).
type PruneState struct {
	// Marks are orphaned EC2 objects seen on an earlier run, keyed "<kind>/<id>".
	Marks map[string]Mark `json:"marks,omitempty"`
	// Failures are removals that failed, keyed "<kind>/<id>" (kind workspace: the machine).
	Failures map[string]Failure `json:"failures,omitempty"`
	Last     *PruneSummary      `json:"last,omitempty"`
}

// Mark is an orphan's first sighting.
type Mark struct {
	FirstSeen time.Time `json:"first_seen"`
	Reason    string    `json:"reason"`
}

// Failure is a removal that failed, Count times in a row.
type Failure struct {
	Count     int       `json:"count"`
	LastError string    `json:"last_error"`
	LastTry   time.Time `json:"last_try"`
}

// PruneSummary is the outcome of the last prune.
type PruneSummary struct {
	Started  time.Time `json:"started"`
	Scope    string    `json:"scope"`
	Commit   string    `json:"commit,omitempty"`
	Removed  int       `json:"removed"`
	Marked   int       `json:"marked"`
	Failed   int       `json:"failed"`
	Deferred int       `json:"deferred"` // left for the next run by prune.max_per_run
	Calls    int       `json:"ec2_calls"`
	Error    string    `json:"error,omitempty"`
}

// updateMarks keeps the marks of objects still orphaned (first sighting kept, new ones now)
// and drops the rest; acted-on objects that were removed are dropped too.
func (s *PruneState) updateMarks(ds []PruneDecision, now time.Time) {
	next := map[string]Mark{}
	for _, d := range ds {
		if d.Kind == KindWorkspace || d.Error == "" && d.Phase == PhaseAct && !d.Deferred {
			continue
		}
		key := markKey(d.Kind, d.ID)
		m, ok := s.Marks[key]
		if !ok {
			m = Mark{FirstSeen: now, Reason: d.Reason}
		}
		next[key] = m
	}
	s.Marks = next
}

// updateFailures counts failed removals and forgets the ones that succeeded or are no longer
// decided on.
func (s *PruneState) updateFailures(ds []PruneDecision, now time.Time) {
	next := map[string]Failure{}
	for _, d := range ds {
		key := markKey(d.Kind, d.ID)
		switch {
		case d.Error != "":
			f := s.Failures[key]
			next[key] = Failure{Count: f.Count + 1, LastError: d.Error, LastTry: now}
		case d.Deferred || !d.Deletes():
			if f, ok := s.Failures[key]; ok && d.Deletes() {
				next[key] = f
			}
		}
	}
	s.Failures = next
}
