# A key pair that another team manages, found by its exact name.
data "tencentcloud_key_pair" "ops" {
  key_name = "ops_shared"
}

# The same, by id.
data "tencentcloud_key_pair" "by_id" {
  key_id = "skey-3glfot13"
}

output "ops_key_pair" {
  value = {
    id          = data.tencentcloud_key_pair.ops.id
    fingerprint = data.tencentcloud_key_pair.ops.fingerprint
    instances   = data.tencentcloud_key_pair.ops.associated_instance_ids
  }
}
