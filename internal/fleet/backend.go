package fleet

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

func s3Fields(d *decoder, b *S3Backend) []field {
	return []field{
		d.strF("bucket", "S3 bucket that holds the state", &b.Bucket, pattern(bucketRE)).req(),
		d.strF("key", "object key of the state, such as ci-runners/manager.tfstate", &b.Key, schema{"type": "string"}).req(),
		d.strF("region", "region of the bucket (default: aws.region)", &b.Region, pattern(regionRE)),
		d.boolF("use_lockfile", "lock the state with an S3 lock file (Terraform >= 1.10)", &b.UseLockfile),
	}
}

func backendSchema(d *decoder) schema {
	var b S3Backend
	return objectSchema([]field{d.objF("s3", "Terraform's s3 backend", s3Fields(d, &b)).req()}).
		with("description", "remote state of the manager stack (default: local state under the state dir)")
}

// backend decodes terraform.backend, which today has one kind: s3.
func (d *decoder) backend(t *Terraform) func(n *yaml.Node, p string) {
	return func(n *yaml.Node, p string) {
		b := &Backend{}
		d.object(n, p, []field{d.objF("s3", "", s3Fields(d, &b.S3)).req()})
		t.Backend = b
	}
}

func (d *decoder) int64Into(dst *int64) func(n *yaml.Node, p string) {
	return func(n *yaml.Node, p string) {
		v, err := strconv.ParseInt(n.Value, 10, 64)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < 0 {
			d.errorf(n, p, "must be a whole number of bytes >= 0, got %s", describe(n))
			return
		}
		*dst = v
	}
}
