terraform {
  required_providers {
    # This provider, for key pairs.
    kp = {
      source = "keypairlabs/tencentcloud"
    }
    # The official provider, for everything else.
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
  }
}

provider "kp" {
  region = "ap-guangzhou"
  default_tags {
    tags = { managed_by = "terraform" }
  }
}

provider "tencentcloud" {
  region = "ap-guangzhou"
}

resource "tencentcloud_key_pair" "deploy" {
  provider = kp
  key_name = "deploy_2026"
}

data "tencentcloud_key_pair" "deploy" {
  provider = kp
  key_id   = tencentcloud_key_pair.deploy.id
}

# Managed by the official provider, with the key pair of this one.
resource "tencentcloud_instance" "web" {
  instance_name     = "web"
  availability_zone = "ap-guangzhou-3"
  image_id          = "img-9qabwvbn"
  instance_type     = "S5.MEDIUM2"
  key_ids           = [tencentcloud_key_pair.deploy.id]
}
