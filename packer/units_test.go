package packer_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unit is a systemd unit file: key → values, in order, over all sections.
type unit map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	u := unit{}
	for _, line := range strings.Split(readFile(t, path), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not key=value: %q", path, line)
		}
		u[k] = append(u[k], v)
	}
	return u
}

func (u unit) has(key, want string) bool {
	for _, v := range u[key] {
		if v == want || strings.Contains(" "+v+" ", " "+want+" ") {
			return true
		}
	}
	return false
}

const (
	reconcileUnit = "systemd/runnerfleet-reconcile.service"
	serveUnit     = "systemd/runnerfleet.service"
	timerUnit     = "systemd/runnerfleet-reconcile.timer"
	runnerDropIn  = "systemd/gitlab-runner.service.d/runnerfleet.conf"
	envExample    = "systemd/env.example"
)

func TestUnitsHardened(t *testing.T) {
	for _, path := range []string{reconcileUnit, serveUnit} {
		u := parseUnit(t, path)
		for key, want := range map[string]string{
			"EnvironmentFile": "/etc/runnerfleet/env", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
			"ReadWritePaths": "/var/lib/runnerfleet", "PrivateTmp": "yes", "ProtectHome": "tmpfs",
			"BindPaths": "-/root/.docker/machine", "StateDirectoryMode": "0700", "KillMode": "mixed",
			"LoadCredential": "git-password", "TimeoutStopSec": "10min",
			"Environment": "TF_PLUGIN_CACHE_DIR=/var/cache/runnerfleet/terraform-plugins",
		} {
			if !u.has(key, want) {
				t.Errorf("%s: want %s=%s, have %q", path, key, want, u[key])
			}
		}
		for _, dir := range []string{"-/etc/gitlab-runner", "/var/cache/runnerfleet"} {
			if !u.has("ReadWritePaths", dir) {
				t.Errorf("%s: ReadWritePaths lacks %s", path, dir)
			}
		}
		if !u.has("Environment", "MACHINE_STORAGE_PATH=/root/.docker/machine") {
			t.Errorf("%s: MACHINE_STORAGE_PATH differs from the docker-machine storage it may write", path)
		}
	}
	if u := parseUnit(t, reconcileUnit); !u.has("Type", "oneshot") {
		t.Errorf("%s: want Type=oneshot", reconcileUnit)
	}
	timer := parseUnit(t, timerUnit)
	for key, want := range map[string]string{"OnBootSec": "1min", "OnUnitActiveSec": "1min", "RandomizedDelaySec": "20s", "Persistent": "true"} {
		if !timer.has(key, want) {
			t.Errorf("%s: want %s=%s", timerUnit, key, want)
		}
	}
	dropIn := parseUnit(t, runnerDropIn)
	for _, want := range []string{"TF_PLUGIN_CACHE_DIR=/var/cache/runnerfleet/terraform-plugins", "MACHINE_STORAGE_PATH=/root/.docker/machine"} {
		if !dropIn.has("Environment", want) {
			t.Errorf("%s: want Environment=%s (the same as runnerfleet's units)", runnerDropIn, want)
		}
	}
}

// execFlags returns the subcommand and the --flags of a unit's ExecStart.
func execFlags(t *testing.T, path string) (string, []string) {
	t.Helper()
	starts := parseUnit(t, path)["ExecStart"]
	if len(starts) != 1 {
		t.Fatalf("%s: want one ExecStart, have %q", path, starts)
	}
	fields := strings.Fields(starts[0])
	if len(fields) < 2 || fields[0] != "/usr/local/bin/runnerfleet" {
		t.Fatalf("%s: ExecStart does not run /usr/local/bin/runnerfleet: %q", path, starts[0])
	}
	var flags []string
	for _, f := range fields[2:] {
		if strings.HasPrefix(f, "--") {
			name, _, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
			flags = append(flags, name)
		}
	}
	return fields[1], flags
}

// The units pass only flags that the real CLI lists.
func TestUnitFlagsExist(t *testing.T) {
	for _, path := range []string{reconcileUnit, serveUnit} {
		command, flags := execFlags(t, path)
		text, ok := help(t, command)
		if !ok {
			t.Fatalf("%s: runnerfleet %s --help failed:\n%s", path, command, text)
		}
		known := helpFlags(text)
		for _, f := range flags {
			if !known[f] {
				t.Errorf("%s: --%s is not a flag of runnerfleet %s", path, f, command)
			}
		}
	}
}

