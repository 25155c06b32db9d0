# A secret is imported by its name.
terraform import tencentcloud_ssm_ssh_key_pair_secret.example tf-example
