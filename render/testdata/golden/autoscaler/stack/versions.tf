# Manager stack: Terraform and provider requirements.
# No backend block here: runnerfleet writes backend.tf next to these files when the
# spec names a remote backend, and uses local state otherwise.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}
