# The private key of a secret, for the length of one operation: it reaches
# neither the state nor a plan file.
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "example" {
  secret_name = "tf-example"
}

# For example in a provisioner's connection (instance being an instance
# whose key pair is the secret's).
resource "terraform_data" "bootstrap" {
  provisioner "remote-exec" {
    connection {
      type        = "ssh"
      host        = var.instance_ip
      user        = "root"
      private_key = ephemeral.tencentcloud_ssm_ssh_key_pair_value.example.private_key
    }
    inline = ["echo connected"]
  }
}

variable "instance_ip" {
  type = string
}
