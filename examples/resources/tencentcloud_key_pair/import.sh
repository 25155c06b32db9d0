# A key pair is imported by its id, or by its name. The private key cannot
# be recovered: Tencent Cloud returns it only once, when the key pair is
# created.
terraform import tencentcloud_key_pair.example skey-3glfot13
terraform import tencentcloud_key_pair.example deploy_2026
