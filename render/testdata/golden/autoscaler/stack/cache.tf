# Manager stack: the shared S3 cache bucket (only when the cache is enabled).
# Cache objects are disposable, so the bucket expires them and may be destroyed
# with its contents.

resource "aws_s3_bucket" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket        = local.cache_bucket_name
  force_destroy = true
}

resource "aws_s3_bucket_ownership_controls" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket = aws_s3_bucket.cache[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket                  = aws_s3_bucket.cache[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket = aws_s3_bucket.cache[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket = aws_s3_bucket.cache[0].id

  rule {
    id     = "expire-cache"
    status = "Enabled"

    filter {}

    expiration {
      days = var.cache_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Refuse plain-HTTP access.
data "aws_iam_policy_document" "cache_bucket" {
  count = var.cache_enabled ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.cache[0].arn, "${aws_s3_bucket.cache[0].arn}/*"]

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

resource "aws_s3_bucket_policy" "cache" {
  count = var.cache_enabled ? 1 : 0

  bucket = aws_s3_bucket.cache[0].id
  policy = data.aws_iam_policy_document.cache_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.cache]
}
