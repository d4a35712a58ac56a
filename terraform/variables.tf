# Inputs. Every variable is typed and described; constrained values are validated so a wrong value fails at
# plan time with a message that says what to write instead.

# --- Naming and placement ---------------------------------------------------------------------------------

variable "project" {
  description = "Project name, the first part of every resource name (e.g. transcendence-production-alb)."
  type        = string
  default     = "transcendence"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "project must be 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment; production turns on the stricter checks (log retention, Multi-AZ hints)."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be \"staging\" or \"production\"."
  }
}

variable "region" {
  description = "AWS region for every resource (CloudFront certificates are the exception: they live in us-east-1)."
  type        = string
  default     = "eu-west-3"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-west-3."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

# --- Network ----------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC; subnets are /8 slices of it, so use a /16 to /20."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR with a prefix between /16 and /20, e.g. 10.40.0.0/16."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets, tasks and the database over."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3 && floor(var.az_count) == var.az_count
    error_message = "az_count must be 2 or 3."
  }
}

variable "enable_nat_gateway" {
  description = "Create NAT gateways for private subnets. Not needed for ECR, Logs, Secrets Manager, SSM and STS (VPC endpoints); only for services that call the internet."
  type        = bool
  default     = false
}

variable "single_nat_gateway" {
  description = "With enable_nat_gateway, use one NAT gateway for all AZs (cheaper) instead of one per AZ (zonal resilience)."
  type        = bool
  default     = true
}

variable "flow_logs_traffic_type" {
  description = "Traffic recorded by VPC flow logs."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_logs_traffic_type)
    error_message = "flow_logs_traffic_type must be ALL, ACCEPT or REJECT."
  }
}

# --- Load balancer ----------------------------------------------------------------------------------------

variable "certificate_arn" {
  description = "ACM certificate ARN for the ALB HTTPS and test listeners (in the same region as the ALB)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN, e.g. arn:aws:acm:eu-west-3:123456789012:certificate/<id>."
  }
}

variable "alb_ingress_cidrs" {
  description = "IPv4 CIDRs allowed to reach the ALB on ports 80 and 443 (the internet by default: the ALB is the only public entry)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidrs) > 0 && alltrue([for cidr in var.alb_ingress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "alb_ingress_cidrs must be a non-empty list of IPv4 CIDRs."
  }
}

variable "test_listener_port" {
  description = "ALB port of the test listener that serves the green target group during blue/green deployments."
  type        = number
  default     = 8443

  validation {
    condition     = var.test_listener_port >= 1024 && var.test_listener_port <= 65535 && floor(var.test_listener_port) == var.test_listener_port
    error_message = "test_listener_port must be an integer from 1024 to 65535 (80 and 443 are the production listeners)."
  }
}

variable "test_listener_cidrs" {
  description = "IPv4 CIDRs allowed to reach the test listener (CI runners, office); never the whole internet."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.test_listener_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "test_listener_cidrs must be IPv4 CIDRs other than 0.0.0.0/0."
  }
}

variable "alb_ssl_policy" {
  description = "TLS policy of the HTTPS listeners; only TLS 1.2+ policies are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.alb_ssl_policy))
    error_message = "alb_ssl_policy must be a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06."
  }
}

variable "alb_deletion_protection" {
  description = "Protect the ALB against deletion (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "access_logs_retention_days" {
  description = "Days to keep ALB access logs in S3."
  type        = number
  default     = 90

  validation {
    condition     = var.access_logs_retention_days >= 1 && floor(var.access_logs_retention_days) == var.access_logs_retention_days
    error_message = "access_logs_retention_days must be a positive integer."
  }
}

# --- Services ---------------------------------------------------------------------------------------------

