package reconcile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// backupSuffix names the copy of a config.toml that runnerfleet did not write, kept once.
const backupSuffix = ".runnerfleet-backup"

// applyManager writes this manager's worker templates, then config.toml, each only when its
// bytes differ from what is on disk, and removes files it wrote before that are no longer
// rendered.
func (r *run) applyManager(spec *fleet.Spec, commit string, res *Result) error {
	secrets := newTolerantSecrets(r.secrets)
	files, err := render.Manager(spec, secrets, r.opts.Manager, render.Options{RunnerConfigDir: r.opts.RunnerConfigDir})
	if err != nil {
		return err
	}
	held, err := r.holdBack(spec, files, secrets)
	if err != nil {
		return err
	}
	target := targetManager(r.opts.Manager)
	prev := r.status.Applied[target]
	if !r.opts.DryRun {
		if err := os.MkdirAll(filepath.Join(r.opts.RunnerConfigDir, "pools"), 0o755); err != nil {
			return fmt.Errorf("unable to create the runner config dir: %w", err)
		}
		if err := r.backupUnmanaged(prev); err != nil {
			return err
		}
	}
	for _, p := range writeOrder(files) {
		if err := r.writeIfChanged(p, files[p], res); err != nil {
			return err
		}
	}
	if held != nil {
		// Kept entries may point at templates the spec no longer renders: remove nothing yet.
		r.deps.Logger.Warn("runners held back: their tokens could not be resolved", "manager", r.opts.Manager,
			"kept", held.Kept, "omitted", held.Omitted)
		if !r.opts.DryRun {
			r.status.Applied[target] = heldManifest(prev, files)
		}
		return held
	}
	if err := r.removeStale(prev, files, res); err != nil {
		return err
	}
	if !r.opts.DryRun {
		r.status.Applied[target] = workspaces.NewManifest(commit, files)
	}
	return nil
}

// writeOrder puts config.toml last, so a runner never points at a template not yet written.
func writeOrder(files render.Files) []string {
	paths := files.Paths()
	sort.SliceStable(paths, func(i, j int) bool { return paths[j] == "config.toml" && paths[i] != "config.toml" })
	return paths
}

func (r *run) writeIfChanged(rel string, data []byte, res *Result) error {
	path := filepath.Join(r.opts.RunnerConfigDir, filepath.FromSlash(rel))
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, data) {
		return nil
	}
	what := "changed"
	if errors.Is(err, os.ErrNotExist) {
		what = "new"
	}
	res.Changes = append(res.Changes, fmt.Sprintf("%s: write %s (%s)", r.opts.Manager, rel, what))
	if r.opts.DryRun {
		return nil
	}
	r.deps.Logger.Info("writing", "manager", r.opts.Manager, "file", path, "why", what)
	perm := os.FileMode(0o644)
	if rel == "config.toml" {
		perm = 0o600 // it holds the runner tokens
	}
	return workspaces.WriteFile(path, data, perm)
}

// removeStale removes files runnerfleet wrote before (they are in the manifest) that the spec
// no longer renders, such as the template of a removed pool. Nothing else is ever removed.
func (r *run) removeStale(prev workspaces.Manifest, files render.Files, res *Result) error {
	var stale []string
	for p := range prev.Files {
		if _, ok := files[p]; !ok && strings.HasPrefix(p, "pools/") {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	for _, p := range stale {
		path := filepath.Join(r.opts.RunnerConfigDir, filepath.FromSlash(p))
		if _, err := os.Stat(path); err != nil {
			continue
		}
		res.Changes = append(res.Changes, fmt.Sprintf("%s: remove %s (no longer in the spec)", r.opts.Manager, p))
		if r.opts.DryRun {
			continue
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("unable to remove %s: %w", path, err)
		}
	}
	return nil
}

// backupUnmanaged copies a config.toml that runnerfleet has never written (it has no
// manifest entry) beside itself, once, before the first write replaces it.
func (r *run) backupUnmanaged(prev workspaces.Manifest) error {
	if _, managed := prev.Files["config.toml"]; managed {
		return nil
	}
	path := filepath.Join(r.opts.RunnerConfigDir, "config.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil // nothing there to keep
	}
	backup := path + backupSuffix
	if _, err := os.Stat(backup); err == nil {
		return nil
	}
	r.deps.Logger.Info("keeping a backup of the unmanaged config.toml", "file", backup)
	return workspaces.WriteFile(backup, data, 0o600)
}
