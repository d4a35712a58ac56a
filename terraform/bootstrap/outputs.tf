output "state_bucket" {
  description = "Name of the state bucket (the bucket of environments/<env>.s3.tfbackend)."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state objects."
  value       = aws_kms_key.state.arn
}
