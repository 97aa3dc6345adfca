package packer_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pluginsFile holds the required_plugins block, which Debian's packer 1.6.6 rejects; every
// other file is validated.
const pluginsFile = "plugins.pkr.hcl"

// validationTree copies packer/ without plugins.pkr.hcl into <tmp>/packer, with a stand-in
// runnerfleet binary at <tmp>/bin/runnerfleet (the default runnerfleet_binary, relative to
// the directory build.sh runs from), and returns <tmp>. edit, if not nil, changes a file.
func validationTree(t *testing.T, edit func(name, text string) string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "runnerfleet"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(".", func(path string, info os.FileInfo, err error) error {
		if err != nil || path == pluginsFile || strings.HasSuffix(path, "_test.go") {
			return err
		}
		dst := filepath.Join(root, "packer", path)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(b)
		if edit != nil {
			text = edit(path, text)
		}
		return os.WriteFile(dst, []byte(text), info.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func packerValidate(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	packer := requireTool(t, "packer")
	stdout, stderr, err := run(t, root, nil, packer, append(append([]string{"validate"}, args...), "packer")...)
	return stdout + stderr, err
}

func TestTemplatesValidate(t *testing.T) {
	root := validationTree(t, nil)
	cases := map[string][]string{
		"defaults":            nil,
		"example var file":    {"-var-file=packer/example.pkrvars.hcl"},
		"worker only":         {"-only=amazon-ebs.worker"},
		"manager only":        {"-only=amazon-ebs.manager", "-var", "region=us-east-1"},
		"var file and binary": {"-var-file=packer/example.pkrvars.hcl", "-var", "runnerfleet_binary=bin/runnerfleet"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			if out, err := packerValidate(t, root, args...); err != nil {
				t.Fatalf("packer validate %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		})
	}
}

// TestValidationCatchesMistakes proves the validation is real: each broken copy must fail,
// with a message that names the mistake.
func TestValidationCatchesMistakes(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"misspelt argument", "worker.pkr.hcl", "instance_type               =", "instance_typo               =", `"instance_typo" is not expected`},
		{"misspelt argument in manager", "manager.pkr.hcl", "ami_users                   =", "ami_userz                   =", `"ami_userz" is not expected`},
		{"unknown variable", "worker.pkr.hcl", "var.worker_instance_type", "var.worker_instance_typ", "worker_instance_typ"},
		{"missing script", "manager.pkr.hcl", "scripts/manager.sh", "scripts/manger.sh", "manger.sh"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited := false
			root := validationTree(t, func(name, text string) string {
				if name == c.file && strings.Contains(text, c.old) {
					edited = true
					return strings.Replace(text, c.old, c.new, 1)
				}
				return text
			})
			if !edited {
				t.Fatalf("%s has no %q to break", c.file, c.old)
			}
			out, err := packerValidate(t, root)
			if err == nil {
				t.Fatalf("packer validate passed a template with a %s", c.name)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("packer validate failed without naming %q:\n%s", c.want, out)
			}
		})
	}
}

// The required_plugins block lives only in plugins.pkr.hcl, which the validation leaves out.
func TestRequiredPluginsOnlyInPluginsFile(t *testing.T) {
	files, err := filepath.Glob("*.pkr.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		has := strings.Contains(readFile(t, f), "required_plugins")
		if f == pluginsFile && !has {
			t.Errorf("%s has no required_plugins block", f)
		}
		if f != pluginsFile && has {
			t.Errorf("%s has required_plugins: keep it in %s, which packer 1.6.6 validation skips", f, pluginsFile)
		}
	}
	for _, f := range []string{"manager.pkr.hcl", "worker.pkr.hcl", "variables.pkr.hcl", "example.pkrvars.hcl"} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

var (
	variableBlock = regexp.MustCompile(`(?s)variable "([a-z0-9_]+)" \{(.*?)\n\}`)
	defaultValue  = regexp.MustCompile(`default\s*=\s*"([^"]*)"`)
	sha256Hex     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Every checksum in the one variables file is a SHA-256 or a marked placeholder (which the
// scripts refuse, so the build fails closed); the placeholders are listed in the test log.
func TestChecksumsPinned(t *testing.T) {
	vars := map[string]string{}
	for _, m := range variableBlock.FindAllStringSubmatch(readFile(t, "variables.pkr.hcl"), -1) {
		if d := defaultValue.FindStringSubmatch(m[2]); d != nil {
			vars[m[1]] = d[1]
		}
	}
	checksums := 0
	for name, value := range vars {
		if !strings.HasSuffix(name, "_sha256") {
			continue
		}
		checksums++
		switch {
		case sha256Hex.MatchString(value):
		case strings.HasPrefix(value, "PLACEHOLDER-"):
			t.Logf("placeholder checksum (the build fails until it is set): %s", name)
		default:
			t.Errorf("%s = %q: want 64 lowercase hex digits or a PLACEHOLDER- marker", name, value)
		}
	}
	if checksums < 6 {
		t.Errorf("variables.pkr.hcl pins %d checksums; want one per download (6)", checksums)
	}
	for _, f := range []string{"manager.pkr.hcl", "worker.pkr.hcl"} {
		if strings.Contains(readFile(t, f), `variable "`) {
			t.Errorf("%s declares variables: keep them all in variables.pkr.hcl", f)
		}
	}
}

// Every checksum variable a provisioning script reads is passed to it by its template.
func TestScriptsGetTheirChecksums(t *testing.T) {
	used := regexp.MustCompile(`\$\{?([A-Z0-9_]+_SHA256)\b`)
	tmpl := readFile(t, "manager.pkr.hcl")
	for _, m := range used.FindAllStringSubmatch(readFile(t, "scripts/manager.sh"), -1) {
		if !strings.Contains(tmpl, `"`+m[1]+`=${var.`) {
			t.Errorf("scripts/manager.sh reads %s, but manager.pkr.hcl does not pass it", m[1])
		}
	}
}
