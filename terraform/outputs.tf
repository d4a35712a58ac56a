# Outputs are the hand-off to the pipeline: `terraform output -json > infra.json` and cendence reads
# the `services` output (shared/src/terraform/outputs.ts, loadTerraformOutputs) so service manifests do
# not repeat ARNs. The other outputs expose the same resources one kind at a time.

output "services" {
  description = "Deployment settings per service: cluster, service, task family, container, repository, roles, log group, subnets, security groups, strategy, target groups, listener rules, container environment and secrets. Read by cendence (loadTerraformOutputs)."
  value = {
    for name, svc in var.services : name => {
      cluster             = aws_ecs_cluster.this.name
      cluster_arn         = aws_ecs_cluster.this.arn
      service             = aws_ecs_service.this[name].name
      service_arn         = aws_ecs_service.this[name].arn
      task_family         = aws_ecs_task_definition.bootstrap[name].family
      container_name      = name
      container_port      = svc.port
      repository_name     = aws_ecr_repository.this[name].name
      repository_url      = aws_ecr_repository.this[name].repository_url
      task_role_arn       = aws_iam_role.task[name].arn
      execution_role_arn  = aws_iam_role.execution.arn
      log_group           = aws_cloudwatch_log_group.service[name].name
      subnets             = aws_subnet.private[*].id
      security_groups     = [aws_security_group.service[name].id]
      assign_public_ip    = false
      deployment_strategy = svc.blue_green ? "BLUE_GREEN" : "ROLLING"
      # The bake time the service was created with: a deploy that does not set its own keeps it.
      bake_time_minutes   = svc.blue_green ? var.blue_green_bake_time_minutes : null
      cpu_architecture    = svc.cpu_architecture
      discovery_name      = "${name}.${var.discovery_namespace}"
      database_secret_arn = svc.database ? aws_db_instance.this.master_user_secret[0].secret_arn : null
      # The container environment and secrets the bootstrap task definition has (upstream URLs, database
      # connection): the pipeline's task definitions get the same, so names live in one place.
      environment = { for item in concat(local.upstream_environment[name], [for item in local.database_environment : item if svc.database]) : item.name => item.value }
      secrets     = { for item in local.database_secrets : item.name => item.valueFrom if svc.database }
      target_groups = {
        blue  = try(aws_lb_target_group.blue[name].arn, null)
        green = try(aws_lb_target_group.green[name].arn, null)
      }
      listener_rules = {
        production = try(aws_lb_listener_rule.production[name].arn, null)
        test       = try(aws_lb_listener_rule.test[name].arn, null)
      }
    }
  }
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_arns" {
  description = "ECS service ARN per service."
  value       = { for name, service in aws_ecs_service.this : name => service.arn }
}

output "repository_urls" {
  description = "ECR repository URL per service (push target of the build)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "execution_role_arn" {
  description = "Task execution role shared by every service (image pull, logs, task secrets)."
  value       = aws_iam_role.execution.arn
}

output "task_role_arns" {
  description = "Task role ARN per service."
  value       = { for name, role in aws_iam_role.task : name => role.arn }
}

output "ecs_infrastructure_role_arn" {
  description = "Role ECS uses to shift ALB traffic in native blue/green deployments (null without blue/green services)."
  value       = one(aws_iam_role.ecs_infrastructure[*].arn)
}

output "github_deploy_role_arn" {
  description = "Role GitHub Actions assumes through OIDC to deploy (role-to-assume), or null."
  value       = one(aws_iam_role.github_deploy[*].arn)
}

output "gitlab_deploy_role_arn" {
  description = "Role GitLab CI assumes through OIDC to deploy (role-to-assume), or null."
  value       = one(aws_iam_role.gitlab_deploy[*].arn)
}

output "target_group_arns" {
  description = "Blue and green target group ARNs per service behind the ALB (green is null for rolling services)."
  value = {
    for name in keys(local.public_services) : name => {
      blue  = aws_lb_target_group.blue[name].arn
      green = try(aws_lb_target_group.green[name].arn, null)
    }
  }
}

output "listener_arns" {
  description = "ALB listener ARNs: https (production) and test (blue/green test traffic, null when unused)."
  value = {
    https = aws_lb_listener.https.arn
    test  = one(aws_lb_listener.test[*].arn)
  }
}

output "listener_rule_arns" {
  description = "Production and test listener rule ARNs per service behind the ALB."
  value = {
    for name in keys(local.public_services) : name => {
      production = aws_lb_listener_rule.production[name].arn
      test       = try(aws_lb_listener_rule.test[name].arn, null)
    }
  }
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnets where tasks and the database run."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (ALB and NAT gateways only)."
  value       = aws_subnet.public[*].id
}

output "security_group_ids" {
  description = "Security group IDs: alb, endpoints, database, and one per service under services."
  value = {
    alb       = aws_security_group.alb.id
    endpoints = aws_security_group.endpoints.id
    database  = aws_security_group.database.id
    services  = { for name, group in aws_security_group.service : name => group.id }
  }
}

output "alb_dns_name" {
  description = "DNS name of the ALB (point the application's domain here, or at CloudFront)."
  value       = aws_lb.this.dns_name
}

output "cloudfront_domain_name" {
  description = "Domain name of the CloudFront distribution, or null when enable_cloudfront is false."
  value       = one(aws_cloudfront_distribution.this[*].domain_name)
}

output "log_groups" {
  description = "CloudWatch log group name per service."
  value       = { for name, group in aws_cloudwatch_log_group.service : name => group.name }
}

output "discovery_namespace" {
  description = "Private DNS namespace: services reach each other at <service>.<namespace>."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "database_endpoint" {
  description = "Host name of the PostgreSQL instance."
  value       = aws_db_instance.this.address
}

output "database_secret_arn" {
  description = "Secrets Manager ARN of the RDS-managed master credentials (username, password)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic that receives every alarm."
  value       = aws_sns_topic.alarms.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting images, logs, the database, secrets and alarms."
  value       = aws_kms_key.this.arn
}
