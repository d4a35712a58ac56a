# CI deploy roles for GitHub Actions and GitLab CI through OIDC: no long-lived keys. Each trust policy pins
# the audience (StringEquals) and the subject to one exact repository or project plus one environment or
# branch (StringEquals; StringLike only for a GitLab ref ending in *, with the project still literal).
# The permission policy grants exactly the operations Cendence calls (ci_policy_actions.tf, generated from
# the operations registry), each on the narrowest resources AWS supports.

locals {
  github_issuer_host = "token.actions.githubusercontent.com"

  # A job with a GitHub environment gets an environment subject (it takes precedence over the ref).
  github_subject = var.github_oidc == null ? null : (
    var.github_oidc.environment != null
    ? "repo:${var.github_oidc.repository}:environment:${var.github_oidc.environment}"
    : "repo:${var.github_oidc.repository}:ref:refs/heads/${var.github_oidc.branch}"
  )

  gitlab_issuer_host = var.gitlab_oidc == null ? null : trimprefix(var.gitlab_oidc.url, "https://")
  gitlab_subject     = var.gitlab_oidc == null ? null : "project_path:${var.gitlab_oidc.project_path}:ref_type:${var.gitlab_oidc.ref_type}:ref:${var.gitlab_oidc.ref}"
  gitlab_subject_test = var.gitlab_oidc == null ? null : (
    endswith(var.gitlab_oidc.ref, "*") ? "StringLike" : "StringEquals"
  )

  ci_roles_enabled = var.github_oidc != null || var.gitlab_oidc != null
}

# --- GitHub Actions -----------------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc == null ? 0 : (var.github_oidc.create_provider ? 1 : 0)

  url            = "https://${local.github_issuer_host}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc == null ? 0 : (var.github_oidc.create_provider ? 0 : 1)

  url = "https://${local.github_issuer_host}"
}

data "aws_iam_policy_document" "github_trust" {
  count = var.github_oidc == null ? 0 : 1

  statement {
    sid     = "GitHubActionsDeploy"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = concat(aws_iam_openid_connect_provider.github[*].arn, data.aws_iam_openid_connect_provider.github[*].arn)
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_issuer_host}:sub"
      values   = [local.github_subject]
    }
  }
}

resource "aws_iam_role" "github_deploy" {
  count = var.github_oidc == null ? 0 : 1

  name                 = "${local.name}-github-deploy"
  description          = "Cendence deploys from GitHub Actions (${var.github_oidc.repository})"
  assume_role_policy   = data.aws_iam_policy_document.github_trust[0].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "github_deploy" {
  count = var.github_oidc == null ? 0 : 1

  role       = aws_iam_role.github_deploy[0].name
  policy_arn = aws_iam_policy.ci_deploy[0].arn
}

# --- GitLab CI --------------------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "gitlab" {
  count = var.gitlab_oidc == null ? 0 : (var.gitlab_oidc.create_provider ? 1 : 0)

  url            = var.gitlab_oidc.url
  client_id_list = [var.gitlab_oidc.audience]
}

data "aws_iam_openid_connect_provider" "gitlab" {
  count = var.gitlab_oidc == null ? 0 : (var.gitlab_oidc.create_provider ? 0 : 1)

  url = var.gitlab_oidc.url
}

data "aws_iam_policy_document" "gitlab_trust" {
  count = var.gitlab_oidc == null ? 0 : 1

  statement {
    sid     = "GitLabCiDeploy"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = concat(aws_iam_openid_connect_provider.gitlab[*].arn, data.aws_iam_openid_connect_provider.gitlab[*].arn)
    }

    condition {
      test     = "StringEquals"
      variable = "${local.gitlab_issuer_host}:aud"
      values   = [var.gitlab_oidc.audience]
    }

    condition {
      test     = local.gitlab_subject_test
      variable = "${local.gitlab_issuer_host}:sub"
      values   = [local.gitlab_subject]
    }
  }
}

