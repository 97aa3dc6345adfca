# Every input of manager.pkr.hcl and worker.pkr.hcl, and the ONE place where the version and
# checksum of every download is pinned. To upgrade a component, change its version and its
# checksum here together (in one commit); the provisioning scripts verify each download with
# `sha256sum -c` and stop the build on any mismatch or on a value that is not a SHA-256.
#
# A default of the form "PLACEHOLDER-..." marks a checksum that could not be looked up when
# this file was written: the build fails closed (before and during provisioning) until it is
# replaced by the published value, here or in a var file passed to build.sh.

# ---- where and how to build ---------------------------------------------------------------

variable "region" {
  type        = string
  description = "AWS region to build the AMIs in (build.sh --region)."
  default     = "eu-west-1"
}

variable "subnet_id" {
  type        = string
  description = "Subnet of the build instance; empty means the default VPC. It needs outbound HTTPS."
  default     = ""
}

variable "associate_public_ip_address" {
  type        = bool
  description = "Give the build instance a public IP (for a public subnet without NAT)."
  default     = true
}

variable "ssh_interface" {
  type        = string
  description = "How Packer reaches the build instance: public_ip, private_ip or session_manager."
  default     = "public_ip"
}

variable "ami_users" {
  type        = list(string)
  description = "Other AWS account ids that may launch the AMIs (needs a KMS key they can use)."
  default     = []
}

variable "kms_key_id" {
  type        = string
  description = "KMS key of the encrypted root volume and AMI snapshot; empty means aws/ebs."
  default     = ""
}

variable "manifest_dir" {
  type        = string
  description = "Directory of the Packer manifests (manager.json, worker.json) that build.sh reads the AMI ids from."
  default     = "packer-manifests"
}

variable "tags" {
  type        = map(string)
  description = "Extra tags on the AMIs, their snapshots and the build instances."
  default     = {}
}

# ---- base image ---------------------------------------------------------------------------

variable "ubuntu_owner_id" {
  type        = string
  description = "Canonical's AWS account id, the owner of the official Ubuntu AMIs."
  default     = "099720109477"
}

variable "ubuntu_ami_name_filter" {
  type        = string
  description = "Name filter of the base image: Ubuntu 24.04 LTS (noble), amd64, gp3 root."
  default     = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
}

# ---- worker AMI (worker.pkr.hcl) ----------------------------------------------------------

variable "worker_ami_name_prefix" {
  type        = string
  description = "AMI name prefix of the worker image; a UTC timestamp is appended."
  default     = "runnerfleet-worker"
}

variable "worker_instance_type" {
  type        = string
  description = "Instance type of the worker build instance."
  default     = "t3.medium"
}

variable "worker_volume_size_gb" {
  type        = number
  description = "Root volume of the worker AMI (a pool's volume_size_gb may only be larger)."
  default     = 20
}

variable "prepull_images" {
  type        = list(string)
  description = "Docker images pulled into the worker AMI so jobs start without a pull, such as [\"alpine:3.20\", \"docker:27-dind\"]."
  default     = []
}

# ---- manager AMI (manager.pkr.hcl) --------------------------------------------------------

variable "manager_ami_name_prefix" {
  type        = string
  description = "AMI name prefix of the manager image; a UTC timestamp is appended."
  default     = "runnerfleet-manager"
}

variable "manager_instance_type" {
  type        = string
  description = "Instance type of the manager build instance."
  default     = "t3.small"
}

variable "manager_volume_size_gb" {
  type        = number
  description = "Root volume of the manager AMI (manager.volume_size_gb may only be larger)."
  default     = 20
}

variable "runnerfleet_binary" {
  type        = string
  description = "The runnerfleet binary to install (linux/amd64), built by `make build`."
  default     = "bin/runnerfleet"
}

variable "runnerfleet_sha256" {
  type        = string
  description = "SHA-256 of runnerfleet_binary; build.sh computes it, so the copy on the image is verified too."
  default     = "PLACEHOLDER-build.sh-computes-the-sha256-of-runnerfleet_binary"
}

