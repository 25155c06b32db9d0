# A key pair that Tencent Cloud generates. The private key is kept in the
# state as a sensitive value, in PEM (private_key) and in the OpenSSH
# format (private_key_openssh).
resource "tencentcloud_key_pair" "generated" {
  key_name    = "deploy_2026"
  description = "CI deploy key"
  tags = {
    team = "platform"
  }
}

# A key pair from an existing public key: no private key reaches Terraform.
# RSA keys only: make it with ssh-keygen -t rsa -b 4096. Name the type:
# ssh-keygen's default is ed25519 since OpenSSH 9.5 (RSA before), and an
# ed25519 key (ssh-keygen -t ed25519) fails at plan.
resource "tencentcloud_key_pair" "imported" {
  key_name   = "alice_laptop"
  public_key = file("~/.ssh/id_rsa.pub")
}

# A unique name from a prefix, such as ci_k3jqx7ma, so that a replacement
# makes the new key pair before it deletes the old one.
resource "tencentcloud_key_pair" "rotated" {
  key_name_prefix = "ci_"

  lifecycle {
    create_before_destroy = true
  }
}

# The same import as a write-only argument (Terraform 1.11 and later): the
# public key reaches neither the state nor a plan file; fingerprint is
# still set. Change public_key_wo_version to replace the key pair with one
# of a new key.
resource "tencentcloud_key_pair" "write_only" {
  key_name              = "bob_laptop"
  public_key_wo         = file("~/.ssh/id_rsa.pub")
  public_key_wo_version = 1
}
