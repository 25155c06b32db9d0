# The key is made where Terraform runs and only its public half goes to
# Tencent Cloud, as a write-only argument: no key, private or public, in
# the state or a plan file. Terraform 1.11 or later.

terraform {
  required_version = ">= 1.11"
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
    tls = {
      source  = "hashicorp/tls"
      version = ">= 4.1" # the first with the ephemeral tls_private_key
    }
  }
}

# A new key in every run, which exists for that run only.
ephemeral "tls_private_key" "bootstrap" {
  algorithm = "RSA" # Tencent Cloud imports RSA keys only
  rsa_bits  = 4096
}

resource "tencentcloud_key_pair" "bootstrap" {
  key_name              = "bootstrap_2026"
  public_key_wo         = ephemeral.tls_private_key.bootstrap.public_key_openssh
  public_key_wo_version = 1 # change it to make a new key pair of a new key
}

# A key of your own instead, whose private half stays on your disk:
#   public_key_wo = file("~/.ssh/tencentcloud.pub")
