package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

// ForceUnlock runs `terraform force-unlock -force <id>` in the working directory.
//
// The local backend locks its state with an OS file lock, which the kernel drops when
// terraform dies; what a killed terraform leaves is the lock information file, and
// force-unlock then answers "LocalState not locked". In that case, and only when the file
// there names id, the file is removed: no terraform holds the lock any more.
func (r *Runner) ForceUnlock(ctx context.Context, id string) error {
	err := r.run(ctx, "force-unlock", "force-unlock terraform state "+id, func() error {
		return r.tf.ForceUnlock(ctx, id)
	})
	var cerr *CommandError
	if err == nil || !errors.As(err, &cerr) || !strings.Contains(cerr.Stderr, "LocalState not locked") {
		return err
	}
	l, lerr := reconcile.ReadStateLock(r.dir)
	if lerr != nil {
		return lerr
	}
	if l == nil || l.ID != id {
		return fmt.Errorf("unable to force-unlock terraform state %s: the local state is not locked with that ID", id)
	}
	if err := os.Remove(filepath.Join(r.dir, reconcile.LocalLockFile)); err != nil {
		return fmt.Errorf("unable to remove the stale lock file: %w", err)
	}
	r.log.Info("removed the stale local state lock", "id", id, "dir", r.dir)
	return nil
}
