# One ECS service per Transcendence service. Terraform creates each service with a bootstrap task definition;
# from then on the pipeline (cendence deploy) registers revisions and sets the desired count, so both are in
# ignore_changes and a plan never reverts a deploy. Blue/green services also ignore load_balancer: ECS swaps
# the primary and alternate target groups at the end of every blue/green deployment.

locals {
  # Non-secret connection settings; the credentials come from the RDS-managed secret through `secrets`.
  # libpq's variable names, which node-postgres and psql read without a connection string. PGSSLMODE is
  # the one TLS setting the services read: verify-full checks the server's certificate and name against
  # the RDS CA bundle the images carry (rds.force_ssl refuses plain connections anyway); `disable`
  # (var.db_ssl_mode) is for a local database only, such as the emulator's in the demo.
  database_environment = [
    { name = "PGHOST", value = aws_db_instance.this.address },
    { name = "PGPORT", value = tostring(aws_db_instance.this.port) },
    { name = "PGDATABASE", value = var.db_name },
    { name = "PGSSLMODE", value = var.db_ssl_mode },
  ]
  database_secrets = [
    { name = "PGUSER", valueFrom = "${aws_db_instance.this.master_user_secret[0].secret_arn}:username::" },
    { name = "PGPASSWORD", valueFrom = "${aws_db_instance.this.master_user_secret[0].secret_arn}:password::" },
  ]

  # <SERVICE>_URL of every service a service may call (the callee lists it in ingress_from).
  upstream_environment = {
    for caller in keys(var.services) : caller => [
      for callee, svc in var.services : {
        name  = "${upper(callee)}_URL"
        value = "http://${callee}.${var.discovery_namespace}:${svc.port}"
      } if contains(svc.ingress_from, caller)
    ]
  }
}

resource "aws_ecs_task_definition" "bootstrap" {
  for_each = var.services

  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  # Revisions registered by the pipeline must survive a change of this bootstrap revision.
  skip_destroy = true

  # ARM64 runs on Graviton: the image pushed for it must be an index with a linux/arm64 image
  # (cendence build --platforms linux/amd64,linux/arm64; verify refuses a digest without it).
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = each.value.cpu_architecture
  }

  container_definitions = jsonencode([
    {
      name                   = each.key
      image                  = "${aws_ecr_repository.this[each.key].repository_url}:${var.bootstrap_image_tag}"
      essential              = true
      user                   = "1000:1000"
      privileged             = false
      readonlyRootFilesystem = true
      linuxParameters        = { initProcessEnabled = true }
      portMappings           = [{ name = "http", containerPort = each.value.port, protocol = "tcp" }]
      environment            = concat(local.upstream_environment[each.key], [for item in local.database_environment : item if each.value.database])
      secrets                = [for item in local.database_secrets : item if each.value.database]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
          awslogs-region        = local.region
          awslogs-stream-prefix = each.key
        }
      }
    }
  ])

  tags = { Service = each.key }
}

resource "aws_ecs_service" "this" {
  for_each = var.services

  name                               = each.key
  cluster                            = aws_ecs_cluster.this.arn
  task_definition                    = aws_ecs_task_definition.bootstrap[each.key].arn
  desired_count                      = each.value.desired_count
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = length(each.value.path_patterns) > 0 ? var.health_check_grace_period_seconds : null
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  availability_zone_rebalancing      = "ENABLED"

  dynamic "capacity_provider_strategy" {
    # Fargate Spot runs X86_64 tasks only: an ARM64 service keeps the on-demand part of the strategy.
    for_each = [for s in local.capacity_provider_strategy : s if each.value.cpu_architecture == "X86_64" || s.capacity_provider == "FARGATE"]

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_configuration {
    strategy             = each.value.blue_green ? "BLUE_GREEN" : "ROLLING"
    bake_time_in_minutes = each.value.blue_green ? var.blue_green_bake_time_minutes : null
  }

  # Alarm-based rollback in addition to the circuit breaker, for services that take ALB traffic.
  dynamic "alarms" {
    for_each = var.enable_deployment_alarms && length(each.value.path_patterns) > 0 ? [aws_cloudwatch_metric_alarm.target_5xx[each.key].alarm_name] : []

    content {
      alarm_names = [alarms.value]
      enable      = true
      rollback    = true
    }
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.service[each.key].id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = length(each.value.path_patterns) > 0 ? [aws_lb_target_group.blue[each.key].arn] : []

    content {
      target_group_arn = load_balancer.value
      container_name   = each.key
      container_port   = each.value.port

      dynamic "advanced_configuration" {
        for_each = each.value.blue_green ? [aws_lb_target_group.green[each.key].arn] : []

        content {
          alternate_target_group_arn = advanced_configuration.value
          production_listener_rule   = aws_lb_listener_rule.production[each.key].arn
          test_listener_rule         = aws_lb_listener_rule.test[each.key].arn
          role_arn                   = aws_iam_role.ecs_infrastructure[0].arn
        }
      }
    }
  }

  service_registries {
    registry_arn = aws_service_discovery_service.this[each.key].arn
  }

  tags = { Service = each.key }

  lifecycle {
    ignore_changes = [task_definition, desired_count, load_balancer]
  }

  # Keep the roles' policies and the listener rules until the service is gone (no stuck DRAINING).
  depends_on = [
    aws_iam_role_policy.execution,
    aws_iam_role_policy_attachment.ecs_infrastructure,
    aws_lb_listener_rule.production,
    aws_lb_listener_rule.test,
  ]
}
