# Production: three zones, Multi-AZ database, a year of logs, on-demand base under Spot, deploys only from
# the protected `production` GitHub environment (required reviewers) or GitLab's protected main branch.
environment     = "production"
region          = "eu-west-3"
vpc_cidr        = "10.50.0.0/16"
az_count        = 3
certificate_arn = "arn:aws:acm:eu-west-3:222222222222:certificate/00000000-0000-0000-0000-000000000000"

alb_deletion_protection  = true
log_retention_days       = 365
db_multi_az              = true
db_deletion_protection   = true
db_instance_class        = "db.t4g.small"
db_backup_retention_days = 14

fargate_on_demand_base = 1
fargate_weight         = 1
fargate_spot_weight    = 3

alarm_email              = "oncall@example.com"
enable_cloudfront        = true
cloudfront_origin_domain = "origin.transcendence.example.com"

github_oidc = {
  repository  = "transcendence-org/cendence"
  environment = "production"
}

gitlab_oidc = {
  project_path = "transcendence/cendence"
  ref_type     = "branch"
  ref          = "main"
}
