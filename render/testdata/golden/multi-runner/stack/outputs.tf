# Manager stack outputs, read by runnerfleet after apply (terraform output -json).

output "manager_instance_ids" {
  description = "Instance ID of each manager, by manager name."
  value       = { for name, instance in aws_instance.manager : name => instance.id }
}

output "manager_private_ips" {
  description = "Private IP of each manager, by manager name."
  value       = { for name, instance in aws_instance.manager : name => instance.private_ip }
}

output "manager_role_arn" {
  description = "ARN of the managers' IAM role."
  value       = aws_iam_role.manager.arn
}

output "worker_role_arn" {
  description = "ARN of the workers' IAM role."
  value       = aws_iam_role.worker.arn
}

output "manager_instance_profile_name" {
  description = "Instance profile of the managers."
  value       = aws_iam_instance_profile.manager.name
}

output "worker_instance_profile_name" {
  description = "Instance profile of the workers (instance_profile_name of the worker template)."
  value       = aws_iam_instance_profile.worker.name
}

output "managers_security_group_id" {
  description = "Security group of the managers."
  value       = aws_security_group.managers.id
}

output "workers_security_group_id" {
  description = "Security group of the workers."
  value       = aws_security_group.workers.id
}

output "workers_security_group_name" {
  description = "Name of the workers' security group (security_group_name of the worker template)."
  value       = aws_security_group.workers.name
}

output "cache_bucket_name" {
  description = "Name of the S3 cache bucket, or \"\" when the cache is disabled."
  value       = join("", aws_s3_bucket.cache[*].bucket)
}

output "autoscaler_group_arns" {
  description = "ARN of each docker-autoscaler Auto Scaling group, by group name."
  value       = { for name, group in aws_autoscaling_group.autoscaler : name => group.arn }
}
