package render

import (
	"fmt"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// userData is the first-boot script of one manager: it writes /etc/runnerfleet/env (unless
// the image already has one) and enables the reconcile timer, so a new manager configures
// itself from git. It holds no secret: the git password is named as an SSM parameter that
// runnerfleet reads with the manager's instance role. Without spec.source it is empty.
func userData(spec *fleet.Spec, manager string) string {
	src := spec.Source
	if src.Repo == "" {
		return ""
	}
	env := []string{
		"RUNNERFLEET_REPO=" + src.Repo,
		"RUNNERFLEET_REF=" + src.Ref,
		"RUNNERFLEET_PATH=" + src.Path,
		"RUNNERFLEET_SCOPE=manager",
		"RUNNERFLEET_MANAGER=" + manager,
		"AWS_REGION=" + spec.AWS.Region,
	}
	if src.Username != "" {
		env = append(env, "RUNNERFLEET_GIT_USERNAME="+src.Username)
	}
	if src.Password != nil {
		env = append(env, "RUNNERFLEET_GIT_PASSWORD_SSM="+src.Password.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `#!/bin/bash
# runnerfleet: first boot of %s of fleet %s. It points this manager at the config
# repository and starts the reconcile timer; the manager then writes its own config.toml and
# worker templates. No token is in here: the git password is read from SSM at run time.
set -euo pipefail
install -d -m 0755 /etc/runnerfleet
if [ ! -e /etc/runnerfleet/env ]; then
  umask 077
  cat >/etc/runnerfleet/env <<'RUNNERFLEET_ENV'
%s
RUNNERFLEET_ENV
fi
systemctl daemon-reload
systemctl enable --now runnerfleet-reconcile.timer
`, manager, spec.Name, strings.Join(env, "\n"))
	return b.String()
}

// managerUserData is every manager's user-data, for terraform.tfvars.json.
func managerUserData(spec *fleet.Spec) map[string]string {
	out := map[string]string{}
	for _, m := range spec.ManagerNames() {
		if ud := userData(spec, m); ud != "" {
			out[m] = ud
		}
	}
	return out
}