# ---- pinned downloads: versions and checksums ---------------------------------------------

# GitLab Runner, from GitLab's apt repository (packages.gitlab.com/runner/gitlab-runner).
# Since 17.7 the helper images are a package of their own, pinned to the same version.
# apt checks every package against the repository's signed index; the repository key is
# accepted only with this fingerprint (docs.gitlab.com/omnibus/update/package_signatures),
# and the .deb files must also match the checksums below.
variable "gitlab_runner_version" {
  type    = string
  default = "17.11.0"
}

# docker-autoscaler pools need gitlab-runner's fleeting plugin for AWS. It is installed at
# build time from GitLab's OCI registry (which serves it by content digest) into
# /usr/local/lib/fleeting-plugins, so a manager needs no download at run time. A version
# constraint as in config.toml's plugin key; pin an exact one (aws:1.0.0) for repeatable AMIs.
variable "fleeting_plugin" {
  type    = string
  default = "aws:1"
}

variable "gitlab_runner_repo_key_fingerprint" {
  type    = string
  default = "F6403F6544A38863DAA0B6E03F01618A51312F3F"
}

variable "gitlab_runner_deb_sha256" {
  type        = string
  description = "SHA-256 of gitlab-runner_<version>-1_amd64.deb (GitLab publishes release.sha256 next to each release)."
  default     = "PLACEHOLDER-sha256-of-gitlab-runner_17.11.0-1_amd64.deb"
}

variable "gitlab_runner_helper_images_deb_sha256" {
  type        = string
  description = "SHA-256 of gitlab-runner-helper-images_<version>-1_all.deb."
  default     = "PLACEHOLDER-sha256-of-gitlab-runner-helper-images_17.11.0-1_all.deb"
}

# GitLab's maintained fork of docker-machine (gitlab.com/gitlab-org/ci-cd/docker-machine).
# The checksum is the one gitlab-runner's own image build pins for this version.
variable "docker_machine_version" {
  type    = string
  default = "v0.16.2-gitlab.27"
}

variable "docker_machine_sha256" {
  type    = string
  default = "37a04553079f97d7540033426cbeb9075a70758d39234fe14a896c0354f4acca"
}

# github.com/krzysztof-miemiec/docker-machine-driver-terraform, release v0.5.0, linux-amd64.zip.
variable "docker_machine_driver_terraform_version" {
  type    = string
  default = "v0.5.0"
}

variable "docker_machine_driver_terraform_sha256" {
  type        = string
  description = "SHA-256 of the release's linux-amd64.zip (the project publishes none: compute it once from a trusted download)."
  default     = "PLACEHOLDER-sha256-of-docker-machine-driver-terraform-v0.5.0-linux-amd64.zip"
}

# The Terraform that the driver runs on managers (terraform.driver_version in fleet.yaml): it
# must be 0.13.x or 0.14.x, because the driver runs `destroy -force`. Checksum from HashiCorp's
# terraform_0.14.11_SHA256SUMS.
variable "driver_terraform_version" {
  type    = string
  default = "0.14.11"
}

variable "driver_terraform_sha256" {
  type    = string
  default = "171ef5a4691b6f86eab524feaf9a52d5221c875478bd63dd7e55fef3939f7fd4"
}

# The AWS provider pre-seeded into the driver's plugin cache, so that the first machine of
# each pool does not download it. It must satisfy the worker template's constraint
# (render/worker/versions.tf). `terraform init` verifies it against the registry's signed
# SHA256SUMS. Empty skips the pre-seeding.
variable "driver_aws_provider_version" {
  type    = string
  default = "5.100.0"
}

# AWS CLI v2: the installer zip is verified with AWS's PGP signature (awscliv2.sig); the key
# is fetched from the keyserver by its full fingerprint and must match it.
variable "awscli_version" {
  type    = string
  default = "2.22.0"
}

variable "awscli_pgp_fingerprint" {
  type    = string
  default = "FB5DB77FD5C118B80511ADA8A6310ACC4672475C"
}

variable "pgp_keyserver" {
  type    = string
  default = "hkps://keyserver.ubuntu.com"
}
