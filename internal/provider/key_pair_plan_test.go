package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Plans say what they know, and only what changes: without pgp_key,
// encrypted_private_key and key_fingerprint are null, not "known after
// apply"; the fingerprint of an imported key is known; and a new comment
// or spacing of public_key is no change at all.
func TestAccKeyPair_quietPlans(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	const generated, imported = "tencentcloud_key_pair.generated", "tencentcloud_key_pair.imported"
	pub := acctest.PublicKey(t)
	config := func(publicKey, description string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "generated" {
  key_name    = %[1]q
  description = %[4]q
}

resource "tencentcloud_key_pair" "imported" {
  key_name    = %[2]q
  public_key  = %[3]q
  description = %[4]q
}
`, acctest.KeyName("acc_quiet_generated"), acctest.KeyName("acc_quiet_imported"), publicKey, description)
	}
	null := func(addr string, attrs ...string) []plancheck.PlanCheck {
		var checks []plancheck.PlanCheck
		for _, a := range attrs {
			checks = append(checks, plancheck.ExpectKnownValue(addr, tfjsonpath.New(a), knownvalue.Null()))
		}
		return checks
	}
	// Known in every plan: with or without a change.
	quiet := func() []plancheck.PlanCheck {
		checks := append(null(generated, "encrypted_private_key", "key_fingerprint"),
			null(imported, "encrypted_private_key", "key_fingerprint", "private_key", "private_key_openssh")...)
		return append(checks, plancheck.ExpectKnownValue(imported, tfjsonpath.New("fingerprint"), knownvalue.StringExact(acctest.Fingerprint(t, pub))))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(pub+" alice@example", "first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(quiet(),
						plancheck.ExpectUnknownValue(generated, tfjsonpath.New("fingerprint")),
						plancheck.ExpectUnknownValue(generated, tfjsonpath.New("private_key_openssh")),
					),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Only the comment and the spacing change: nothing to do.
				Config: config("  "+pub+"   bob@example\n", "first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imported, tfjsonpath.New("public_key"), knownvalue.StringExact(pub+" alice@example")),
				},
			},
			{
				// A change in place keeps them known.
				Config: config("  "+pub+"   bob@example\n", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(quiet(),
						plancheck.ExpectResourceAction(generated, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(imported, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(generated, tfjsonpath.New("fingerprint"), knownvalue.NotNull()),
						plancheck.ExpectKnownValue(generated, tfjsonpath.New("private_key_openssh"), knownvalue.NotNull()),
					),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
