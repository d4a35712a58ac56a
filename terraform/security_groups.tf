# Security groups. Only the ALB accepts traffic from outside the VPC; every other path is one security group
# referencing another on one port. Terraform removes the default allow-all egress of the groups it creates,
# so each group's egress is exactly the rules below.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Public ALB: HTTP (redirected) and HTTPS from alb_ingress_cidrs, test listener from test_listener_cidrs"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-alb" }
}

# Public ingress to the internet-facing ALB is its purpose (80 only redirects, 443 is TLS 1.2+).
#trivy:ignore:AVD-AWS-0107
resource "aws_vpc_security_group_ingress_rule" "alb_public" {
  # checkov:skip=CKV_AWS_260: the ALB is the public entry point; port 80 only answers with a redirect to 443.
  for_each = { for pair in setproduct(var.alb_ingress_cidrs, [80, 443]) : "${pair[1]}-${pair[0]}" => pair }

  security_group_id = aws_security_group.alb.id
  description       = "HTTP/HTTPS from ${each.value[0]}"
  cidr_ipv4         = each.value[0]
  ip_protocol       = "tcp"
  from_port         = each.value[1]
  to_port           = each.value[1]
}

resource "aws_vpc_security_group_ingress_rule" "alb_test" {
  for_each = length(local.blue_green_services) > 0 ? toset(var.test_listener_cidrs) : toset([])

  security_group_id = aws_security_group.alb.id
  description       = "Blue/green test listener from ${each.key}"
  cidr_ipv4         = each.key
  ip_protocol       = "tcp"
  from_port         = var.test_listener_port
  to_port           = var.test_listener_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  for_each = local.public_services

  security_group_id            = aws_security_group.alb.id
  description                  = "ALB to ${each.key} tasks"
  referenced_security_group_id = aws_security_group.service[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --- One group per service ------------------------------------------------------------------------------------

resource "aws_security_group" "service" {
  for_each = var.services

  name        = "${local.name}-${each.key}"
  description = "ECS tasks of the ${each.key} service"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-${each.key}" }
}

resource "aws_vpc_security_group_ingress_rule" "service_from_alb" {
  for_each = local.public_services

  security_group_id            = aws_security_group.service[each.key].id
  description                  = "From the ALB"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "service_from_service" {
  for_each = local.service_links

  security_group_id            = aws_security_group.service[each.value.callee].id
  description                  = "From ${each.value.caller} tasks"
  referenced_security_group_id = aws_security_group.service[each.value.caller].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "service_to_service" {
  for_each = local.service_links

  security_group_id            = aws_security_group.service[each.value.caller].id
  description                  = "To ${each.value.callee} tasks"
  referenced_security_group_id = aws_security_group.service[each.value.callee].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "service_to_endpoints" {
  for_each = var.services

  security_group_id            = aws_security_group.service[each.key].id
  description                  = "To the interface VPC endpoints (ECR, Logs, Secrets Manager, SSM, STS)"
  referenced_security_group_id = aws_security_group.endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "service_to_s3" {
  for_each = var.services

  security_group_id = aws_security_group.service[each.key].id
  description       = "To S3 through the gateway endpoint (ECR image layers)"
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "service_to_database" {
  for_each = local.database_services

  security_group_id            = aws_security_group.service[each.key].id
  description                  = "To the PostgreSQL database"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

# HTTPS egress to the internet is opt-in per service (internet_egress), for external APIs.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "service_to_internet" {
  # checkov:skip=CKV_AWS_382: HTTPS only, and only for services that set internet_egress (through the NAT gateway).
  for_each = { for name, svc in var.services : name => svc if svc.internet_egress }

  security_group_id = aws_security_group.service[each.key].id
  description       = "HTTPS to the internet (external APIs) through the NAT gateway"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# --- VPC endpoints and database ------------------------------------------------------------------------------

resource "aws_security_group" "endpoints" {
  name        = "${local.name}-endpoints"
  description = "Interface VPC endpoints: HTTPS from the service tasks only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_service" {
  for_each = var.services

  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from ${each.key} tasks"
  referenced_security_group_id = aws_security_group.service[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_security_group" "database" {
  name        = "${local.name}-database"
  description = "PostgreSQL: port 5432 from the services that use the database only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-database" }
}

resource "aws_vpc_security_group_ingress_rule" "database_from_service" {
  for_each = local.database_services

  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from ${each.key} tasks"
  referenced_security_group_id = aws_security_group.service[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}
