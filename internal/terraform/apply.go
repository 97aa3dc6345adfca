package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Apply runs terraform apply on exactly the saved plan file (made by Plan): terraform
// refuses a plan whose state changed since, so nothing unreviewed is applied.
func (r *Runner) Apply(ctx context.Context, planFile string) error {
	return r.run(ctx, "apply", "apply terraform plan "+planFile, func() error {
		return r.tf.Apply(ctx, tfexec.DirOrPlan(planFile))
	})
}
