package packer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildEnv is a minimal environment for build.sh: no AWS credentials, no IMDS.
func buildEnv(t *testing.T, path string, extra ...string) []string {
	t.Helper()
	return append([]string{"PATH=" + path, "HOME=" + t.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}, extra...)
}

// fakePacker is a stand-in packer: it logs its arguments and, on build, writes the
// manifests a real build would write.
const fakePacker = `#!/bin/sh
echo "$*" >>"$FAKE_PACKER_LOG"
case "$1" in
version) echo "Packer v1.11.2" ;;
build)
  for a in "$@"; do case "$a" in manifest_dir=*) d=${a#manifest_dir=} ;; esac; done
  printf '{"builds":[{"name":"worker","builder_type":"amazon-ebs","artifact_id":"eu-west-1:ami-0123456789abcdef0"}]}' >"$d/worker.json"
  ;;
esac
`

func fakePackerDir(t *testing.T) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "packer"), []byte(fakePacker), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "calls.log")
}

func TestBuildScriptHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		stdout, stderr, err := run(t, ".", buildEnv(t, t.TempDir()), "/bin/bash", "build.sh", arg)
		if err != nil {
			t.Fatalf("build.sh %s: %v\n%s", arg, err, stderr)
		}
		for _, want := range []string{"Usage: packer/build.sh", "--region", "--var-file", "manager|worker|all", "image_id"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("build.sh %s does not mention %q:\n%s", arg, want, stdout)
			}
		}
	}
}

func TestBuildScriptFailsClearly(t *testing.T) {
	fake, log := fakePackerDir(t)
	system := "/usr/bin:/bin"
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no packer (PATH stripped)", buildEnv(t, t.TempDir()), nil, "packer is not on PATH"},
		{"no AWS credentials", buildEnv(t, fake+":"+system, "FAKE_PACKER_LOG="+log), nil, "no AWS credentials"},
		{"unknown argument", buildEnv(t, fake+":"+system), []string{"--regoin", "x"}, "unknown argument: --regoin"},
		{"missing var file", buildEnv(t, fake+":"+system), []string{"-f", "/nonexistent.pkrvars.hcl"}, "var file /nonexistent.pkrvars.hcl"},
		{"placeholder checksums", buildEnv(t, fake+":"+system, "FAKE_PACKER_LOG="+log, "AWS_PROFILE=ci"), []string{"manager"}, "docker_machine_driver_terraform_sha256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := run(t, ".", c.env, "/bin/bash", append([]string{"build.sh"}, c.args...)...)
			if err == nil {
				t.Fatalf("build.sh succeeded:\n%s", stdout)
			}
			if !strings.Contains(stderr, "build.sh: error: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, stderr)
			}
		})
	}
	if b, err := os.ReadFile(log); err == nil && strings.Contains(string(b), "build") {
		t.Errorf("packer build ran although a check failed:\n%s", b)
	}
}

// With packer and credentials, build.sh runs packer init and build on the directory and
// prints the AMI id from the manifest as a fleet.yaml line.
func TestBuildScriptPrintsAMIs(t *testing.T) {
	fake, log := fakePackerDir(t)
	vars := filepath.Join(t.TempDir(), "my.pkrvars.hcl")
	if err := os.WriteFile(vars, []byte("region = \"eu-west-1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := buildEnv(t, fake+":/usr/bin:/bin", "FAKE_PACKER_LOG="+log, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=x")
	stdout, stderr, err := run(t, ".", env, "/bin/bash", "build.sh", "--region", "eu-west-1", "-f", vars, "worker")
	if err != nil {
		t.Fatalf("build.sh worker: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "image_id: ami-0123456789abcdef0") {
		t.Errorf("no image_id line for fleet.yaml:\n%s", stdout)
	}
	calls := readFile(t, log)
	here, _ := os.Getwd()
	for _, want := range []string{"init " + here, "build -only=amazon-ebs.worker -var region=eu-west-1", "-var-file=" + vars} {
		if !strings.Contains(calls, want) {
			t.Errorf("packer was not called with %q:\n%s", want, calls)
		}
	}
}
