package reconcile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
	"github.com/runnerfleet/runnerfleet/workspaces"
)

// unresolvedPrefix marks, in a rendered config.toml, the token of a runner whose reference
// could not be resolved. It never reaches the disk: holdBack replaces such an entry.
const unresolvedPrefix = "runnerfleet-unresolved-token:"

// tolerantSecrets resolves like Secrets but records a failure instead of returning it, so one
// unreachable token source (SSM down, a missing file) holds back only the runners that use it.
type tolerantSecrets struct {
	s      *Secrets
	failed map[string]error // ref → why; each reference is tried once per run
}

func newTolerantSecrets(s *Secrets) *tolerantSecrets {
	return &tolerantSecrets{s: s, failed: map[string]error{}}
}

// Token returns the value, or a marker naming the reference when it cannot be resolved.
func (t *tolerantSecrets) Token(ref fleet.SecretRef) (string, error) {
	key := ref.String()
	if _, failed := t.failed[key]; failed {
		return unresolvedPrefix + key, nil
	}
	v, err := t.s.Token(ref)
	if err != nil {
		t.failed[key] = err
		return unresolvedPrefix + key, nil
	}
	return v, nil
}

// UnresolvedTokensError reports runners whose token could not be resolved. They keep their
// previous config.toml entry (or, new runners, stay out of it); every other runner was
// applied. It names references, never values.
type UnresolvedTokensError struct {
	Kept    []string // runners that keep their previous entry
	Omitted []string // runners with no previous entry, left out
	// KeptFile is set when the config.toml on disk could not be read as one, so it was kept whole.
	KeptFile bool
	Err      error // why each reference failed, sorted by reference
}

func (e *UnresolvedTokensError) Error() string {
	var what []string
	if e.KeptFile {
		what = append(what, "config.toml was kept as it was (it could not be read to keep single entries)")
	}
	if len(e.Kept) > 0 {
		what = append(what, "runners "+strings.Join(e.Kept, ", ")+" keep their previous config.toml entries")
	}
	if len(e.Omitted) > 0 {
		what = append(what, "new runners "+strings.Join(e.Omitted, ", ")+" were left out")
	}
	return fmt.Sprintf("unable to resolve runner tokens: %v; %s; the other runners were applied, and the next run tries again",
		strings.ReplaceAll(e.Err.Error(), "\n", "; "), strings.Join(what, "; "))
}

func (e *UnresolvedTokensError) Unwrap() error { return e.Err }

// holdBack replaces, in files["config.toml"], each runner whose token did not resolve by its
// entry in the config.toml on disk, or leaves it out when it has none there. When the file on
// disk exists but cannot be decoded, config.toml is dropped from files, so the old one stays.
// It returns nil when every token resolved.
func (r *run) holdBack(spec *fleet.Spec, files render.Files, t *tolerantSecrets) (*UnresolvedTokensError, error) {
	if len(t.failed) == 0 {
		return nil, nil
	}
	held := &UnresolvedTokensError{Err: failures(t.failed)}
	var cfg render.RunnerConfig
	if err := toml.Unmarshal(files["config.toml"], &cfg); err != nil {
		return nil, fmt.Errorf("unable to decode the rendered config.toml: %w", err)
	}
	old, ok := r.currentRunners()
	if !ok {
		delete(files, "config.toml")
		held.KeptFile = true
		return held, nil
	}
	kept := cfg.Runners[:0]
	for _, rn := range cfg.Runners {
		switch prev, found := old[rn.Name]; {
		case !strings.HasPrefix(rn.Token, unresolvedPrefix):
			kept = append(kept, rn)
		case found:
			kept = append(kept, prev)
			held.Kept = append(held.Kept, rn.Name)
		default:
			held.Omitted = append(held.Omitted, rn.Name)
		}
	}
	cfg.Runners = kept
	b, err := render.EncodeConfig(spec, r.opts.Manager, cfg)
	if err != nil {
		return nil, err
	}
	files["config.toml"] = b
	return held, nil
}

// currentRunners reads the [[runners]] of the config.toml on disk by name. A missing file has
// none; a file that cannot be read or decoded gives false.
func (r *run) currentRunners() (map[string]render.Runner, bool) {
	b, err := os.ReadFile(filepath.Join(r.opts.RunnerConfigDir, "config.toml"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]render.Runner{}, true
	}
	var cfg render.RunnerConfig
	if err == nil {
		err = toml.Unmarshal(b, &cfg)
	}
	if err != nil {
		r.deps.Logger.Warn("the current config.toml cannot be read; keeping it whole", "manager", r.opts.Manager, "error", err)
		return nil, false
	}
	out := make(map[string]render.Runner, len(cfg.Runners))
	for _, rn := range cfg.Runners {
		out[rn.Name] = rn
	}
	return out, true
}

func failures(failed map[string]error) error {
	refs := make([]string, 0, len(failed))
	for ref := range failed {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	errs := make([]error, 0, len(refs))
	for _, ref := range refs {
		errs = append(errs, failed[ref])
	}
	return errors.Join(errs...)
}

// heldManifest records what a run that held runners back wrote: the commit stays the previous
// one, so the next run renders again, and files not written (a kept config.toml, templates
// that kept entries may still point at) keep their previous hashes.
func heldManifest(prev workspaces.Manifest, files render.Files) workspaces.Manifest {
	m := workspaces.NewManifest(prev.Commit, files)
	for p, h := range prev.Files {
		if _, ok := m.Files[p]; !ok {
			m.Files[p] = h
		}
	}
	return m
}
