# Locals shared by manager.pkr.hcl and worker.pkr.hcl.
locals {
  # 20060102150405, UTC: the AMI name suffix, so every build has a new name.
  timestamp  = regex_replace(timestamp(), "[- TZ:]", "")
  build_time = timestamp()

  # Both templates upload the scripts here and source lib.sh from it.
  remote_dir = "/tmp/runnerfleet-build"

  # Every shell provisioner runs as root with its variables exported and bash strict mode.
  execute_command = "chmod +x {{ .Path }}; sudo env {{ .Vars }} bash -euo pipefail {{ .Path }}"

  common_tags = merge(var.tags, {
    "runnerfleet:built-by" = "packer"
    BuildTime              = local.build_time
    BaseAMI                = "{{ .SourceAMI }}"
    BaseAMIName            = "{{ .SourceAMIName }}"
  })
}
