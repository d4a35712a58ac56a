# Terraform and provider versions. AWS provider 6 is required for ECS native blue/green
# (deployment_configuration.strategy and load_balancer.advanced_configuration) and S3 native locking.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