variable "services" {
  description = <<-EOT
    The Transcendence services: one ECS service, ECR repository, task role, log group, security group and
    Cloud Map name each. path_patterns routes ALB traffic (empty = internal only); blue_green adds a green
    target group and test listener rule and deploys with ECS native blue/green; database passes the RDS
    credentials through task secrets; ingress_from lists the services allowed to call this one;
    cpu_architecture ARM64 runs the service on Graviton (on-demand Fargate: Spot runs X86_64 only).
  EOT
  type = map(object({
    port              = number
    cpu               = optional(number, 256)
    memory            = optional(number, 512)
    desired_count     = optional(number, 1)
    min_count         = optional(number, 1)
    max_count         = optional(number, 4)
    cpu_target        = optional(number, 60)
    health_check_path = optional(string, "/health")
    path_patterns     = optional(list(string), [])
    listener_priority = optional(number, 100)
    blue_green        = optional(bool, false)
    database          = optional(bool, false)
    ingress_from      = optional(list(string), [])
    internet_egress   = optional(bool, false)
    policy_arns       = optional(list(string), [])
    cpu_architecture  = optional(string, "X86_64")
  }))
  # The seed's layout: the ALB sends everything to the frontend (/ws/* included), which serves the client and
  # proxies /api/<service>/ and WebSocket /ws/<service>/ to the backends by their Cloud Map names. auth, game and
  # matchmaking keep their state in RDS (accounts and sessions; games and results; the queue and matches), so any
  # replica serves any request.
  default = {
    frontend = {
      port          = 3000
      path_patterns = ["/*"]
      blue_green    = true
    }
    auth = {
      port         = 3000
      database     = true
      ingress_from = ["frontend"]
    }
    game = {
      port         = 3000
      database     = true
      ingress_from = ["frontend", "matchmaking"]
    }
    matchmaking = {
      port         = 3000
      database     = true
      ingress_from = ["frontend"]
    }
    ai = {
      port         = 3000
      ingress_from = ["frontend"]
    }
  }

  validation {
    condition     = length(var.services) > 0 && alltrue([for name in keys(var.services) : can(regex("^[a-z][a-z0-9-]{0,30}$", name))])
    error_message = "services must have at least one entry, named with 1-31 lowercase letters, digits or hyphens."
  }

  validation {
    condition     = alltrue([for svc in values(var.services) : svc.port >= 1024 && svc.port <= 65535])
    error_message = "Every service port must be 1024-65535 (containers run as a non-root user)."
  }

  validation {
    condition = alltrue([
      for svc in values(var.services) :
      contains([256, 512, 1024, 2048, 4096, 8192, 16384], svc.cpu) && svc.memory >= 512 && svc.memory <= 122880
    ])
    error_message = "Every service needs a Fargate cpu (256, 512, 1024, 2048, 4096, 8192 or 16384) and memory from 512 MiB."
  }

  validation {
    condition = alltrue([
      for svc in values(var.services) :
      svc.min_count >= 0 && svc.min_count <= svc.desired_count && svc.desired_count <= svc.max_count && svc.max_count <= 100
    ])
    error_message = "Every service needs 0 <= min_count <= desired_count <= max_count <= 100."
  }

  validation {
    condition     = alltrue([for svc in values(var.services) : svc.cpu_target >= 10 && svc.cpu_target <= 90])
    error_message = "Every service cpu_target must be 10-90 (percent)."
  }

  validation {
    condition     = alltrue([for svc in values(var.services) : contains(["X86_64", "ARM64"], svc.cpu_architecture)])
    error_message = "services[*].cpu_architecture must be X86_64 or ARM64 (Graviton: build with --platforms linux/arm64)."
  }

  validation {
    condition     = alltrue([for svc in values(var.services) : length(svc.path_patterns) <= 5 && alltrue([for p in svc.path_patterns : startswith(p, "/")])])
    error_message = "path_patterns must be at most 5 paths per service (an ALB limit), each starting with /."
  }

  validation {
    condition = length(distinct([for svc in values(var.services) : svc.listener_priority if length(svc.path_patterns) > 0])) == length([
      for svc in values(var.services) : svc.listener_priority if length(svc.path_patterns) > 0
    ])
    error_message = "listener_priority must be unique among services with path_patterns."
  }

  validation {
    condition     = alltrue([for svc in values(var.services) : !svc.blue_green || length(svc.path_patterns) > 0])
    error_message = "blue_green needs path_patterns: blue/green shifts ALB traffic between two target groups."
  }

  validation {
    condition     = alltrue(flatten([for name, svc in var.services : [for caller in svc.ingress_from : contains(keys(var.services), caller) && caller != name]]))
    error_message = "ingress_from must name other services of the services map."
  }
}

