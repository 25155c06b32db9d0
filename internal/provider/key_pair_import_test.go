package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// An import id that is not of the skey- form is the exact name of a key
// pair: with `terraform import`, with an import block, and with an import
// block and -generate-config-out, whose configuration then plans no
// change. A name that no key pair has, or that no key pair could have,
// gets an error that says so.
func TestAccKeyPair_importByName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_by_name")
	// A name that holds the imported one, which DescribeKeyPairs' key-name
	// filter also answers (it matches part of a name): the import takes
	// the key pair of exactly the name, never this one.
	env.SeedKeyPair(name+"_b", 0, "", nil)
	var id string
	isID := knownvalue.StringFunc(func(v string) error {
		if v != id {
			return fmt.Errorf("imported key pair %s, want %s", v, id)
		}
		return nil
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name    = %q
  description = "found by name"
  tags        = { team = "infra" }
}
`, name),
				// The id that the imports by name below must find.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
						id = v
						return nil
					})),
				},
			},
			{
				ResourceName:            keyPairAddr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"private_key", "private_key_openssh"},
			},
			{
				ResourceName:    keyPairAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   name,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("id"), isID),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("description"), knownvalue.StringExact("found by name")),
					},
				},
			},
			{
				// terraform plan -generate-config-out: the generated
				// configuration is valid and plans the import alone.
				ResourceName:    keyPairAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   name,
				GenerateConfig:  true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("tencentcloud_key_pair.generated", tfjsonpath.New("id"), isID),
						plancheck.ExpectKnownValue("tencentcloud_key_pair.generated", tfjsonpath.New("key_name"), knownvalue.StringExact(name)),
					},
				},
			},
			{
				ResourceName:  keyPairAddr,
				ImportState:   true,
				ImportStateId: "acc_no_such_name",
				ExpectError:   regexp.MustCompile(`(?s)No key pair is named "acc_no_such_name" in region ` + acctest.Region + `.*key pair id \(skey-`),
			},
			{
				ResourceName:  keyPairAddr,
				ImportState:   true,
				ImportStateId: "skey-bad!",
				ExpectError:   regexp.MustCompile(`(?s)"skey-bad!" is neither a key pair id nor a key pair name`),
			},
		},
	})
}
