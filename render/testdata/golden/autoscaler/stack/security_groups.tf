# Manager stack: security groups. Managers accept nothing; workers accept SSH and the
# Docker TLS port from managers only. The worker template looks the workers' group up
# by name and VPC, so its name must stay "<name>-workers".

resource "aws_security_group" "managers" {
  name        = local.managers_sg_name
  description = "runnerfleet ${var.name}: gitlab-runner managers"
  vpc_id      = var.vpc_id

  tags = {
    Name               = local.managers_sg_name
    "runnerfleet:role" = "manager"
  }
}

resource "aws_vpc_security_group_egress_rule" "managers_ipv4" {
  security_group_id = aws_security_group.managers.id
  description       = "All outbound IPv4"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "managers_ipv6" {
  security_group_id = aws_security_group.managers.id
  description       = "All outbound IPv6"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_security_group" "workers" {
  name        = local.workers_sg_name
  description = "runnerfleet ${var.name}: CI workers"
  vpc_id      = var.vpc_id

  tags = {
    Name               = local.workers_sg_name
    "runnerfleet:role" = "worker"
  }
}

resource "aws_vpc_security_group_ingress_rule" "workers_ssh_from_managers" {
  security_group_id            = aws_security_group.workers.id
  description                  = "SSH from managers"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.managers.id
}

resource "aws_vpc_security_group_ingress_rule" "workers_docker_from_managers" {
  security_group_id            = aws_security_group.workers.id
  description                  = "Docker TLS from managers"
  ip_protocol                  = "tcp"
  from_port                    = 2376
  to_port                      = 2376
  referenced_security_group_id = aws_security_group.managers.id
}

resource "aws_vpc_security_group_egress_rule" "workers_ipv4" {
  security_group_id = aws_security_group.workers.id
  description       = "All outbound IPv4"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "workers_ipv6" {
  security_group_id = aws_security_group.workers.id
  description       = "All outbound IPv6"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}
