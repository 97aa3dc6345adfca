// Package standin stands in for the manager stack in tests: the real stack needs the AWS
// provider, which cannot be downloaded here, so these stacks use only terraform_data and run
// with the real terraform through the same code paths.
package standin

import (
	"fmt"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/render"
)

// Stack is one terraform_data per manager whose input follows the manager settings, so a
// manager change reaches terraform as the real stack's would, and a runner change does not.
func Stack(spec *fleet.Spec) (render.Files, error) {
	var b strings.Builder
	for _, m := range spec.ManagerNames() {
		fmt.Fprintf(&b, "resource \"terraform_data\" %q {\n  input = %q\n}\n\n", m,
			spec.Manager.InstanceType+"/"+spec.Manager.ImageID)
	}
	return render.Files{"stack/main.tf": []byte(b.String())}, nil
}

// Slow is one resource per manager whose creation records terraform's pid (tf.pid) and the
// provisioner's (sh.pid) in the stack dir, then sleeps while a file named "slow" is there:
// an apply that can be interrupted on cue.
func Slow(spec *fleet.Spec) (render.Files, error) {
	var b strings.Builder
	for _, m := range spec.ManagerNames() {
		fmt.Fprintf(&b, `resource "terraform_data" %q {
  triggers_replace = %q
  provisioner "local-exec" {
    command = "echo $PPID > tf.pid; echo $$ > sh.pid; if [ -e slow ]; then exec sleep 20; fi"
  }
}
`, m, spec.Manager.InstanceType)
	}
	return render.Files{"stack/main.tf": []byte(b.String())}, nil
}