resource "aws_iam_role" "gitlab_deploy" {
  count = var.gitlab_oidc == null ? 0 : 1

  name                 = "${local.name}-gitlab-deploy"
  description          = "Cendence deploys from GitLab CI (${var.gitlab_oidc.project_path})"
  assume_role_policy   = data.aws_iam_policy_document.gitlab_trust[0].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "gitlab_deploy" {
  count = var.gitlab_oidc == null ? 0 : 1

  role       = aws_iam_role.gitlab_deploy[0].name
  policy_arn = aws_iam_policy.ci_deploy[0].arn
}

# --- Deploy permissions (shared by both roles) ---------------------------------------------------------------

locals {
  # ECS and CodeDeploy shift listener weights with the infrastructure role: CI never modifies ELBv2.
  ecs_arn_prefix    = "arn:${local.partition}:ecs:${local.region}:${local.account_id}"
  ci_log_group_arns = [for group in aws_cloudwatch_log_group.service : group.arn]
}

data "aws_iam_policy_document" "ci_deploy" {
  # These actions support no resource-level permissions: Resource "*" is what AWS requires.
  statement {
    sid       = "Unscoped"
    actions   = local.ci_policy_actions.unscoped
    resources = ["*"]
  }

  statement {
    sid       = "Repositories"
    actions   = local.ci_policy_actions.repository
    resources = ["arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.repository_prefix}/*"]
  }

  statement {
    sid       = "Cluster"
    actions   = local.ci_policy_actions.cluster
    resources = [aws_ecs_cluster.this.arn]
  }

  # ListTasks is authorised on container instances; the cluster condition keeps it to this cluster.
  statement {
    sid       = "ClusterTasksList"
    actions   = local.ci_policy_actions.cluster_condition
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  statement {
    sid       = "Services"
    actions   = local.ci_policy_actions.service
    resources = [for service in aws_ecs_service.this : service.arn]
  }

  statement {
    sid       = "ServiceDeployments"
    actions   = local.ci_policy_actions.service_deployment
    resources = ["${local.ecs_arn_prefix}:service-deployment/${aws_ecs_cluster.this.name}/*"]
  }

  statement {
    sid       = "ServiceRevisions"
    actions   = local.ci_policy_actions.service_revision
    resources = ["${local.ecs_arn_prefix}:service-revision/${aws_ecs_cluster.this.name}/*"]
  }

  statement {
    sid       = "Tasks"
    actions   = local.ci_policy_actions.task
    resources = ["${local.ecs_arn_prefix}:task/${aws_ecs_cluster.this.name}/*"]
  }

  statement {
    sid       = "RunTasks"
    actions   = local.ci_policy_actions.run_task
    resources = ["${local.ecs_arn_prefix}:task-definition/${local.name}-*:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  # Tags may only be set while registering a task definition, never added to other resources.
  statement {
    sid       = "TagOnRegister"
    actions   = local.ci_policy_actions.tag_on_register
    resources = ["${local.ecs_arn_prefix}:task-definition/${local.name}-*:*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "CodeDeployDeploymentGroups"
    actions   = local.ci_policy_actions.codedeploy_deployment_group
    resources = ["arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:deploymentgroup:${local.name}-*/*"]
  }

  statement {
    sid       = "LogGroupsList"
    actions   = local.ci_policy_actions.log_group_any
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "ServiceLogs"
    actions   = local.ci_policy_actions.log_streams
    resources = concat(local.ci_log_group_arns, [for arn in local.ci_log_group_arns : "${arn}:*"])
  }

  # Registering a task definition passes its roles: only ours, and only to ECS tasks.
  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = concat([aws_iam_role.execution.arn], [for role in aws_iam_role.task : role.arn])

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # verify asks IAM's policy simulator what the deploy role may do (UpdateService, PassRole, PutImage, …)
  # on the resources a manifest names, before any change: each role may simulate only the deploy roles.
  # (Without CI roles the document is not used: aws_iam_policy.ci_deploy has count 0.)
  statement {
    sid       = "SimulateDeployRoles"
    actions   = local.ci_policy_actions.deploy_roles
    resources = [for role in concat(aws_iam_role.github_deploy, aws_iam_role.gitlab_deploy) : role.arn]
  }

  # Native blue/green, canary and linear send the ECS infrastructure role in UpdateService
  # (loadBalancers[].advancedConfiguration.roleArn): ECS itself assumes it to move listener rules.
  dynamic "statement" {
    for_each = length(aws_iam_role.ecs_infrastructure) > 0 ? [aws_iam_role.ecs_infrastructure[0].arn] : []

    content {
      sid       = "PassInfrastructureRole"
      actions   = ["iam:PassRole"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["ecs.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_policy" "ci_deploy" {
  count = local.ci_roles_enabled ? 1 : 0

  name        = "${local.name}-ci-deploy"
  description = "Exactly the AWS operations Cendence calls to build, push and deploy ${local.name}"
  policy      = data.aws_iam_policy_document.ci_deploy.json
}
