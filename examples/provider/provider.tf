terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

# Credentials and region usually come from the environment:
# TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and TENCENTCLOUD_REGION.
provider "tencentcloud" {
  region = "ap-guangzhou"
}

# Against the local emulator (make demo, or tencentcloud-emulator by hand):
provider "tencentcloud" {
  alias      = "emulator"
  endpoint   = "http://127.0.0.1:8090"
  secret_id  = "AKIDEMULATORDEMO00000000000000000000"
  secret_key = "emulator-demo-secret-key-0000000000"
  region     = "ap-guangzhou"
}

# Credentials of a tccli profile (~/.tccli/deploy.credential), a role
# assumed with them, and tags on every key pair.
provider "tencentcloud" {
  alias   = "deploy"
  profile = "deploy"

  assume_role {
    role_arn         = "qcs::cam::uin/100000000001:roleName/deployer"
    session_name     = "terraform"
    session_duration = 3600
  }

  default_tags {
    tags = {
      managed_by = "terraform"
    }
  }
}
