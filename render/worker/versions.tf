# Worker template: requirements. Runs under the docker-machine Terraform driver with
# Terraform 0.14.11 (must stay valid for 0.13 and 1.x too). aws_ec2_fleet gained
# type = "instant" and fleet_instance_set in the 4.x series after 4.40, hence 5.0.
terraform {
  required_version = ">= 0.13"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}
