# Stores the private key in the state (base64): prefer the ephemeral
# resource of the same name.
data "tencentcloud_ssm_ssh_key_pair_value" "example" {
  secret_name = "tf-example"
}

# Or by the key pair's id.
data "tencentcloud_ssm_ssh_key_pair_value" "by_id" {
  ssh_key_id = "skey-2ae2snwd"
}
