variable "project" {
  description = "Project name; the bucket is <project>-terraform-state-<account id>."
  type        = string
  default     = "transcendence"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "project must be 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the state bucket."
  type        = string
  default     = "eu-west-3"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-west-3."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days to keep superseded state versions (recovery from a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 30
    error_message = "noncurrent_version_retention_days must be at least 30."
  }
}
