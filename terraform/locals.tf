locals {
  name = "${var.project}-${var.environment}"

  tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  azs = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Services reachable through the ALB (they have path patterns) and those deployed blue/green.
  public_services     = { for name, svc in var.services : name => svc if length(svc.path_patterns) > 0 }
  blue_green_services = { for name, svc in local.public_services : name => svc if svc.blue_green }
  database_services   = { for name, svc in var.services : name => svc if svc.database }

  # Service-to-service traffic allowed by the services map: one entry per (caller, callee) pair.
  service_links = {
    for link in flatten([
      for callee, svc in var.services : [
        for caller in svc.ingress_from : { caller = caller, callee = callee, port = svc.port }
      ]
    ]) : "${link.caller}-to-${link.callee}" => link
  }

  # Spot-weighted with an on-demand base: the base tasks survive a Spot interruption wave.
  capacity_provider_strategy = [
    { capacity_provider = "FARGATE", base = var.fargate_on_demand_base, weight = var.fargate_weight },
    { capacity_provider = "FARGATE_SPOT", base = 0, weight = var.fargate_spot_weight },
  ]
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}
