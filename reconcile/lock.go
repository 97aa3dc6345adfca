package reconcile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrLocked means another run holds the state dir's lock.
var ErrLocked = errors.New("another runnerfleet run holds the lock")

// Lock is an exclusive flock on <state>/lock; the file names the holder.
type Lock struct{ f *os.File }

// Acquire takes the lock without waiting. When another process holds it, the error wraps
// ErrLocked and names that process's pid and start time.
func Acquire(stateDir string, now time.Time) (*Lock, error) {
	path := filepath.Join(stateDir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("unable to open the lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s; lock file %s)", ErrLocked, strings.TrimSpace(string(holder)), path)
		}
		return nil, fmt.Errorf("unable to lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = fmt.Fprintf(f, "pid %d, started %s\n", os.Getpid(), now.UTC().Format(time.RFC3339))
	}
	return &Lock{f: f}, nil
}

// Release lets the next run in. The file stays; only the flock matters.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