var envLine = regexp.MustCompile(`(?m)^#?(RUNNERFLEET_[A-Z0-9_]+)=`)

// acceptedEnv is what a command reads: the variables its help names, and RUNNERFLEET_ plus
// each flag in upper snake case (the rule of `runnerfleet --help`; --git-password-file's
// help names RUNNERFLEET_GIT_PASSWORD instead of its own variable, which it reads too).
func acceptedEnv(helpText string) map[string]bool {
	vars := helpEnvVars(helpText)
	for f := range helpFlags(helpText) {
		if f != "help" {
			vars["RUNNERFLEET_"+strings.ToUpper(strings.ReplaceAll(f, "-", "_"))] = true
		}
	}
	return vars
}

// env.example documents every RUNNERFLEET_* variable that reconcile reads, and no other.
func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	text, ok := help(t, "reconcile")
	if !ok {
		t.Fatalf("runnerfleet reconcile --help failed:\n%s", text)
	}
	required := acceptedEnv(text)
	if len(required) < 10 || !required["RUNNERFLEET_REPO"] {
		t.Fatalf("found only %v in reconcile --help", sortedKeys(required))
	}
	accepted := acceptedEnv(text)
	if serve, ok := help(t, "serve"); ok {
		for v := range acceptedEnv(serve) {
			accepted[v] = true
		}
	}
	documented := map[string]bool{}
	for _, m := range envLine.FindAllStringSubmatch(readFile(t, envExample), -1) {
		documented[m[1]] = true
	}
	for _, v := range sortedKeys(required) {
		if !documented[v] {
			t.Errorf("%s does not document %s (a line %s=… or #%s=…)", envExample, v, v, v)
		}
	}
	for _, v := range sortedKeys(documented) {
		if !accepted[v] {
			t.Errorf("%s documents %s, which no runnerfleet command reads", envExample, v)
		}
	}
}

// systemd-analyze verify, where this machine has it: the units with ExecStart pointed at a
// freshly built runnerfleet, and the gitlab-runner drop-in on a stand-in gitlab-runner.service.
// Unknown keys are only warnings to systemd-analyze, so any message about our files fails.
func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze := optionalTool(t, "systemd-analyze")
	dir := verifyTree(t, nil)
	if out, err := systemdVerify(t, analyze, dir); err != nil || strings.Contains(out, dir) {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	broken := verifyTree(t, func(name, text string) string {
		return strings.Replace(text, "NoNewPrivileges=yes", "NoNewPrivilege=yes", 1)
	})
	if out, err := systemdVerify(t, analyze, broken); err == nil && !strings.Contains(out, "NoNewPrivilege") {
		t.Errorf("systemd-analyze verify did not notice a misspelt key:\n%s", out)
	}
}

func verifyTree(t *testing.T, edit func(name, text string) string) string {
	t.Helper()
	dir := t.TempDir()
	bin := cli(t)
	if err := os.MkdirAll(filepath.Join(dir, "gitlab-runner.service.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"gitlab-runner.service":                    "[Service]\nExecStart=/bin/true\n",
		"gitlab-runner.service.d/runnerfleet.conf": readFile(t, runnerDropIn),
	}
	for _, f := range []string{reconcileUnit, serveUnit, timerUnit} {
		files[filepath.Base(f)] = strings.ReplaceAll(readFile(t, f), "/usr/local/bin/runnerfleet", bin)
	}
	for name, text := range files {
		if edit != nil {
			text = edit(name, text)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func systemdVerify(t *testing.T, analyze, dir string) (string, error) {
	t.Helper()
	env := append(os.Environ(), "SYSTEMD_UNIT_PATH="+dir+":", "SYSTEMD_LOG_COLOR=0")
	stdout, stderr, err := run(t, dir, env, analyze, "verify",
		"./runnerfleet-reconcile.service", "./runnerfleet-reconcile.timer", "./runnerfleet.service", "./gitlab-runner.service")
	return stdout + stderr, err
}
