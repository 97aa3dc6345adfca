package reconcile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LocalLockFile is where Terraform's local backend records who holds the state lock. Terraform
// removes it when it releases the lock; a SIGKILL, an OOM kill or a power cut leaves it behind.
const LocalLockFile = ".terraform.tfstate.lock.info"

// StateLock is the lock information Terraform writes (the same fields for every backend).
type StateLock struct {
	ID        string    `json:"ID"`
	Operation string    `json:"Operation"`
	Who       string    `json:"Who"`
	Version   string    `json:"Version"`
	Created   time.Time `json:"Created"`
	Path      string    `json:"Path"`
}

func (l StateLock) String() string {
	return fmt.Sprintf("lock %s: %s by %s with terraform %s, since %s", l.ID, l.Operation, l.Who, l.Version,
		l.Created.UTC().Format(time.RFC3339))
}

// ReadStateLock reads the local backend's lock information in a stack dir; nil when there is
// none.
func ReadStateLock(dir string) (*StateLock, error) {
	path := filepath.Join(dir, LocalLockFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var l StateLock
	if err == nil {
		err = json.Unmarshal(b, &l)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read the state lock %s: %w", path, err)
	}
	return &l, nil
}

// ErrStaleStateLock means a Terraform run on the manager stack died holding its state lock.
var ErrStaleStateLock = errors.New("the manager stack's terraform state is still locked by a terraform that did not finish")

// checkStateLock refuses to run Terraform in dir while a lock is recorded there. runnerfleet's
// own lock is held, so no other runnerfleet terraform runs in dir: the lock is stale, and the
// run that left it may have created resources its state does not record yet.
func checkStateLock(dir string) error {
	l, err := ReadStateLock(dir)
	if err != nil || l == nil {
		return err
	}
	return fmt.Errorf("%w (%s; lock file %s). It may have created resources that its state does not record: "+
		"check the stack, then release the lock with `runnerfleet unlock --state-dir <state dir>` "+
		"(or `terraform force-unlock %s` in %s)", ErrStaleStateLock, l, filepath.Join(dir, LocalLockFile), l.ID, dir)
}
