package provider

import (
	"fmt"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The configuration of the side-by-side guide: this provider under the
// local name kp manages key pairs, next to the official provider under
// its usual name tencentcloud.
//
// STAND-IN: this test does not run the official provider. It cannot be
// installed offline, so a second copy of this provider stands in for it
// (through dev_overrides, under tencentcloudstack/tencentcloud); what is
// tested is Terraform's wiring: resources with provider = kp go to
// keypairlabs/tencentcloud and are recorded under it, the others to the
// provider named tencentcloud, and the two resource types of the same
// name do not mix. make check-official runs this configuration's kind
// with a real build of the official provider, each provider reading the
// other's key pairs.
func TestAccKeyPair_sideBySide(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress, acctest.OfficialAddress)
	block := func(name string) string {
		return fmt.Sprintf("provider %q {\n  endpoint   = %q\n  secret_id  = %q\n  secret_key = %q\n  region     = %q\n}\n",
			name, env.Endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, acctest.Region)
	}
	tf.Write("main.tf", `
terraform {
  required_providers {
    kp = {
      source = "keypairlabs/tencentcloud"
    }
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
  }
}

`+block("kp")+block("tencentcloud")+`
resource "tencentcloud_key_pair" "ours" {
  provider = kp
  key_name = "side_ours"
  tags     = { managed_by = "kp" }
}

resource "tencentcloud_key_pair" "theirs" {
  key_name = "side_theirs"
}

data "tencentcloud_key_pair" "ours" {
  provider = kp
  key_id   = tencentcloud_key_pair.ours.id
}

output "ours_fingerprint" {
  value = data.tencentcloud_key_pair.ours.fingerprint
}
`)
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	if code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after apply is not empty:\n%s", out)
	}
	rs := tf.Resources()
	for addr, want := range map[string]string{
		"tencentcloud_key_pair.ours":      acctest.OurAddress,
		"data.tencentcloud_key_pair.ours": acctest.OurAddress,
		"tencentcloud_key_pair.theirs":    acctest.OfficialAddress,
	} {
		if got := rs[addr].ProviderName; got != want {
			t.Errorf("%s is managed by %q, want %q", addr, got, want)
		}
	}
	tf.Run([]int{0}, "destroy", "-no-color", "-auto-approve", "-input=false")
	if n := len(tf.Resources()); n != 0 {
		t.Errorf("%d resources left after destroy", n)
	}
}
