# Roles used by the tasks: one execution role (pull images, write logs, read the database secret) shared by
# every service, one task role per service (the application's own AWS permissions, none by default), and
# the ECS infrastructure role that shifts ALB traffic during native blue/green deployments.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy protection: only ECS acting for this account.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

# --- Execution role -------------------------------------------------------------------------------------------

resource "aws_iam_role" "execution" {
  name               = "${local.name}-ecs-execution"
  description        = "ECS agent: pull images from the service repositories, write task logs, read task secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  # GetAuthorizationToken has no resource-level permissions.
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [for repo in aws_ecr_repository.this : repo.arn]
  }

  statement {
    sid       = "TaskLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for group in aws_cloudwatch_log_group.service : "${group.arn}:*"]
  }

  statement {
    sid       = "DatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_db_instance.this.master_user_secret[0].secret_arn]
  }

  statement {
    sid       = "DecryptImagesAndSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-log-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# --- Task roles -----------------------------------------------------------------------------------------------

resource "aws_iam_role" "task" {
  for_each = var.services

  name               = "${local.name}-${each.key}-task"
  description        = "Application permissions of the ${each.key} service"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = { Service = each.key }
}

resource "aws_iam_role_policy_attachment" "task" {
  for_each = {
    for pair in flatten([
      for name, svc in var.services : [for arn in svc.policy_arns : { service = name, policy_arn = arn }]
    ]) : "${pair.service}:${pair.policy_arn}" => pair
  }

  role       = aws_iam_role.task[each.value.service].name
  policy_arn = each.value.policy_arn
}

# ECS Exec needs the SSM message channels on the task role (only when exec is enabled).
data "aws_iam_policy_document" "exec" {
  statement {
    sid = "SsmMessages"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    # checkov:skip=CKV_AWS_356: ssmmessages actions have no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid       = "ExecLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.exec.arn}:*"]
  }

  statement {
    sid       = "ExecLogsDescribe"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "ExecEncryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }
}

resource "aws_iam_role_policy" "exec" {
  for_each = var.enable_execute_command ? var.services : {}

  name   = "ecs-exec"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.exec.json
}

# --- ECS infrastructure role (native blue/green) ------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_infrastructure_assume" {
  statement {
    sid     = "AllowAccessToECSForInfrastructureManagement"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "ecs_infrastructure" {
  count = length(local.blue_green_services) > 0 ? 1 : 0

  name               = "${local.name}-ecs-infrastructure"
  description        = "Lets ECS move ALB listener rules between blue and green target groups"
  assume_role_policy = data.aws_iam_policy_document.ecs_infrastructure_assume.json
}

resource "aws_iam_role_policy_attachment" "ecs_infrastructure" {
  count = length(local.blue_green_services) > 0 ? 1 : 0

  role       = aws_iam_role.ecs_infrastructure[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
}
