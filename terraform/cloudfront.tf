# Optional CloudFront in front of the ALB (enable_cloudfront): TLS 1.2+ at the edge, HTTPS to the origin
# (by a name the ALB certificate covers), static frontend assets cached, /api/* and /ws/* passed uncached.

data "aws_cloudfront_cache_policy" "optimized" {
  count = var.enable_cloudfront ? 1 : 0

  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_cache_policy" "disabled" {
  count = var.enable_cloudfront ? 1 : 0

  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_origin_request_policy" "all_viewer" {
  count = var.enable_cloudfront ? 1 : 0

  name = "Managed-AllViewer"
}

resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_86: standard logging needs an ACL-enabled bucket; the ALB access logs record every origin request.
  # checkov:skip=CKV_AWS_310: a single ALB origin; origin failover needs a second region.
  # checkov:skip=CKV_AWS_374: no geo restriction: the game is public.
  # checkov:skip=CKV2_AWS_47: WAF is attached through cloudfront_web_acl_arn when the account has one.
  # checkov:skip=CKV_AWS_174: the default *.cloudfront.net certificate pins TLSv1; set cloudfront_certificate_arn for TLSv1.2_2021.
  count = var.enable_cloudfront ? 1 : 0

  enabled         = true
  is_ipv6_enabled = true
  comment         = "${local.name} frontend"
  price_class     = var.cloudfront_price_class
  aliases         = var.cloudfront_aliases
  web_acl_id      = var.cloudfront_web_acl_arn
  http_version    = "http2and3"

  origin {
    origin_id = "alb"
    # The name on the ALB's certificate (a DNS record pointing at the ALB): CloudFront verifies it over HTTPS.
    domain_name = var.cloudfront_origin_domain

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = data.aws_cloudfront_cache_policy.optimized[0].id
  }

  dynamic "ordered_cache_behavior" {
    for_each = ["/api/*", "/ws/*"]

    content {
      path_pattern             = ordered_cache_behavior.value
      target_origin_id         = "alb"
      viewer_protocol_policy   = "https-only"
      allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods           = ["GET", "HEAD"]
      cache_policy_id          = data.aws_cloudfront_cache_policy.disabled[0].id
      origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_viewer[0].id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.cloudfront_certificate_arn == null
    acm_certificate_arn            = var.cloudfront_certificate_arn
    ssl_support_method             = var.cloudfront_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.cloudfront_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }
}
