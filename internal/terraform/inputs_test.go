package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// describeInitOptions renders init options as flags, for table tests.
func describeInitOptions(opts []tfexec.InitOption) string {
	var flags []string
	for _, o := range opts {
		switch o := o.(type) {
		case *tfexec.UpgradeOption:
			flags = append(flags, "-upgrade")
		case *tfexec.ForceCopyOption:
			flags = append(flags, "-force-copy")
		default:
			flags = append(flags, fmt.Sprintf("%T", o))
		}
	}
	return strings.Join(flags, " ")
}

func TestReadInputsSeesOnlyWhatInitDependsOn(t *testing.T) {
	const base = `terraform {
  required_version = ">= 1.0"
  backend "local" {}
}
module "net" {
  source = "./net"
  cidr   = "10.0.0.0/16"
}
resource "terraform_data" "x" {}
`
	dir := workdir(t, map[string]string{"main.tf": base})
	before, err := readInputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, body string
		changed          func(a, b initInputs) bool
	}{
		{"resource and module input", "main.tf", strings.Replace(strings.Replace(base, `"x"`, `"y"`, 1), "10.0.0.0", "10.1.0.0", 1),
			func(a, b initInputs) bool { return a != b }},
		{"backend", "main.tf", strings.Replace(base, `backend "local" {}`, `backend "local" { path = "s" }`, 1),
			func(a, b initInputs) bool { return a.Backend != b.Backend && a.Providers == b.Providers }},
		{"required_version", "main.tf", strings.Replace(base, ">= 1.0", ">= 1.5", 1),
			func(a, b initInputs) bool { return a.Providers != b.Providers && a.Backend == b.Backend }},
		{"module source", "main.tf", strings.Replace(base, "./net", "./net2", 1),
			func(a, b initInputs) bool { return a.Modules != b.Modules && a.Providers == b.Providers }},
		{"lock file", ".terraform.lock.hcl", "# lock\n",
			func(a, b initInputs) bool { return a.Lock != b.Lock && a.Modules == b.Modules }},
		{"tf.json file", "extra.tf.json", "{}",
			func(a, b initInputs) bool { return a.Other != b.Other && a.Lock == b.Lock }},
	} {
		dir := workdir(t, map[string]string{"main.tf": base, tc.file: tc.body})
		after, err := readInputs(dir)
		if err != nil {
			t.Fatal(err)
		}
		wantChange := tc.name != "resource and module input"
		if got := tc.changed(before, after); got != wantChange {
			t.Errorf("%s: inputs %+v -> %+v; expected change: %v", tc.name, before, after, wantChange)
		}
	}
}
