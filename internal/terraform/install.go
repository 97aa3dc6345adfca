package terraform

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hc-install/product"
	"github.com/hashicorp/hc-install/releases"
)

// install downloads terraform want with hc-install (checksum verified against SHA256SUMS,
// whose signature is verified against opts.ArmoredPublicKey or HashiCorp's key) into a
// temporary directory beside the cache entry, then renames that directory into place, so
// the cache never holds a partial binary.
func install(ctx context.Context, opts FindOptions, want *version.Version, log *slog.Logger) (string, error) {
	final := filepath.Dir(cachedPath(opts.StateDir, want))
	fail := func(err error) (string, error) {
		return "", fmt.Errorf("unable to install terraform %s: %w", want, err)
	}
	if err := os.MkdirAll(cacheDir(opts.StateDir), 0o755); err != nil {
		return fail(err)
	}
	tmp, err := os.MkdirTemp(cacheDir(opts.StateDir), ".install-"+want.String()+"-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp) // after a successful rename there is nothing left to remove
	log.Info("installing terraform", "version", want.String(), "mirror", opts.MirrorURL, "dir", final)
	if err := download(ctx, opts, want, tmp, log); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(err)
	}
	if err := moveIntoCache(tmp, final); err != nil {
		return fail(err)
	}
	path := cachedPath(opts.StateDir, want)
	log.Info("terraform installed", "version", want.String(), "path", path)
	return path, nil
}

// download has hc-install fetch, verify and unpack terraform want into dir.
func download(ctx context.Context, opts FindOptions, want *version.Version, dir string, log *slog.Logger) error {
	ev := &releases.ExactVersion{
		Product:          product.Terraform,
		Version:          want,
		InstallDir:       dir,
		Timeout:          opts.InstallTimeout,
		ApiBaseURL:       opts.MirrorURL,
		ArmoredPublicKey: opts.ArmoredPublicKey,
	}
	ev.SetLogger(slog.NewLogLogger(log.Handler(), slog.LevelDebug))
	_, err := ev.Install(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		// hc-install v0.10.0's DownloadAndUnpack returns a named error that a deferred
		// os.Remove overwrites, so a checksum or size mismatch surfaces only as the
		// missing binary. The fresh temp dir is what makes that failure safe.
		err = fmt.Errorf("%w (the download was not unpacked: check the mirror's zip, "+
			"SHA256SUMS and Content-Length)", err)
	}
	return err
}

// moveIntoCache renames dir to final. A final directory without a binary (left by a crash
// of an older layout or by hand) is replaced; one with a binary means another process won
// the race, and its copy is kept.
func moveIntoCache(dir, final string) error {
	if isExecutable(filepath.Join(final, "terraform")) {
		return nil
	}
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	err := os.Rename(dir, final)
	if err != nil && isExecutable(filepath.Join(final, "terraform")) {
		return nil
	}
	if err != nil {
		return errors.Join(err, os.RemoveAll(dir))
	}
	return nil
}