variable "bootstrap_image_tag" {
  description = "Tag of the image in each service's repository used by the bootstrap task definition; the pipeline registers the real revisions afterwards."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.bootstrap_image_tag)) && var.bootstrap_image_tag != "latest"
    error_message = "bootstrap_image_tag must be a valid image tag other than latest."
  }
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into tasks (sessions are logged to CloudWatch, encrypted with the KMS key)."
  type        = bool
  default     = false
}

# --- Cluster ----------------------------------------------------------------------------------------------

variable "container_insights" {
  description = "Container Insights level of the cluster."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be enabled or enhanced (it is never turned off)."
  }
}

variable "fargate_on_demand_base" {
  description = "Tasks per service always placed on on-demand FARGATE before Spot weighting applies."
  type        = number
  default     = 1

  validation {
    condition     = var.fargate_on_demand_base >= 0 && var.fargate_on_demand_base <= 100000 && floor(var.fargate_on_demand_base) == var.fargate_on_demand_base
    error_message = "fargate_on_demand_base must be an integer from 0 to 100000."
  }
}

variable "fargate_weight" {
  description = "Relative weight of on-demand FARGATE beyond the base."
  type        = number
  default     = 1

  validation {
    condition     = var.fargate_weight >= 0 && var.fargate_weight <= 1000 && floor(var.fargate_weight) == var.fargate_weight
    error_message = "fargate_weight must be an integer from 0 to 1000."
  }
}

variable "fargate_spot_weight" {
  description = "Relative weight of FARGATE_SPOT beyond the base (Spot-weighted by default)."
  type        = number
  default     = 3

  validation {
    condition     = var.fargate_spot_weight >= 0 && var.fargate_spot_weight <= 1000 && floor(var.fargate_spot_weight) == var.fargate_spot_weight && var.fargate_spot_weight + var.fargate_weight > 0
    error_message = "fargate_spot_weight must be an integer from 0 to 1000, and fargate_weight + fargate_spot_weight must be positive."
  }
}

# --- Registry and logs ------------------------------------------------------------------------------------

variable "image_retention_count" {
  description = "Tagged images kept per repository by the lifecycle policy (rollback targets)."
  type        = number
  default     = 50

  validation {
    condition     = var.image_retention_count >= 5 && var.image_retention_count <= 1000
    error_message = "image_retention_count must be 5-1000 so rollbacks keep a target."
  }
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images (superseded layers, failed pushes) are expired."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_image_expiry_days >= 1 && var.untagged_image_expiry_days <= 365
    error_message = "untagged_image_expiry_days must be 1-365."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention for service, exec and flow logs; production needs at least 365."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ...)."
  }

  validation {
    condition     = var.environment != "production" || var.log_retention_days >= 365
    error_message = "Production logs must be kept at least 365 days (log_retention_days >= 365)."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the KMS key is deleted after being scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be 7-30."
  }
}

# --- Database ---------------------------------------------------------------------------------------------

variable "db_engine_version" {
  description = "PostgreSQL major (or major.minor) version of the RDS instance."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[4-9](\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be a supported PostgreSQL version such as 17 or 16.4."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "db_instance_class must be an RDS instance class such as db.t4g.micro."
  }
}

