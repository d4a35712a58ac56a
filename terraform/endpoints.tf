# VPC endpoints so tasks in private subnets pull images, write logs and read secrets without a NAT gateway.

locals {
  # ssmmessages carries ECS Exec sessions, so it exists only when exec is enabled.
  interface_endpoints = toset(concat(
    ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sts"],
    var.enable_execute_command ? ["ssmmessages"] : [],
  ))
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true

  tags = { Name = "${local.name}-${each.key}" }
}

# ECR stores image layers in S3: the gateway endpoint keeps layer downloads inside the VPC.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "${local.name}-s3" }
}
