package terraform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/hashicorp/go-version"
)

// FindOptions say where a terraform binary may come from. The caller (cmd) fills them from
// flags, the spec and the environment; Find reads no environment variables.
type FindOptions struct {
	// ExplicitPath, when set, is used as is (--terraform-path); nothing else is tried.
	ExplicitPath string
	// StateDir holds the cache: <StateDir>/bin/terraform/<Version>/terraform.
	StateDir string
	// Version is the exact version wanted, such as "1.9.8".
	Version string
	// MirrorURL replaces https://releases.hashicorp.com for the install (a mirror with the
	// same layout: /terraform/<version>/index.json, the zip, SHA256SUMS and its .sig).
	MirrorURL string
	// ArmoredPublicKey verifies the SHA256SUMS signature instead of HashiCorp's built-in key.
	ArmoredPublicKey string
	// InstallTimeout bounds the download; zero means hc-install's default.
	InstallTimeout time.Duration
	// LookPath finds "terraform" on PATH; nil means exec.LookPath. Tests replace it.
	LookPath func(file string) (string, error)
	// Logger; nil discards.
	Logger *slog.Logger
}

// Find returns the path of a terraform binary of exactly opts.Version, trying in order:
// opts.ExplicitPath; the cache under opts.StateDir; a terraform on PATH that reports that
// version; and last an hc-install download into the cache (see install).
func Find(ctx context.Context, opts FindOptions) (string, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.ExplicitPath != "" {
		return explicitPath(opts.ExplicitPath)
	}
	want, err := exactVersion(opts.Version)
	if err != nil {
		return "", err
	}
	if opts.StateDir == "" {
		return "", errors.New("unable to find terraform: no state dir for the binary cache")
	}
	cached := cachedPath(opts.StateDir, want)
	if isExecutable(cached) {
		log.Debug("terraform found in cache", "path", cached, "version", want.String())
		return cached, nil
	}
	if path, ok := onPath(ctx, opts.LookPath, want, log); ok {
		return path, nil
	}
	return install(ctx, opts, want, log)
}

func explicitPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("unable to use terraform %s: %w", path, err)
	}
	if !isExecutable(abs) {
		return "", fmt.Errorf("unable to use terraform %s: not an executable file", path)
	}
	return abs, nil
}

// exactVersion parses a version that names one release: "1.9.8", not "~> 1.9".
func exactVersion(s string) (*version.Version, error) {
	if s == "" {
		return nil, errors.New("unable to find terraform: no version given")
	}
	v, err := version.NewVersion(s)
	if err != nil || v.Original() != v.String() && "v"+v.String() != v.Original() {
		return nil, fmt.Errorf("unable to find terraform: %q is not an exact version like 1.9.8", s)
	}
	return v, nil
}

func cachedPath(stateDir string, v *version.Version) string {
	return filepath.Join(cacheDir(stateDir), v.String(), "terraform")
}

func cacheDir(stateDir string) string {
	return filepath.Join(stateDir, "bin", "terraform")
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// onPath returns the terraform on PATH when it reports exactly version want.
func onPath(ctx context.Context, lookPath func(string) (string, error), want *version.Version, log *slog.Logger) (string, bool) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	path, err := lookPath("terraform")
	if err != nil {
		return "", false
	}
	got, err := binaryVersion(ctx, path)
	if err != nil {
		log.Warn("terraform on PATH does not run", "path", path, "error", err)
		return "", false
	}
	if !got.Equal(want) {
		log.Info("terraform on PATH has another version", "path", path, "version", got.String(), "want", want.String())
		return "", false
	}
	log.Debug("terraform found on PATH", "path", path, "version", got.String())
	return path, true
}

var versionLine = regexp.MustCompile(`(?m)^Terraform v(\S+)`)

// binaryVersion runs "terraform version" (understood by every release, unlike -json) with
// update checks disabled, and parses its first line.
func binaryVersion(ctx context.Context, path string) (*version.Version, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("unable to run %s version: %w", path, err)
	}
	m := versionLine.FindSubmatch(bytes.TrimSpace(out))
	if m == nil {
		return nil, fmt.Errorf("unable to read version of %s: %q", path, firstLine(string(out)))
	}
	return version.NewVersion(string(m[1]))
}
