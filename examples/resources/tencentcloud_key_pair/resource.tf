# A key pair that Tencent Cloud generates. The private key is kept in the
# state as a sensitive value.
resource "tencentcloud_key_pair" "generated" {
  key_name    = "deploy_2026"
  description = "CI deploy key"
  tags = {
    team = "platform"
  }
}

# A key pair from an existing public key: no private key reaches Terraform.
resource "tencentcloud_key_pair" "imported" {
  key_name   = "alice_laptop"
  public_key = file("~/.ssh/id_rsa.pub")
}
