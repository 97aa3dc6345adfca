# The worker AMI that docker-machine machines boot: Ubuntu 24.04 LTS with Docker (Ubuntu's
# docker.io) and AWS CLI v2 already installed, so a new machine only has to start Docker.
# Build it with `packer/build.sh worker` (see README, "Deploying: AMIs and systemd"); the
# resulting id is a pool's `image_id` in fleet.yaml.
source "amazon-ebs" "worker" {
  region                      = var.region
  instance_type               = var.worker_instance_type
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ssh_interface               = var.ssh_interface
  ssh_username                = "ubuntu"
  ami_name                    = "${var.worker_ami_name_prefix}-${local.timestamp}"
  ami_description             = "runnerfleet worker: Ubuntu 24.04 LTS, Docker, AWS CLI v2"
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
    volume_size           = var.worker_volume_size_gb
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  tags          = merge(local.common_tags, { Name = "${var.worker_ami_name_prefix}-${local.timestamp}", "runnerfleet:image" = "worker" })
  snapshot_tags = merge(local.common_tags, { Name = "${var.worker_ami_name_prefix}-${local.timestamp}", "runnerfleet:image" = "worker" })
  run_tags      = merge(var.tags, { Name = "packer-${var.worker_ami_name_prefix}" })
}

build {
  sources = ["source.amazon-ebs.worker"]

  provisioner "shell" {
    inline = ["mkdir -p ${local.remote_dir}"]
  }

  provisioner "file" {
    source      = "${path.root}/scripts/"
    destination = local.remote_dir
  }

  provisioner "shell" {
    execute_command = local.execute_command
    environment_vars = [
      "RF_LIB=${local.remote_dir}/lib.sh",
      "AWSCLI_VERSION=${var.awscli_version}",
      "AWSCLI_PGP_FINGERPRINT=${var.awscli_pgp_fingerprint}",
      "PGP_KEYSERVER=${var.pgp_keyserver}",
      "PREPULL_IMAGES=${join(" ", var.prepull_images)}",
    ]
    scripts = [
      "${path.root}/scripts/base.sh",
      "${path.root}/scripts/awscli.sh",
      "${path.root}/scripts/worker.sh",
      "${path.root}/scripts/cleanup.sh",
    ]
  }

  post-processor "manifest" {
    output     = "${var.manifest_dir}/worker.json"
    strip_path = true
  }
}
