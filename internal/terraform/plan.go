package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Plan runs terraform plan -out=planFile -detailed-exitcode and reports whether the plan
// has changes (exit code 2). A relative planFile is relative to the working directory.
// The state is locked while planning (terraform's default).
func (r *Runner) Plan(ctx context.Context, planFile string) (bool, error) {
	var changes bool
	err := r.run(ctx, "plan", "plan terraform changes", func() error {
		var err error
		changes, err = r.tf.Plan(ctx, tfexec.Out(planFile))
		return err
	})
	if err != nil {
		return false, err
	}
	return changes, nil
}
