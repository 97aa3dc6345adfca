package terraform

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// buildEnv is the environment terraform runs with: the inherited process environment
// (without the variables terraform-exec manages itself), CHECKPOINT_DISABLE=1 so terraform
// never phones home for update checks, and extra on top.
func buildEnv(extra map[string]string) (map[string]string, error) {
	if bad := tfexec.ProhibitedEnv(extra); len(bad) > 0 {
		return nil, fmt.Errorf("environment variable %s is managed by terraform-exec", bad[0])
	}
	env := make(map[string]string)
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	for _, k := range tfexec.ProhibitedEnv(env) {
		delete(env, k)
	}
	env["CHECKPOINT_DISABLE"] = "1"
	for k, v := range extra {
		env[k] = v
	}
	return env, nil
}
