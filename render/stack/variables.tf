# Manager stack inputs. runnerfleet renders every one of them into
# terraform.tfvars.json; the names are a contract with the render package.

variable "name" {
  description = "Fleet name: prefix of every AWS name and value of the runnerfleet:fleet tag."
  type        = string

  validation {
    # Lower case because it is part of the S3 bucket name; 37 characters at most so the
    # default "<name>-runner-cache-<account id>" fits S3's 63 (cache_bucket_name is
    # checked on its own).
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,35}[a-z0-9])?$", var.name))
    error_message = "The name must be 1-37 characters of lower-case letters, digits and hyphens, and start and end with a letter or digit."
  }
}

variable "region" {
  description = "AWS region of the fleet."
  type        = string
}

variable "vpc_id" {
  description = "VPC that holds managers and workers."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets for managers (spread round-robin) and workers."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "At least one subnet is required."
  }
}

variable "tags" {
  description = "User tags for every resource; the stack adds runnerfleet:fleet itself."
  type        = map(string)
  default     = {}
}

variable "managers" {
  description = "Manager names, e.g. [\"manager-0\", \"manager-1\"]."
  type        = list(string)
}

variable "manager_instance_type" {
  description = "EC2 instance type of the managers."
  type        = string
}

variable "manager_image_id" {
  description = "AMI of the managers (packer/manager.pkr.hcl)."
  type        = string
}

variable "manager_user_data" {
  description = "First-boot script of each manager, by name (rendered from source: in fleet.yaml); none when absent."
  type        = map(string)
  default     = {}
}

variable "manager_volume_size_gb" {
  description = "Size of each manager's root volume in GiB."
  type        = number
}

variable "cache_enabled" {
  description = "Create the shared S3 cache bucket."
  type        = bool
  default     = true
}

variable "cache_bucket_name" {
  description = "Name of the S3 cache bucket; \"\" means \"<name>-runner-cache-<account id>\"."
  type        = string
  default     = ""

  validation {
    condition     = var.cache_bucket_name == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.cache_bucket_name))
    error_message = "The cache_bucket_name must be a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)."
  }
}

variable "cache_expire_days" {
  description = "Days after which cache objects expire."
  type        = number
  default     = 14

  validation {
    condition     = var.cache_expire_days >= 1 && floor(var.cache_expire_days) == var.cache_expire_days
    error_message = "The cache_expire_days must be a whole number of at least 1."
  }
}

variable "token_ssm_parameters" {
  description = "Names of the SSM parameters holding runner tokens, e.g. \"/ci-runners/runner-token\"."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.token_ssm_parameters : substr(p, 0, 1) == "/"])
    error_message = "Every SSM parameter name must start with \"/\"."
  }
}

variable "autoscaler_groups" {
  description = "One launch template and Auto Scaling group per manager and runner on a docker-autoscaler pool, by group name \"<name>-<manager>-<runner>\"."
  type = map(object({
    manager                                  = string
    runner                                   = string
    pool                                     = string
    image_id                                 = string
    instance_types                           = list(string)
    volume_size_gb                           = number
    max_instances                            = number
    on_demand_base_capacity                  = number
    on_demand_percentage_above_base_capacity = number
  }))
  default = {}

  validation {
    condition     = alltrue([for name, g in var.autoscaler_groups : length(name) <= 128 && length(g.instance_types) > 0 && g.max_instances >= 1])
    error_message = "Every Auto Scaling group needs a name of at most 128 characters, an instance type and max_instances of at least 1."
  }
}
