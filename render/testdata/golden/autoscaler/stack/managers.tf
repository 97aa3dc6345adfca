# Manager stack: one EC2 instance per manager name, spread round-robin over the
# subnets. Reached through SSM Session Manager: no key pair, no public IP.

resource "aws_instance" "manager" {
  for_each = toset(var.managers)

  ami                         = var.manager_image_id
  instance_type               = var.manager_instance_type
  subnet_id                   = var.subnet_ids[index(var.managers, each.key) % length(var.subnet_ids)]
  vpc_security_group_ids      = [aws_security_group.managers.id]
  iam_instance_profile        = aws_iam_instance_profile.manager.name
  associate_public_ip_address = false

  # First boot only: points the manager at the config repository (no secrets inside).
  user_data = lookup(var.manager_user_data, each.key, null)

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.manager_volume_size_gb
    encrypted             = true
    delete_on_termination = true

    tags = {
      Name                  = "${var.name}-${each.key}"
      "runnerfleet:manager" = each.key
      "runnerfleet:role"    = "manager"
    }
  }

  tags = {
    Name                  = "${var.name}-${each.key}"
    "runnerfleet:manager" = each.key
    "runnerfleet:role"    = "manager"
  }

  # A manager configures itself from git after its first boot; a changed user-data (another
  # ref, say) must not stop and start a running manager.
  lifecycle {
    ignore_changes = [user_data]
  }

  # The role's policies must exist before gitlab-runner starts launching workers.
  depends_on = [
    aws_iam_role_policy.manager,
    aws_iam_role_policy_attachment.manager_ssm,
  ]
}
