package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Missing credentials or region give one error that names each missing
// attribute together with its environment variable.
func TestAccProvider_missingConfiguration(t *testing.T) {
	testAccPreCheck(t)
	for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION", "TENCENTCLOUD_ENDPOINT"} {
		t.Setenv(v, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "tencentcloud" {
  secret_id = "AKIDonlytheid"
}
resource "tencentcloud_key_pair" "test" {
  key_name = "never"
}
`,
				ExpectError: regexp.MustCompile(`(?s)secret_key \(or the environment variable TENCENTCLOUD_SECRET_KEY\).*region \(or the environment variable TENCENTCLOUD_REGION\)`),
			},
			{
				Config: `
provider "tencentcloud" {
  secret_id  = "AKIDx"
  secret_key = "k"
  region     = "ap-guangzhou"
  endpoint   = "127.0.0.1:8090"
}
resource "tencentcloud_key_pair" "test" {
  key_name = "never"
}
`,
				ExpectError: regexp.MustCompile(`(?s)endpoint.*not a base URL`),
			},
		},
	})
}
