# A key pair whose private key Secrets Manager keeps: it never reaches the
# state. The destroy deletes the secret and the CVM key pair
# (clean_ssh_key defaults to true here; the official provider's default
# is false).
resource "tencentcloud_ssm_ssh_key_pair_secret" "example" {
  secret_name  = "tf-example"
  project_id   = 0
  description  = "desc."
  ssh_key_name = "tf_example_ssh"
  status       = "Enabled"

  tags = {
    createdBy = "terraform"
  }
}

# Read the private key only for the length of an operation (Terraform 1.10
# and later), for example to connect to an instance that uses the key pair
# (its key_ids = [tencentcloud_ssm_ssh_key_pair_secret.example.ssh_key_id]).
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "example" {
  secret_name = tencentcloud_ssm_ssh_key_pair_secret.example.id
}
