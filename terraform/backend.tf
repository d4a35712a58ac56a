# Remote state in S3 with native locking (use_lockfile; DynamoDB locking is deprecated). The bucket is
# created once by ./bootstrap (versioned, SSE-KMS, public access blocked, TLS only). Bucket, key and
# region come from environments/<env>.s3.tfbackend:
#   terraform init -backend-config=environments/staging.s3.tfbackend
terraform {
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
