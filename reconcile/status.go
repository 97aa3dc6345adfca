package reconcile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

// maxRuns is how many runs status.json keeps.
const maxRuns = 10

// Status is <state>/status.json: what was last applied where, when drift and prune ran, and
// the last runs. It never holds a secret: file hashes only, and errors are scrubbed.
type Status struct {
	Version int `json:"version"`
	// Applied is keyed by target: "infra" or "manager/<name>".
	Applied       map[string]workspaces.Manifest `json:"applied"`
	DriftSchedule string                         `json:"drift_schedule,omitempty"` // of the last applied spec
	LastDrift     time.Time                      `json:"last_drift,omitzero"`
	PruneSchedule string                         `json:"prune_schedule,omitempty"`
	LastPrune     time.Time                      `json:"last_prune,omitzero"`
	Prune         PruneState                     `json:"prune,omitzero"`
	TerraformRuns int                            `json:"terraform_runs"` // plans and applies, all runs
	Runs          []RunRecord                    `json:"runs"`
}

// RunRecord is one run's outcome.
type RunRecord struct {
	Started    time.Time `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	Scope      string    `json:"scope"`
	Commit     string    `json:"commit,omitempty"`
	Result     string    `json:"result"` // up-to-date, applied, invalid, failed
	Changes    []string  `json:"changes,omitempty"`
	Error      string    `json:"error,omitempty"`
}

func newStatus() *Status {
	return &Status{Version: 1, Applied: map[string]workspaces.Manifest{}, Runs: []RunRecord{}}
}

// ErrCorruptStatus means status.json could not be read; the run starts afresh.
var ErrCorruptStatus = errors.New("status.json is corrupt")

// LoadStatus reads <state>/status.json. A missing file is a fresh start; a corrupt one is a
// fresh start too, reported with an error wrapping ErrCorruptStatus so the caller can log it.
func LoadStatus(stateDir string) (*Status, error) {
	path := filepath.Join(stateDir, "status.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newStatus(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read %s: %w", path, err)
	}
	s := newStatus()
	if err := json.Unmarshal(b, s); err != nil || s.Version != 1 {
		return newStatus(), fmt.Errorf("%w: %s (starting afresh: every file is compared again and the stack re-planned)", ErrCorruptStatus, path)
	}
	if s.Applied == nil {
		s.Applied = map[string]workspaces.Manifest{}
	}
	return s, nil
}

// Save writes status.json atomically, 0600.
func (s *Status) Save(stateDir string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("unable to encode status.json: %w", err)
	}
	return workspaces.WriteFile(filepath.Join(stateDir, "status.json"), append(b, '\n'), 0o600)
}

// record appends a run, keeping the last maxRuns.
func (s *Status) record(r RunRecord) {
	s.Runs = append(s.Runs, r)
	if len(s.Runs) > maxRuns {
		s.Runs = s.Runs[len(s.Runs)-maxRuns:]
	}
}
