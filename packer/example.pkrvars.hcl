# An example var file: copy it, adapt it, and pass it to build.sh with --var-file.
# Variables not set here keep the defaults of variables.pkr.hcl.
region                 = "eu-west-1"
subnet_id              = ""
worker_instance_type   = "t3.medium"
worker_ami_name_prefix = "ci-runners-worker"
prepull_images         = ["alpine:latest", "docker:27", "docker:27-dind"]

manager_ami_name_prefix = "ci-runners-manager"

tags = {
  team = "platform"
}

# Fill in the checksums that variables.pkr.hcl leaves as placeholders, for example:
# docker_machine_driver_terraform_sha256 = "<64 hex digits>"
