# Bump rotation to rotate the key pair: the new one is made, under a new
# name, before the old one is deleted.
resource "terraform_data" "rotation" {
  input = "2026-01"
}

resource "tencentcloud_key_pair" "deploy" {
  key_name_prefix = "deploy_" # deploy_ and 8 random characters
  description     = "CI deploy key"

  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.rotation]
  }
}

output "deploy_key_name" {
  value = tencentcloud_key_pair.deploy.key_name
}

output "deploy_private_key" {
  value     = tencentcloud_key_pair.deploy.private_key_openssh
  sensitive = true
}
