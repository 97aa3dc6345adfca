package terraform

import (
	"errors"
	"github.com/hashicorp/go-version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func noTerraformOnPath(string) (string, error) { return "", exec.ErrNotFound }

func TestFindInstallsFromSignedMirror(t *testing.T) {
	bin := terraformBinary(t)
	key := newSigningKey(t)
	mirror := newReleaseMirror(t, readBinary(t, bin), "1.5.7", key)
	opts := FindOptions{
		StateDir: t.TempDir(), Version: "1.5.7", LookPath: noTerraformOnPath,
		MirrorURL: mirror.srv.URL, ArmoredPublicKey: armoredPublicKey(t, key),
	}
	path, err := Find(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(opts.StateDir, "bin", "terraform", "1.5.7", "terraform"); path != want {
		t.Errorf("installed at %s, want %s", path, want)
	}
	v, err := binaryVersion(t.Context(), path)
	if err != nil || v.String() != "1.5.7" {
		t.Fatalf("installed binary reports version %v (%v), want 1.5.7", v, err)
	}
	assertNoInstallLeftovers(t, opts.StateDir, "1.5.7")

	// Second Find: a cache hit, the mirror is not asked again.
	before := mirror.requests.Load()
	again, err := Find(t.Context(), opts)
	if err != nil || again != path {
		t.Fatalf("second Find: %s, %v; want the cached %s", again, err, path)
	}
	if n := mirror.requests.Load() - before; n != 0 {
		t.Errorf("second Find made %d requests to the mirror, want 0", n)
	}
}

func TestFindRejectsBadSignature(t *testing.T) {
	bin := terraformBinary(t)
	signer, trusted := newSigningKey(t), newSigningKey(t)
	mirror := newReleaseMirror(t, readBinary(t, bin), "1.5.7", signer)
	opts := FindOptions{
		StateDir: t.TempDir(), Version: "1.5.7", LookPath: noTerraformOnPath,
		MirrorURL: mirror.srv.URL, ArmoredPublicKey: armoredPublicKey(t, trusted),
	}
	_, err := Find(t.Context(), opts)
	if err == nil {
		t.Fatal("Find installed a release signed by an untrusted key")
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "unable to install terraform 1.5.7") ||
		!strings.Contains(err.Error(), "signature") {
		t.Errorf("error does not say the signature failed: %v", err)
	}
	if isExecutable(cachedPath(opts.StateDir, mustVersion(t, "1.5.7"))) {
		t.Error("a binary with a bad signature landed in the cache")
	}
	assertNoInstallLeftovers(t, opts.StateDir, "")
}

func TestFindRejectsChecksumMismatch(t *testing.T) {
	bin := terraformBinary(t)
	key := newSigningKey(t)
	mirror := newReleaseMirror(t, readBinary(t, bin), "1.5.7", key)
	mirror.files[mirror.zipPath()] = zipOf(t, "terraform", []byte("#!/bin/sh\necho tampered\n"))
	opts := FindOptions{
		StateDir: t.TempDir(), Version: "1.5.7", LookPath: noTerraformOnPath,
		MirrorURL: mirror.srv.URL, ArmoredPublicKey: armoredPublicKey(t, key),
	}
	if path, err := Find(t.Context(), opts); err == nil {
		t.Fatalf("Find installed a zip that does not match SHA256SUMS: %s", path)
	} else if t.Log(err); !strings.Contains(err.Error(), "unable to install terraform 1.5.7") {
		t.Errorf("unclear error: %v", err)
	}
	assertNoInstallLeftovers(t, opts.StateDir, "")
}

func TestFindOrder(t *testing.T) {
	bin := terraformBinary(t)
	stateDir := t.TempDir()
	lookPath := func(string) (string, error) { return bin, nil }

	// PATH has the wanted version.
	got, err := Find(t.Context(), FindOptions{StateDir: stateDir, Version: "1.5.7", LookPath: lookPath})
	if err != nil || got != bin {
		t.Fatalf("PATH with the wanted version: %s, %v; want %s", got, err, bin)
	}

	// The cache comes before PATH.
	cached := cachedPath(stateDir, mustVersion(t, "1.5.7"))
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cached, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	failLookPath := func(string) (string, error) {
		t.Error("PATH searched despite a cache hit")
		return "", exec.ErrNotFound
	}
	if got, err := Find(t.Context(), FindOptions{StateDir: stateDir, Version: "1.5.7", LookPath: failLookPath}); err != nil || got != cached {
		t.Fatalf("cache hit: %s, %v; want %s", got, err, cached)
	}

	// An explicit path comes first, whatever the version.
	if got, err := Find(t.Context(), FindOptions{ExplicitPath: bin, StateDir: stateDir, Version: "9.9.9"}); err != nil || got != bin {
		t.Fatalf("explicit path: %s, %v; want %s", got, err, bin)
	}
}

func TestFindPathWithOtherVersionInstalls(t *testing.T) {
	bin := terraformBinary(t)
	key := newSigningKey(t)
	// The mirror publishes the same binary as 1.5.6; PATH's terraform says 1.5.7.
	mirror := newReleaseMirror(t, readBinary(t, bin), "1.5.6", key)
	opts := FindOptions{
		StateDir: t.TempDir(), Version: "1.5.6", LookPath: func(string) (string, error) { return bin, nil },
		MirrorURL: mirror.srv.URL, ArmoredPublicKey: armoredPublicKey(t, key),
	}
	got, err := Find(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got != cachedPath(opts.StateDir, mustVersion(t, "1.5.6")) {
		t.Fatalf("Find used %s, want an install into the cache", got)
	}
}

func TestFindErrors(t *testing.T) {
	for name, opts := range map[string]FindOptions{
		"explicit path missing": {ExplicitPath: filepath.Join(t.TempDir(), "nope")},
		"no version":            {StateDir: t.TempDir()},
		"version constraint":    {StateDir: t.TempDir(), Version: "~> 1.9"},
		"partial version":       {StateDir: t.TempDir(), Version: "1.9"},
		"no state dir":          {Version: "1.9.8"},
	} {
		if path, err := Find(t.Context(), opts); err == nil {
			t.Errorf("%s: Find returned %s, want an error", name, path)
		}
	}
}

func mustVersion(t *testing.T, s string) *version.Version {
	t.Helper()
	v, err := exactVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// assertNoInstallLeftovers checks that only finished versions sit in the cache directory.
func assertNoInstallLeftovers(t *testing.T, stateDir, want string) {
	t.Helper()
	entries, err := os.ReadDir(cacheDir(stateDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != want {
		t.Errorf("cache dir holds %v, want only %q", names, want)
	}
}
