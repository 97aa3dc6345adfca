// Package render turns a fleet spec into every file one commit implies: the manager stack's
// Terraform, each manager's config.toml and each docker+machine pool's worker template.
// docker-autoscaler pools get [runners.autoscaler] in config.toml and, in the manager stack, a
// launch template and an Auto Scaling group per manager and runner.
// It is pure and deterministic: the same spec and secrets give the same bytes on every host.
package render

import (
	"path"
	"sort"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// Files maps slash-separated relative paths to contents:
//
//	stack/*.tf, stack/terraform.tfvars.json     the manager stack (scope infra)
//	<manager>/config.toml                       written to the runner config dir (scope manager)
//	<manager>/pools/<pool>.zip, .vars.json      worker templates beside it
type Files map[string][]byte

// Paths lists the file paths, sorted.
func (f Files) Paths() []string {
	out := make([]string, 0, len(f))
	for p := range f {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Under returns the files below dir, with dir stripped from their paths.
func (f Files) Under(dir string) Files {
	out := Files{}
	for p, b := range f {
		if rel, ok := cutDir(p, dir); ok {
			out[rel] = b
		}
	}
	return out
}

func cutDir(p, dir string) (string, bool) {
	if len(p) > len(dir)+1 && p[:len(dir)] == dir && p[len(dir)] == '/' {
		return p[len(dir)+1:], true
	}
	return "", false
}

// Secrets resolves token references. Render never stores the values anywhere but config.toml.
type Secrets interface {
	Token(ref fleet.SecretRef) (string, error)
}

// Redacted stands in for real secrets in plans, renders and tests.
type Redacted struct{}

// Token returns a placeholder that names the reference, never a value.
func (Redacted) Token(ref fleet.SecretRef) (string, error) {
	return "<redacted: " + ref.String() + ">", nil
}

// DefaultRunnerConfigDir is where the manager scope writes config.toml and worker templates.
const DefaultRunnerConfigDir = "/etc/gitlab-runner"

// Options are the host settings that show up inside rendered files.
type Options struct {
	RunnerConfigDir string // absolute; default DefaultRunnerConfigDir
}

// Render renders the manager stack and the files of every manager.
func Render(spec *fleet.Spec, secrets Secrets, opts Options) (Files, error) {
	files, err := Stack(spec)
	if err != nil {
		return nil, err
	}
	for _, m := range spec.ManagerNames() {
		mf, err := Manager(spec, secrets, m, opts)
		if err != nil {
			return nil, err
		}
		for p, b := range mf {
			files[path.Join(m, p)] = b
		}
	}
	return files, nil
}
