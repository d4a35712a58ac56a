# Cloud Map private DNS: every service is reachable inside the VPC as <service>.<discovery_namespace>
# (e.g. auth.transcendence.local), registered and deregistered by ECS as tasks start and stop.

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.discovery_namespace
  description = "Service discovery for ${local.name}"
  vpc         = aws_vpc.this.id
}

resource "aws_service_discovery_service" "this" {
  for_each = var.services

  name = each.key

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  # ECS reports task health to Cloud Map, so unhealthy tasks leave DNS.
  health_check_custom_config {}

  tags = { Service = each.key }
}
