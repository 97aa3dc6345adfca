package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Destroy runs terraform destroy with the variables in varFile (none when empty; a relative
// path is relative to the working directory). It does not init: a docker-machine driver
// workspace was initialised by the driver, and its providers are already there.
//
// terraform-exec runs "destroy -no-color -auto-approve -input=false -lock-timeout=0s
// [-var-file=F] -lock=true -parallelism=10 -refresh=true" and checks no version for it.
// Terraform 0.12 to 1.x accept every one of these flags, so Destroy also drives the
// driver's pinned Terraform 0.14. (The driver itself runs "destroy -force", which Terraform
// 0.15 removed; -auto-approve is the flag both old and new releases understand.)
func (r *Runner) Destroy(ctx context.Context, varFile string) error {
	var opts []tfexec.DestroyOption
	if varFile != "" {
		opts = append(opts, tfexec.VarFile(varFile))
	}
	return r.run(ctx, "destroy", "destroy terraform resources in "+r.dir, func() error {
		return r.tf.Destroy(ctx, opts...)
	})
}
