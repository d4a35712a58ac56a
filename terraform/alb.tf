# The public Application Load Balancer: 80 redirects to 443, HTTPS with a TLS 1.2+ policy, one listener rule
# per public service, and for blue/green services a green target group plus a rule on the test listener.
# ECS owns the weights of blue/green rules during deployments, so Terraform ignores them after creation.

# Public by design: the only internet-facing entry point (the ALB's purpose; tasks stay private).
#trivy:ignore:AVD-AWS-0053
resource "aws_lb" "this" {
  name                       = local.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = aws_subnet.public[*].id
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = 120

  access_logs {
    bucket  = aws_s3_bucket.alb_logs.id
    prefix  = "alb"
    enabled = true
  }

  tags = { Name = local.name }

  depends_on = [aws_s3_bucket_policy.alb_logs]
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

# Test traffic for blue/green: ECS points the test rule at the new (green) tasks before shifting production.
resource "aws_lb_listener" "test" {
  count = length(local.blue_green_services) > 0 ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = var.test_listener_port
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

# --- Target groups ------------------------------------------------------------------------------------------

resource "aws_lb_target_group" "blue" {
  for_each = local.public_services

  name                 = "${substr("${local.name}-${each.key}", 0, 29)}-b"
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
    timeout             = 5
  }

  tags = { Name = "${local.name}-${each.key}-blue", Service = each.key }
}

resource "aws_lb_target_group" "green" {
  for_each = local.blue_green_services

  name                 = "${substr("${local.name}-${each.key}", 0, 29)}-g"
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
    timeout             = 5
  }

  tags = { Name = "${local.name}-${each.key}-green", Service = each.key }
}

# --- Listener rules -----------------------------------------------------------------------------------------

resource "aws_lb_listener_rule" "production" {
  for_each = local.public_services

  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.listener_priority

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.blue[each.key].arn
        weight = 100
      }

      dynamic "target_group" {
        for_each = each.value.blue_green ? [aws_lb_target_group.green[each.key].arn] : []

        content {
          arn    = target_group.value
          weight = 0
        }
      }
    }
  }

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  tags = { Name = "${local.name}-${each.key}", Service = each.key }

  # ECS blue/green and the pipeline's traffic shifts rewrite the weights; a plan must not undo them.
  lifecycle {
    ignore_changes = [action]
  }
}

resource "aws_lb_listener_rule" "test" {
  for_each = local.blue_green_services

  listener_arn = aws_lb_listener.test[0].arn
  priority     = each.value.listener_priority

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.blue[each.key].arn
        weight = 100
      }

      target_group {
        arn    = aws_lb_target_group.green[each.key].arn
        weight = 0
      }
    }
  }

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  tags = { Name = "${local.name}-${each.key}-test", Service = each.key }

  lifecycle {
    ignore_changes = [action]
  }
}

# --- Access logs bucket ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "alb_logs" {
  # checkov:skip=CKV_AWS_145: ALB access log delivery supports only SSE-S3 (AES256), not SSE-KMS.
  # checkov:skip=CKV_AWS_18: this is the access-log bucket; logging it to itself would loop.
  # checkov:skip=CKV_AWS_144: cross-region replication of access logs is not worth its cost here.
  # checkov:skip=CKV2_AWS_62: nothing subscribes to access-log object events.
  bucket        = "${local.name}-alb-logs-${local.account_id}"
  force_destroy = false

  tags = { Name = "${local.name}-alb-logs" }
}

resource "aws_s3_bucket_public_access_block" "alb_logs" {
  bucket                  = aws_s3_bucket.alb_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

# ALB log delivery writes only with SSE-S3.
#trivy:ignore:AVD-AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_logs_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_elb_service_account" "this" {}

data "aws_iam_policy_document" "alb_logs" {
  statement {
    sid       = "AlbLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.alb_logs.arn}/alb/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.this.arn]
    }
  }

  # Regions opened after August 2022 deliver through the log-delivery service principal instead.
  statement {
    sid       = "AlbLogDeliveryService"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.alb_logs.arn}/alb/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.alb_logs.arn, "${aws_s3_bucket.alb_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "alb_logs" {
  bucket = aws_s3_bucket.alb_logs.id
  policy = data.aws_iam_policy_document.alb_logs.json

  depends_on = [aws_s3_bucket_public_access_block.alb_logs]
}
