# Staging: one NAT-free VPC over two zones, single-AZ database, shorter log retention.
environment     = "staging"
region          = "eu-west-3"
vpc_cidr        = "10.40.0.0/16"
az_count        = 2
certificate_arn = "arn:aws:acm:eu-west-3:111111111111:certificate/00000000-0000-0000-0000-000000000000"

alb_deletion_protection = false
log_retention_days      = 90
db_multi_az             = false
db_deletion_protection  = false

fargate_on_demand_base = 0
fargate_spot_weight    = 1
fargate_weight         = 0

test_listener_cidrs = ["10.40.0.0/16"]

github_oidc = {
  repository = "transcendence-org/cendence"
  branch     = "main"
}

gitlab_oidc = {
  project_path = "transcendence/cendence"
  ref_type     = "branch"
  ref          = "main"
}
