# Run once per account, with local state, to create the S3 bucket that holds every environment's state.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { Project = var.project, ManagedBy = "terraform", Purpose = "terraform-state" }
  }
}
