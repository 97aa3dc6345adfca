package packer_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func shellScripts(t *testing.T) []string {
	t.Helper()
	scripts, err := filepath.Glob("scripts/*.sh")
	if err != nil || len(scripts) < 5 {
		t.Fatalf("scripts/*.sh: %v %v", scripts, err)
	}
	return append([]string{"build.sh"}, scripts...)
}

func TestScriptsParse(t *testing.T) {
	for _, s := range shellScripts(t) {
		if _, stderr, err := run(t, ".", nil, "bash", "-n", s); err != nil {
			t.Errorf("bash -n %s: %v\n%s", s, err, stderr)
		}
	}
}

func TestScriptsShellcheck(t *testing.T) {
	shellcheck := optionalTool(t, "shellcheck")
	args := append([]string{"-x", "-P", "scripts", "-s", "bash"}, shellScripts(t)...)
	if stdout, stderr, err := run(t, ".", nil, shellcheck, args...); err != nil {
		t.Errorf("shellcheck: %v\n%s%s", err, stdout, stderr)
	}
}

// lib.sh's checks fail closed: a placeholder, a short value or a wrong checksum stops the
// script before anything is installed; only the right checksum passes.
func TestChecksumVerificationFailsClosed(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "download.bin")
	if err := os.WriteFile(file, []byte("payload"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("payload"))
	good := hex.EncodeToString(sum[:])
	lib, err := filepath.Abs("scripts/lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, script, want string
		ok                 bool
	}{
		{"right checksum", `verify_sha256 "$F" ` + good, "verified download.bin", true},
		{"wrong checksum", `verify_sha256 "$F" ` + strings.Repeat("0", 64), "checksum mismatch", false},
		{"placeholder", `verify_sha256 "$F" PLACEHOLDER-sha256-of-x`, "is not a SHA-256", false},
		{"upper case", `verify_sha256 "$F" ` + strings.ToUpper(good), "is not a SHA-256", false},
		{"empty", `verify_sha256 "$F" ""`, "is not a SHA-256", false},
		{"placeholder before download", `fetch_verified https://127.0.0.1:9/x PLACEHOLDER-y "$F.new"`, "is not a SHA-256", false},
		{"plain http", `fetch http://example.com/x "$F.new"`, "not HTTPS", false},
		{"short fingerprint", `require_fingerprint K A6310ACC4672475C`, "40-digit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			script := `set -euo pipefail; . "$LIB"; ` + c.script + `; echo REACHED`
			env := append(os.Environ(), "LIB="+lib, "F="+file)
			stdout, stderr, err := run(t, dir, env, "bash", "-c", script)
			if c.ok != (err == nil) || c.ok != strings.Contains(stdout, "REACHED") {
				t.Fatalf("ok = %v, want %v (err %v)\nstdout: %s\nstderr: %s", err == nil, c.ok, err, stdout, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, stderr)
			}
		})
	}
}
