package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// markerFile records, under .terraform/, the inputs the last successful init saw.
const markerFile = "runnerfleet-init.json"

// Init runs terraform init when the directory was never initialised by a Runner, when
// .terraform/ was removed, or when the inputs init depends on changed since the last init:
//
//   - the backend (terraform { backend/cloud }) changed: init -force-copy, which migrates the
//     existing state into the new backend. -reconfigure is never used: it would start the new
//     backend from whatever state it holds (usually none), and the next apply would create
//     every resource a second time;
//   - required_providers/required_version changed and .terraform.lock.hcl did not: init
//     -upgrade, so providers are chosen again within the new constraints;
//   - anything else (the lock file, module sources, .tf.json files): a plain init, which
//     honours the lock file.
//
// The marker is written only after init succeeds, from the inputs as init left them (init
// may write .terraform.lock.hcl).
func (r *Runner) Init(ctx context.Context) error {
	cur, err := readInputs(r.dir)
	if err != nil {
		return fmt.Errorf("unable to read terraform inputs: %w", err)
	}
	prev, initialised := r.readMarker()
	if initialised && prev == cur {
		r.log.LogAttrs(ctx, slog.LevelDebug, "terraform init not needed", slog.String("dir", r.dir))
		return nil
	}
	opts, why := initOptions(prev, cur, initialised)
	r.log.LogAttrs(ctx, slog.LevelInfo, "terraform init", slog.String("dir", r.dir), slog.String("reason", why))
	err = r.run(ctx, "init", "initialise terraform working directory", func() error {
		r.quietVersion(ctx)
		return r.tf.Init(ctx, opts...)
	})
	if err != nil {
		return err
	}
	return r.writeMarker()
}

// quietVersion lets terraform-exec run (and cache) "terraform version -json", which it needs
// to pick init's flags, without that JSON landing in the log. A failure is left for init
// itself to report.
func (r *Runner) quietVersion(ctx context.Context) {
	r.stdout.mute()
	defer r.stdout.unmute()
	if _, _, err := r.tf.Version(ctx, false); err != nil {
		r.log.LogAttrs(ctx, slog.LevelDebug, "terraform version failed", slog.String("error", r.scrub(err.Error())))
	}
}

// initOptions picks init's flags from what changed, and says why init runs.
func initOptions(prev, cur initInputs, initialised bool) ([]tfexec.InitOption, string) {
	if !initialised {
		return nil, "not initialised"
	}
	var opts []tfexec.InitOption
	why := "inputs changed"
	if prev.Providers != cur.Providers && prev.Lock == cur.Lock {
		opts = append(opts, tfexec.Upgrade(true))
		why = "provider requirements changed"
	}
	if prev.Backend != cur.Backend {
		opts = append(opts, tfexec.ForceCopy(true))
		why = "backend changed"
	}
	return opts, why
}

func (r *Runner) markerPath() string {
	return filepath.Join(r.dir, ".terraform", markerFile)
}

func (r *Runner) readMarker() (initInputs, bool) {
	b, err := os.ReadFile(r.markerPath())
	if err != nil {
		return initInputs{}, false
	}
	var in initInputs
	if err := json.Unmarshal(b, &in); err != nil {
		return initInputs{}, false
	}
	return in, true
}

func (r *Runner) writeMarker() error {
	cur, err := readInputs(r.dir)
	if err != nil {
		return fmt.Errorf("unable to read terraform inputs: %w", err)
	}
	b, err := json.MarshalIndent(cur, "", "  ")
	if err != nil {
		return fmt.Errorf("unable to encode init marker: %w", err)
	}
	path := r.markerPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("unable to write init marker: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("unable to write init marker: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("unable to write init marker: %w", err), os.Remove(tmp))
	}
	return nil
}
