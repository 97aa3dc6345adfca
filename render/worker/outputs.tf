# Worker template outputs, read by docker-machine-driver-terraform
# ("terraform output -json"): dm_machine_ip is required, dm_ssh_user optional.

output "dm_machine_ip" {
  description = "Private IP docker-machine connects to."
  value       = data.aws_instance.worker.private_ip
}

output "dm_ssh_user" {
  description = "SSH user of the worker AMI."
  value       = var.ssh_user
}

output "instance_id" {
  description = "EC2 instance of this worker (for logs and pruning)."
  value       = data.aws_instance.worker.id
}
