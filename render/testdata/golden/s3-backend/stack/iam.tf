# Manager stack: IAM. Managers get a least-privilege policy that only lets them
# create, use and destroy EC2 objects tagged runnerfleet:fleet = <name>; workers get
# an instance profile with no permissions (jobs must not inherit AWS credentials).

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    sid     = "EC2AssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [local.ec2_service_principal]
    }
  }
}

# ---------------------------------------------------------------------------- managers

resource "aws_iam_role" "manager" {
  name               = local.manager_role_name
  description        = "runnerfleet ${var.name}: gitlab-runner managers"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_instance_profile" "manager" {
  name = local.manager_role_name
  role = aws_iam_role.manager.name
}

# Session Manager access (managers have no key pair). This managed policy also
# allows ssm:GetParameter(s) on "*"; the manager policy denies that again for
# every parameter but the runner tokens.
resource "aws_iam_role_policy_attachment" "manager_ssm" {
  role       = aws_iam_role.manager.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "manager" {
  name   = local.manager_role_name
  role   = aws_iam_role.manager.id
  policy = data.aws_iam_policy_document.manager.json
}

data "aws_iam_policy_document" "manager" {
  # Read-only EC2 calls have no resource-level permissions: the only "*" here.
  statement {
    sid       = "DescribeEC2"
    actions   = ["ec2:Describe*"]
    resources = ["*"]
  }

  # Creating instances, volumes, network interfaces and fleets requires the fleet tag
  # in the request (the worker launch template tags all of them).
  statement {
    sid     = "LaunchOnlyFleetTagged"
    actions = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = [
      "${local.ec2_arn}:instance/*",
      "${local.ec2_arn}:volume/*",
      "${local.ec2_arn}:network-interface/*",
      "${local.ec2_arn}:fleet/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/runnerfleet:fleet"
      values   = [var.name]
    }
  }

  statement {
    sid       = "CreateOnlyFleetTaggedTemplatesAndKeys"
    actions   = ["ec2:CreateLaunchTemplate", "ec2:ImportKeyPair"]
    resources = ["${local.ec2_arn}:launch-template/*", "${local.ec2_arn}:key-pair/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/runnerfleet:fleet"
      values   = [var.name]
    }
  }

  # Launching may only use this fleet's own launch templates and key pairs.
  statement {
    sid       = "LaunchWithFleetTemplatesAndKeys"
    actions   = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = ["${local.ec2_arn}:launch-template/*", "${local.ec2_arn}:key-pair/*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:ResourceTag/runnerfleet:fleet"
      values   = [var.name]
    }
  }

  # Resources a launch references but does not create, and the spot request it
  # creates along with a (tag-gated) spot instance. Launch actions only.
  statement {
    sid     = "LaunchReferences"
    actions = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = [
      "arn:${local.partition}:ec2:${var.region}::image/*",
      "arn:${local.partition}:ec2:${var.region}::snapshot/*",
      "${local.ec2_arn}:subnet/*",
      "${local.ec2_arn}:security-group/*",
      "${local.ec2_arn}:spot-instances-request/*",
    ]
  }

  # Tags may only be written as part of the create calls above.
  statement {
    sid     = "TagOnCreate"
    actions = ["ec2:CreateTags"]
    resources = [
      "${local.ec2_arn}:instance/*",
      "${local.ec2_arn}:volume/*",
      "${local.ec2_arn}:network-interface/*",
      "${local.ec2_arn}:fleet/*",
      "${local.ec2_arn}:launch-template/*",
      "${local.ec2_arn}:key-pair/*",
      "${local.ec2_arn}:spot-instances-request/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["RunInstances", "CreateFleet", "CreateLaunchTemplate", "ImportKeyPair"]
    }
  }

  # Destroying (worker template destroy, pruning) only touches this fleet's objects.
  statement {
    sid = "DestroyOnlyFleetTagged"
    actions = [
      "ec2:TerminateInstances",
      "ec2:DeleteFleets",
      "ec2:DeleteLaunchTemplate",
      "ec2:DeleteKeyPair",
    ]
    resources = [
      "${local.ec2_arn}:instance/*",
      "${local.ec2_arn}:fleet/*",
      "${local.ec2_arn}:launch-template/*",
      "${local.ec2_arn}:key-pair/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "ec2:ResourceTag/runnerfleet:fleet"
      values   = [var.name]
    }
  }

  # Workers may only be given the (empty) worker role.
  statement {
    sid       = "PassWorkerRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.worker.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = [local.ec2_service_principal]
    }
  }

  # The first spot launch / EC2 Fleet of an account creates these service-linked roles.
  statement {
    sid     = "CreateSpotAndFleetServiceLinkedRoles"
    actions = ["iam:CreateServiceLinkedRole"]
    resources = [
      "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
      "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/ec2fleet.amazonaws.com/AWSServiceRoleForEC2Fleet",
    ]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["spot.amazonaws.com", "ec2fleet.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = length(local.token_parameter_arns) > 0 ? [1] : []

    content {
      sid       = "ReadRunnerTokens"
      actions   = ["ssm:GetParameter"]
      resources = local.token_parameter_arns
    }
  }

  # Undo the ssm:GetParameter* on "*" of AmazonSSMManagedInstanceCore.
  dynamic "statement" {
    for_each = length(local.token_parameter_arns) > 0 ? [1] : []

    content {
      sid           = "DenyOtherParameters"
      effect        = "Deny"
      actions       = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"]
      not_resources = local.token_parameter_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.token_parameter_arns) > 0 ? [] : [1]

    content {
      sid       = "DenyAllParameters"
      effect    = "Deny"
      actions   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"]
      resources = ["*"]
    }
  }

  # docker-autoscaler pools: the fleeting AWS plugin sizes its own groups and removes
  # instances from them, and nothing else.
  dynamic "statement" {
    for_each = length(var.autoscaler_groups) > 0 ? [1] : []

    content {
      sid       = "ScaleOwnAutoScalingGroups"
      actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
      resources = local.autoscaler_group_arns
    }
  }

  # Read-only: the plugin finds its group and the group's instances (ec2:Describe* above).
  dynamic "statement" {
    for_each = length(var.autoscaler_groups) > 0 ? [1] : []

    content {
      sid       = "DescribeAutoScalingGroups"
      actions   = ["autoscaling:DescribeAutoScalingGroups"]
      resources = ["*"]
    }
  }

  # The plugin reaches an instance over SSH with a short-lived key pushed through EC2
  # Instance Connect: only instances of this fleet's Auto Scaling groups, only as ubuntu.
  dynamic "statement" {
    for_each = length(var.autoscaler_groups) > 0 ? [1] : []

    content {
      sid       = "SSHIntoOwnAutoScalingWorkers"
      actions   = ["ec2-instance-connect:SendSSHPublicKey"]
      resources = ["${local.ec2_arn}:instance/*"]

      condition {
        test     = "StringLike"
        variable = "aws:ResourceTag/aws:autoscaling:groupName"
        values   = ["${var.name}-manager-*"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceTag/runnerfleet:fleet"
        values   = [var.name]
      }

      condition {
        test     = "StringEquals"
        variable = "ec2:osuser"
        values   = ["ubuntu"]
      }
    }
  }

  # gitlab-runner reads and writes the shared cache with the manager's credentials
  # (workers get pre-signed URLs).
  dynamic "statement" {
    for_each = var.cache_enabled ? [1] : []

    content {
      sid       = "CacheBucket"
      actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
      resources = [local.cache_bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = var.cache_enabled ? [1] : []

    content {
      sid       = "CacheObjects"
      actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"]
      resources = ["${local.cache_bucket_arn}/*"]
    }
  }
}

# ----------------------------------------------------------------------------- workers

resource "aws_iam_role" "worker" {
  name               = local.worker_role_name
  description        = "runnerfleet ${var.name}: CI workers (no permissions)"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_instance_profile" "worker" {
  name = local.worker_role_name
  role = aws_iam_role.worker.name
}
