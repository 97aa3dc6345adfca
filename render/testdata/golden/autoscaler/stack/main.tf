# Manager stack: provider, account lookups and the names shared by the other files.

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Every resource carries the user tags plus the fleet tag; ours wins on conflict.
  tags = merge(var.tags, { "runnerfleet:fleet" = var.name })

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # Prefix of ARNs of regional EC2 resources owned by this account.
  ec2_arn = "arn:${local.partition}:ec2:${var.region}:${local.account_id}"

  # Names that other parts of runnerfleet rely on (the worker template finds the
  # workers' security group and instance profile by these names).
  manager_role_name     = "${var.name}-manager"
  worker_role_name      = "${var.name}-worker"
  managers_sg_name      = "${var.name}-managers"
  workers_sg_name       = "${var.name}-workers"
  cache_bucket_name     = var.cache_bucket_name != "" ? var.cache_bucket_name : "${var.name}-runner-cache-${local.account_id}"
  token_parameter_arns  = [for p in var.token_ssm_parameters : "arn:${local.partition}:ssm:${var.region}:${local.account_id}:parameter${p}"]
  cache_bucket_arn      = "arn:${local.partition}:s3:::${local.cache_bucket_name}"
  ec2_service_principal = "ec2.${local.dns_suffix}"

  # The Auto Scaling groups of docker-autoscaler pools (autoscaler.tf), the only ones
  # managers may scale.
  autoscaler_group_arns = [
    for name in keys(var.autoscaler_groups) :
    "arn:${local.partition}:autoscaling:${var.region}:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/${name}"
  ]
}
