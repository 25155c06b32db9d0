package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

const keyPairAddr = "tencentcloud_key_pair.test"

var keyIDPattern = apicontract.KeyPairIDPattern

func TestAccKeyPair_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := keyName("acc_basic")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + fmt.Sprintf(`
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
					env.checkMatchesAPI(),
				),
			},
			{
				ResourceName:            keyPairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"private_key", "private_key_openssh"},
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
					},
				},
			},
		},
	})
}

func TestAccKeyPair_importedPublicKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := keyName("acc_imported")
	pub := testPublicKey(t)
	config := func(publicKey string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = %q
  public_key = %q
}
`, name, publicKey)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
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
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringExact(fingerprintOf(t, pub))),
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
				Config: config(testPublicKey(t)),
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
	name := keyName("acc_update")
	renamed := keyName("acc_renamed")
	config := func(name, extra string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
%s
}
`, name, extra)
	}
	var firstID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
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
				},
				Check: resource.ComposeTestCheckFunc(env.checkMatchesAPI(), saveID(keyPairAddr, &firstID)),
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
				},
				Check: resource.ComposeTestCheckFunc(env.checkMatchesAPI(), checkSameID(keyPairAddr, &firstID)),
			},
			{
				// Removing the description and the tags clears them in place.
				Config: config(renamed, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(env.checkMatchesAPI(), checkSameID(keyPairAddr, &firstID)),
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
				},
				Check: env.checkMatchesAPI(),
			},
		},
	})
}

func TestAccKeyPair_disappears(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	config := env.providerConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
}
`, keyName("acc_disappears"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
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
				Check: env.checkMatchesAPI(),
			},
		},
	})
}

func TestAccKeyPair_driftOutOfBand(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := keyName("acc_drift")
	config := env.providerConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name    = %q
  description = "managed"
  tags        = { team = "infra" }
}
`, name)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources[keyPairAddr].Primary.ID
					ctx := context.Background()
					other, desc := "renamed_elsewhere", "edited elsewhere"
					if err := env.client().ModifyKeyPair(ctx, id, &other, &desc); err != nil {
						return err
					}
					return env.client().ModifyTags(ctx, id, map[string]string{"team": "other"}, nil)
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
				Check: env.checkMatchesAPI(),
			},
		},
	})
}

func TestAccKeyPair_duplicateName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := keyName("acc_duplicate")
	// The holder is made as the console would, without this provider's
	// create token (TestAccInvariants_nameHeldByProviderMadeKeyPair has
	// one with it).
	env.skipInCloud()
	holder := struct{ ID string }{env.createForeign(name, nil)}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + fmt.Sprintf(`
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

// checkMatchesAPI compares the state of tencentcloud_key_pair.test with
// what DescribeKeyPairs says.
func (e *testEnv) checkMatchesAPI() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[keyPairAddr].Primary.Attributes
		kp, err := e.client().DescribeKeyPair(context.Background(), attrs["id"])
		if err != nil {
			return err
		}
		if kp.Name != attrs["key_name"] || fmt.Sprint(kp.ProjectID) != attrs["project_id"] || kp.Description != attrs["description"] ||
			kp.CreatedTime != attrs["created_time"] || !sshkey.Same(kp.PublicKey, attrs["public_key"]) {
			return fmt.Errorf("state (name %q, project %s, description %q, created %s, public key %q) does not match the API's %+v",
				attrs["key_name"], attrs["project_id"], attrs["description"], attrs["created_time"], attrs["public_key"], kp)
		}
		if got := attrs["tags.%"]; got != fmt.Sprint(len(kp.Tags)) && (got != "" || len(kp.Tags) != 0) {
			return fmt.Errorf("state has %s tags, the API %d", got, len(kp.Tags))
		}
		for k, v := range kp.Tags {
			if attrs["tags."+k] != v {
				return fmt.Errorf("tag %s: state %q, API %q", k, attrs["tags."+k], v)
			}
		}
		return nil
	}
}

// deleteOutOfBand deletes the key pair behind Terraform's back.
func (e *testEnv) deleteOutOfBand(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return e.client().DeleteKeyPair(context.Background(), s.RootModule().Resources[addr].Primary.ID)
	}
}

func saveID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*id = s.RootModule().Resources[addr].Primary.ID
		return nil
	}
}

func checkSameID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if got := s.RootModule().Resources[addr].Primary.ID; got != *id {
			return fmt.Errorf("key pair was replaced: id %s, was %s", got, *id)
		}
		return nil
	}
}

// testPublicKey returns a fresh OpenSSH RSA public key, without comment.
func testPublicKey(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}

func fingerprintOf(t *testing.T, line string) string {
	t.Helper()
	fp := sshkey.Fingerprint(line)
	if fp == "" {
		t.Fatalf("%q does not parse", line)
	}
	return fp
}
