# Tencent Cloud keeps the private key: an SSH key pair secret of Secrets
# Manager (SSM) makes the CVM key pair and holds its private key,
# encrypted with KMS. The ephemeral resource reads it for the run only.

variable "instance_address" {
  description = "Address of an instance that the key pair is bound to."
  type        = string
}

resource "tencentcloud_ssm_ssh_key_pair_secret" "deploy" {
  secret_name  = "deploy-ssh-key"
  ssh_key_name = "deploy_2026"
  description  = "Deploy key; the private key stays in SSM"
}

# Opened when the run needs it, never stored: not in the state, not in a
# plan file. By ssh_key_id here; secret_name works too.
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "deploy" {
  ssh_key_id = tencentcloud_ssm_ssh_key_pair_secret.deploy.ssh_key_id
}

resource "terraform_data" "bootstrap" {
  triggers_replace = [var.instance_address]

  connection {
    type        = "ssh"
    host        = var.instance_address
    user        = "root" # ubuntu on Ubuntu images
    private_key = ephemeral.tencentcloud_ssm_ssh_key_pair_value.deploy.private_key_openssh
  }

  provisioner "remote-exec" {
    inline = ["cloud-init status --wait"]
  }
}