variable "db_allocated_storage" {
  description = "Initial storage of the database in GiB (storage autoscaling grows it up to db_max_allocated_storage)."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 65536
    error_message = "db_allocated_storage must be 20-65536 GiB."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper bound in GiB for RDS storage autoscaling."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage >= var.db_allocated_storage && var.db_max_allocated_storage <= 65536
    error_message = "db_max_allocated_storage must be at least db_allocated_storage and at most 65536."
  }
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "transcendence"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and use lowercase letters, digits and underscores (max 63)."
  }
}

variable "db_username" {
  description = "Master user name; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "transcendence"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_username)) && !contains(["postgres", "admin", "rdsadmin"], var.db_username)
    error_message = "db_username must be a lowercase identifier and not a reserved name (postgres, admin, rdsadmin)."
  }
}

variable "db_multi_az" {
  description = "Run a standby database in a second availability zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be 1-35 (0 would turn automated backups off)."
  }
}

variable "db_deletion_protection" {
  description = "Protect the database against deletion."
  type        = bool
  default     = true
}

variable "db_ssl_mode" {
  description = "PGSSLMODE of every task that uses the database: verify-full checks the RDS certificate and name against the CA bundle the images carry. disable is for a local database only (the emulator's, in `npm run demo`); never for RDS, which refuses plain connections (rds.force_ssl)."
  type        = string
  default     = "verify-full"

  validation {
    condition     = contains(["verify-full", "disable"], var.db_ssl_mode)
    error_message = "db_ssl_mode must be verify-full (RDS) or disable (a local database only)."
  }
}

# --- Alarms -----------------------------------------------------------------------------------------------

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (null: subscribe something else to the alarm_topic_arn output)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null ? true : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

variable "enable_deployment_alarms" {
  description = "Let the ALB 5xx alarm fail and roll back ECS deployments of services behind the ALB (in addition to the circuit breaker)."
  type        = bool
  default     = true
}

# --- CloudFront -------------------------------------------------------------------------------------------

variable "enable_cloudfront" {
  description = "Put a CloudFront distribution in front of the ALB (caching for the frontend, TLS at the edge)."
  type        = bool
  default     = false
}

variable "cloudfront_origin_domain" {
  description = "DNS name CloudFront uses to reach the ALB over HTTPS; it must resolve to the ALB and be covered by certificate_arn. Required with enable_cloudfront."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_origin_domain == null ? !var.enable_cloudfront : can(regex("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", var.cloudfront_origin_domain))
    error_message = "cloudfront_origin_domain must be a lowercase DNS name (such as origin.example.com) and is required when enable_cloudfront is true."
  }
}

variable "cloudfront_price_class" {
  description = "CloudFront price class (edge locations used)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cloudfront_price_class)
    error_message = "cloudfront_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "cloudfront_aliases" {
  description = "Domain names served by CloudFront (need cloudfront_certificate_arn)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for alias in var.cloudfront_aliases : can(regex("^[a-z0-9*]([a-z0-9.-]*[a-z0-9])?$", alias))])
    error_message = "cloudfront_aliases must be lowercase domain names such as game.example.com."
  }
}

variable "cloudfront_certificate_arn" {
  description = "ACM certificate in us-east-1 for cloudfront_aliases (null: the default *.cloudfront.net certificate)."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_certificate_arn == null ? true : can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.cloudfront_certificate_arn))
    error_message = "cloudfront_certificate_arn must be an ACM certificate ARN in us-east-1."
  }

  validation {
    condition     = length(var.cloudfront_aliases) == 0 || var.cloudfront_certificate_arn != null
    error_message = "cloudfront_aliases need cloudfront_certificate_arn."
  }
}

variable "cloudfront_web_acl_arn" {
  description = "WAFv2 web ACL (scope CLOUDFRONT) attached to the distribution, or null."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_web_acl_arn == null ? true : can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/", var.cloudfront_web_acl_arn))
    error_message = "cloudfront_web_acl_arn must be the ARN of a global (CLOUDFRONT scope) WAFv2 web ACL."
  }
}

# --- CI identity ------------------------------------------------------------------------------------------

