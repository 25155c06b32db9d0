package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

var keyIDPattern = apicontract.KeyPairIDPattern

func TestAccKeyPair_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_basic")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
}
`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectSensitiveValue(keyPairAddr, tfjsonpath.New("private_key")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(keyIDPattern)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("tags"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("force_stop"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("associated_instance_ids"), knownvalue.SetExact(nil)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("created_time"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"),
						knownvalue.StringRegexp(regexp.MustCompile(`^ssh-rsa AAAA`))),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"),
						knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----\n`))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkPrivateKeyMatchesPublicKey(keyPairAddr),
					checkFingerprint(keyPairAddr),
					env.CheckMatchesAPI(keyPairAddr),
				),
			},
			{
				ResourceName:      keyPairAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// A generated key pair's public key stays out of the
				// imported state (key_pair_import.go).
				ImportStateVerifyIgnore: []string{"private_key", "private_key_openssh", "public_key"},
			},
			{
				// An import block plans the import with no other change; the
				// private key cannot come back, which the plan shows.
				ResourceName:    keyPairAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringExact(name)),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
						// Tencent Cloud generated it: its public key stays
						// out, its fingerprint tells it.
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringRegexp(regexp.MustCompile(`^SHA256:`))),
					},
				},
			},
		},
	})
}

func TestAccKeyPair_importedPublicKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_imported")
	pub := acctest.PublicKey(t)
	config := func(publicKey string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = %q
  public_key = %q
}
`, name, publicKey)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(pub + " alice@example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// Known at plan time: an imported key has no private key.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(keyIDPattern)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.StringExact(pub+" alice@example")),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringExact(acctest.Fingerprint(t, pub))),
				},
			},
			{
				// Only the comment and spacing change: the same key, no change.
				Config: config("  " + pub + "   bob@example\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      keyPairAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The API holds the key as first imported, with its comment;
				// the strict emulator, as the real service may, with another.
				ImportStateVerifyIgnore: []string{"public_key"},
			},
			{
				// A different key replaces the key pair.
				Config: config(acctest.PublicKey(t)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccKeyPair_updateInPlace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	name := acctest.KeyName("acc_update")
	renamed := acctest.KeyName("acc_renamed")
	config := func(name, extra string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
%s
}
`, name, extra)
	}
	// The first three steps change the key pair in place, keeping its id;
	// the last replaces it.
	sameID := statecheck.CompareValue(compare.ValuesSame())
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(name, `
  description = "first"
  tags = { team = "infra", env = "dev" }
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("infra"), "env": knownvalue.StringExact("dev"),
					})),
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
			{
				Config: config(renamed, `
  description = "second"
  tags = { team = "platform", owner = "me" }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("platform"), "owner": knownvalue.StringExact("me"),
					})),
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
			{
				// Removing the description and the tags clears them in place.
				Config: config(renamed, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
					replaced.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
			{
				// A new project replaces the key pair.
				Config: config(renamed, `  project_id = 1001`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(1001)),
					replaced.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
		},
	})
}

func TestAccKeyPair_disappears(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	config := env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
}
`, acctest.KeyName("acc_disappears"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config:             config,
				Check:              env.deleteOutOfBand(keyPairAddr),
				ExpectNonEmptyPlan: true,
			},
			{
				// The next plan creates it again.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
		},
	})
}

func TestAccKeyPair_driftOutOfBand(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_drift")
	config := env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name    = %q
  description = "managed"
  tags        = { team = "infra" }
}
`, name)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources[keyPairAddr].Primary.ID
					ctx := context.Background()
					other, desc := "renamed_elsewhere", "edited elsewhere"
					if err := env.Client().ModifyKeyPair(ctx, id, &other, &desc); err != nil {
						return err
					}
					return env.Client().ModifyTags(ctx, id, map[string]string{"team": "other"}, nil)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// Refresh sees the edits, and the plan puts them back in place.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringExact(name)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
		},
	})
}

func TestAccKeyPair_duplicateName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_duplicate")
	// The holder is made as the console would, without this provider's
	// create token (TestAccInvariants_nameHeldByProviderMadeKeyPair has
	// one with it).
	env.SkipInCloud()
	holder := struct{ ID string }{env.CreateForeign(name, nil)}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
}
`, name),
			ExpectError: regexp.MustCompile(`(?s)key_name.*already exists.*` + holder.ID + `.*terraform import tencentcloud_key_pair\.<name> ` + holder.ID),
		}},
	})
}

// checkPrivateKeyMatchesPublicKey parses the private key in state and
// checks that its public half is the public key in state.
func checkPrivateKeyMatchesPublicKey(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		return sshkey.CheckPrivateKey(attrs["private_key"], attrs["public_key"])
	}
}

// checkFingerprint recomputes the fingerprint of the public key in state.
func checkFingerprint(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(attrs["public_key"]))
		if err != nil {
			return err
		}
		if want := ssh.FingerprintSHA256(pub); attrs["fingerprint"] != want || !strings.HasPrefix(want, "SHA256:") {
			return fmt.Errorf("fingerprint %q, want %q", attrs["fingerprint"], want)
		}
		return nil
	}
}

// deleteOutOfBand deletes the key pair behind Terraform's back.
func (e *testEnv) deleteOutOfBand(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return e.Client().DeleteKeyPair(context.Background(), s.RootModule().Resources[addr].Primary.ID)
	}
}
