# Manager stack: docker-autoscaler pools. One launch template and one Auto Scaling group
# per manager and runner on such a pool, named "<name>-<manager>-<runner>"; the runner's
# [runners.autoscaler.plugin_config] names the group. gitlab-runner's fleeting AWS plugin
# owns the group's size: Terraform sets min 0 and max, never the desired capacity, and the
# group has no scaling policies, scale-in protection on and AZRebalance suspended, so AWS
# never terminates an instance that is running a job.

locals {
  # The tags every worker of a group carries, on the instance (propagated by the group)
  # and on its volumes and network interfaces (launch template).
  autoscaler_tags = {
    for name, g in var.autoscaler_groups : name => merge(local.tags, {
      Name                  = "${name}-worker"
      "runnerfleet:manager" = g.manager
      "runnerfleet:pool"    = g.pool
      "runnerfleet:runner"  = g.runner
      "runnerfleet:role"    = "worker"
    })
  }
}

resource "aws_launch_template" "autoscaler" {
  for_each = var.autoscaler_groups

  name                   = each.key
  description            = "runnerfleet ${var.name}: workers of runner ${each.value.runner} on ${each.value.manager}"
  image_id               = each.value.image_id
  update_default_version = true
  vpc_security_group_ids = [aws_security_group.workers.id]

  iam_instance_profile {
    name = aws_iam_instance_profile.worker.name
  }

  block_device_mappings {
    device_name = "/dev/sda1"

    ebs {
      volume_type           = "gp3"
      volume_size           = each.value.volume_size_gb
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
    for_each = ["volume", "network-interface"]

    content {
      resource_type = tag_specifications.value
      tags          = local.autoscaler_tags[each.key]
    }
  }

  tags = local.autoscaler_tags[each.key]
}

resource "aws_autoscaling_group" "autoscaler" {
  for_each = var.autoscaler_groups

  name                  = each.key
  min_size              = 0
  max_size              = each.value.max_instances
  vpc_zone_identifier   = var.subnet_ids
  protect_from_scale_in = true
  suspended_processes   = ["AZRebalance"]
  health_check_type     = "EC2"

  # The plugin scales the group; Terraform must neither wait for nor reset its size.
  wait_for_capacity_timeout = "0"

  mixed_instances_policy {
    instances_distribution {
      on_demand_allocation_strategy            = "prioritized"
      on_demand_base_capacity                  = each.value.on_demand_base_capacity
      on_demand_percentage_above_base_capacity = each.value.on_demand_percentage_above_base_capacity
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.autoscaler[each.key].id
        version            = "$Latest"
      }

      # Instance types in the pool's order of preference.
      dynamic "override" {
        for_each = each.value.instance_types

        content {
          instance_type = override.value
        }
      }
    }
  }

  dynamic "tag" {
    for_each = local.autoscaler_tags[each.key]

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    ignore_changes = [desired_capacity]
  }
}
