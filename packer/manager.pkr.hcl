# The manager AMI: gitlab-runner (GitLab's apt repository), GitLab's docker-machine fork, the
# docker-machine Terraform driver, the driver's Terraform (terraform.driver_version), AWS CLI
# v2, the runnerfleet binary from the local build, and its systemd units, installed but
# disabled until the instance's user-data writes /etc/runnerfleet/env and enables the timer.
# Every download is pinned and checksum-verified (versions and checksums: variables.pkr.hcl).
# Build it with `packer/build.sh manager`; the id is `manager.image_id` in fleet.yaml.
source "amazon-ebs" "manager" {
  region                      = var.region
  instance_type               = var.manager_instance_type
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ssh_interface               = var.ssh_interface
  ssh_username                = "ubuntu"
  ami_name                    = "${var.manager_ami_name_prefix}-${local.timestamp}"
  ami_description             = "runnerfleet manager: Ubuntu 24.04 LTS, gitlab-runner ${var.gitlab_runner_version}, docker-machine ${var.docker_machine_version}, runnerfleet"
  ami_users                   = var.ami_users

  source_ami_filter {
    filters = {
      name                = var.ubuntu_ami_name_filter
      root-device-type    = "ebs"
      virtualization-type = "hvm"
      architecture        = "x86_64"
    }
    owners      = [var.ubuntu_owner_id]
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = var.manager_volume_size_gb
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  tags = merge(local.common_tags, {
    Name                  = "${var.manager_ami_name_prefix}-${local.timestamp}"
    "runnerfleet:image"   = "manager"
    GitLabRunnerVersion   = var.gitlab_runner_version
    DriverTerraform       = var.driver_terraform_version
    DockerMachineVersion  = var.docker_machine_version
    RunnerfleetBinarySHA2 = var.runnerfleet_sha256
  })
  snapshot_tags = merge(local.common_tags, { Name = "${var.manager_ami_name_prefix}-${local.timestamp}", "runnerfleet:image" = "manager" })
  run_tags      = merge(var.tags, { Name = "packer-${var.manager_ami_name_prefix}" })
}

build {
  sources = ["source.amazon-ebs.manager"]

  provisioner "shell" {
    inline = ["mkdir -p ${local.remote_dir}/systemd"]
  }

  provisioner "file" {
    source      = "${path.root}/scripts/"
    destination = local.remote_dir
  }

  provisioner "file" {
    source      = "${path.root}/systemd/"
    destination = "${local.remote_dir}/systemd"
  }

  provisioner "file" {
    source      = var.runnerfleet_binary
    destination = "${local.remote_dir}/runnerfleet"
  }

  provisioner "shell" {
    execute_command = local.execute_command
    environment_vars = [
      "RF_LIB=${local.remote_dir}/lib.sh",
      "RF_BUILD_DIR=${local.remote_dir}",
      "AWSCLI_VERSION=${var.awscli_version}",
      "AWSCLI_PGP_FINGERPRINT=${var.awscli_pgp_fingerprint}",
      "PGP_KEYSERVER=${var.pgp_keyserver}",
      "GITLAB_RUNNER_VERSION=${var.gitlab_runner_version}",
      "GITLAB_RUNNER_REPO_KEY_FINGERPRINT=${var.gitlab_runner_repo_key_fingerprint}",
      "GITLAB_RUNNER_DEB_SHA256=${var.gitlab_runner_deb_sha256}",
      "GITLAB_RUNNER_HELPER_IMAGES_DEB_SHA256=${var.gitlab_runner_helper_images_deb_sha256}",
      "FLEETING_PLUGIN=${var.fleeting_plugin}",
      "DOCKER_MACHINE_VERSION=${var.docker_machine_version}",
      "DOCKER_MACHINE_SHA256=${var.docker_machine_sha256}",
      "DRIVER_VERSION=${var.docker_machine_driver_terraform_version}",
      "DRIVER_SHA256=${var.docker_machine_driver_terraform_sha256}",
      "DRIVER_TERRAFORM_VERSION=${var.driver_terraform_version}",
      "DRIVER_TERRAFORM_SHA256=${var.driver_terraform_sha256}",
      "DRIVER_AWS_PROVIDER_VERSION=${var.driver_aws_provider_version}",
      "RUNNERFLEET_SHA256=${var.runnerfleet_sha256}",
    ]
    scripts = [
      "${path.root}/scripts/base.sh",
      "${path.root}/scripts/awscli.sh",
      "${path.root}/scripts/manager.sh",
      "${path.root}/scripts/cleanup.sh",
    ]
  }

  post-processor "manifest" {
    output     = "${var.manifest_dir}/manager.json"
    strip_path = true
  }
}
