# CloudWatch log groups, all with retention and KMS (CKV_AWS_66, CKV_AWS_158, CKV_AWS_338).

resource "aws_cloudwatch_log_group" "service" {
  for_each = var.services

  name              = "/ecs/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = { Service = each.key }
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/ecs/${local.name}/exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/vpc/${local.name}/flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}