variable "github_oidc" {
  description = <<-EOT
    GitHub Actions deploy role (null: none). repository is OWNER/REPO (or OWNER@ID/REPO@ID for repositories
    using immutable subjects); the role trusts only jobs of that repository running in the GitHub environment
    `environment` (recommended, with required reviewers) or, when environment is null, on `branch`.
    create_provider = false reuses the account's existing GitHub OIDC provider.
  EOT
  type = object({
    repository      = string
    environment     = optional(string)
    branch          = optional(string, "main")
    create_provider = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.github_oidc == null ? true : can(regex("^[A-Za-z0-9_.-]+(@[0-9]+)?/[A-Za-z0-9_.-]+(@[0-9]+)?$", var.github_oidc.repository))
    error_message = "github_oidc.repository must be an exact OWNER/REPO (no wildcards)."
  }

  validation {
    condition     = var.github_oidc == null ? true : (var.github_oidc.environment == null ? true : can(regex("^[A-Za-z0-9_.-]+$", var.github_oidc.environment)))
    error_message = "github_oidc.environment must be a GitHub environment name (letters, digits, _ . -)."
  }

  validation {
    condition     = var.github_oidc == null ? true : can(regex("^[A-Za-z0-9_./-]*[A-Za-z0-9_.-]$", var.github_oidc.branch))
    error_message = "github_oidc.branch must be a branch name without wildcards."
  }
}

variable "gitlab_oidc" {
  description = <<-EOT
    GitLab CI deploy role (null: none). url is the GitLab instance (issuer); project_path is GROUP/PROJECT;
    the role trusts only pipelines of that project on ref (a protected branch, or a tag when ref_type = "tag").
    audience must equal the job's id_tokens aud. create_provider = false reuses an existing provider.
  EOT
  type = object({
    url             = optional(string, "https://gitlab.com")
    project_path    = string
    ref_type        = optional(string, "branch")
    ref             = optional(string, "main")
    audience        = optional(string, "sts.amazonaws.com")
    create_provider = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.gitlab_oidc == null ? true : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", var.gitlab_oidc.url))
    error_message = "gitlab_oidc.url must be the https URL of the GitLab instance, without a trailing slash."
  }

  validation {
    condition     = var.gitlab_oidc == null ? true : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.gitlab_oidc.project_path))
    error_message = "gitlab_oidc.project_path must be an exact GROUP/PROJECT path (no wildcards)."
  }

  validation {
    condition     = var.gitlab_oidc == null ? true : contains(["branch", "tag"], var.gitlab_oidc.ref_type)
    error_message = "gitlab_oidc.ref_type must be branch or tag."
  }

  validation {
    condition     = var.gitlab_oidc == null ? true : can(regex("^[A-Za-z0-9_./-]*[A-Za-z0-9_.*-]$", var.gitlab_oidc.ref)) && !can(regex("^\\*", var.gitlab_oidc.ref))
    error_message = "gitlab_oidc.ref must be a branch or tag name; a trailing * (e.g. v*) is the only wildcard."
  }
}

# --- Discovery and deployments ------------------------------------------------------------------------------

variable "discovery_namespace" {
  description = "Private DNS namespace in which services find each other by name (<service>.<namespace>)."
  type        = string
  default     = "transcendence.local"

  validation {
    condition     = can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)+$", var.discovery_namespace))
    error_message = "discovery_namespace must be a DNS name such as transcendence.local."
  }
}

variable "blue_green_bake_time_minutes" {
  description = "Minutes ECS keeps the previous (blue) tasks after shifting production traffic, for an instant rollback."
  type        = number
  default     = 5

  validation {
    condition     = var.blue_green_bake_time_minutes >= 0 && var.blue_green_bake_time_minutes <= 1440
    error_message = "blue_green_bake_time_minutes must be 0-1440."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing ALB health checks of new tasks (slow-starting services)."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 3600
    error_message = "health_check_grace_period_seconds must be 0-3600."
  }
}
