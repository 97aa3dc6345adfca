# Worker template: one docker-machine worker. An EC2 Fleet of type "instant" picks
# one instance from (instance type x subnet) and returns it synchronously, so no
# polling is needed; destroying the fleet terminates the instance.

provider "aws" {
  region = var.region
}

locals {
  # Set on every resource (and, through the launch template, on the instance, its
  # volume and network interface) so pruning can tie any AWS object to a machine.
  # Ours are merged last so user tags cannot override them.
  tags = merge(var.tags, {
    "Name"                = var.dm_machine_name
    "runnerfleet:fleet"   = var.fleet
    "runnerfleet:manager" = var.manager
    "runnerfleet:pool"    = var.pool
    "runnerfleet:machine" = var.dm_machine_name
  })

  # One fleet override per [instance_type, subnet_id] pair (EC2 allows 50 at most).
  overrides = setproduct(var.instance_types, var.subnet_ids)
}

data "aws_security_group" "workers" {
  name   = var.security_group_name
  vpc_id = var.vpc_id
}

resource "aws_key_pair" "worker" {
  key_name   = var.dm_machine_name
  public_key = trimspace(file(var.dm_ssh_public_key_file))
  tags       = local.tags
}

resource "aws_launch_template" "worker" {
  name                   = var.dm_machine_name
  description            = "runnerfleet ${var.fleet}/${var.pool}: ${var.dm_machine_name}"
  image_id               = var.image_id
  key_name               = aws_key_pair.worker.key_name
  vpc_security_group_ids = [data.aws_security_group.workers.id]
  update_default_version = true

  iam_instance_profile {
    name = var.instance_profile_name
  }

  block_device_mappings {
    device_name = "/dev/sda1"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.volume_size_gb
      encrypted             = true
      delete_on_termination = true
    }
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  dynamic "tag_specifications" {
    for_each = ["instance", "volume", "network-interface"]

    content {
      resource_type = tag_specifications.value
      tags          = local.tags
    }
  }

  tags = local.tags
}

resource "aws_ec2_fleet" "worker" {
  type = "instant"

  # Delete the instance with the fleet (terraform destroy / docker-machine rm).
  terminate_instances = true

  launch_template_config {
    launch_template_specification {
      launch_template_id = aws_launch_template.worker.id
      version            = aws_launch_template.worker.latest_version
    }

    dynamic "override" {
      for_each = local.overrides

      content {
        instance_type = override.value[0]
        subnet_id     = override.value[1]
      }
    }
  }

  target_capacity_specification {
    default_target_capacity_type = var.market
    total_target_capacity        = 1
  }

  # aws_ec2_fleet spells these "price-capacity-optimized" and "lowestPrice"
  # (aws_spot_fleet_request uses "priceCapacityOptimized"; "lowest-price" is rejected).
  spot_options {
    allocation_strategy = "price-capacity-optimized"
  }

  on_demand_options {
    allocation_strategy = "lowestPrice"
  }

  tags = local.tags
}

# An instant fleet that could not launch anything has an empty fleet_instance_set,
# and this lookup fails the apply (docker-machine then removes the machine).
data "aws_instance" "worker" {
  instance_id = aws_ec2_fleet.worker.fleet_instance_set[0].instance_ids[0]
}
