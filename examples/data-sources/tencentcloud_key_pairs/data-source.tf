# Every key pair of the region.
data "tencentcloud_key_pairs" "all" {}

# Filters: all that are given must match. project_id and tags are sent to
# the API; name_regex is applied to its answer.
data "tencentcloud_key_pairs" "platform_deploy" {
  name_regex = "^deploy_"
  project_id = 0
  tags = {
    team = "platform"
  }
}

# For an audit: key pairs without tags, and key pairs bound to no instance.
output "untagged_key_pairs" {
  value = [for kp in data.tencentcloud_key_pairs.all.key_pairs : kp.key_name if kp.tags == null]
}

output "unused_key_pairs" {
  value = [for kp in data.tencentcloud_key_pairs.all.key_pairs : kp.key_name if length(kp.associated_instance_ids) == 0]
}

output "platform_deploy_key_ids" {
  value = data.tencentcloud_key_pairs.platform_deploy.ids
}

# As in the official provider's docs: by id, and by a name anchored with ^
# and $; key_pair_list and result_output_file as there.
data "tencentcloud_key_pairs" "key_id" {
  key_id = "skey-ie97i3ml"
}

data "tencentcloud_key_pairs" "key_name" {
  key_name           = "^test$"
  result_output_file = "key_pairs.json"
}

output "test_key_create_time" {
  value = one(data.tencentcloud_key_pairs.key_name.key_pair_list[*].create_time)
}
