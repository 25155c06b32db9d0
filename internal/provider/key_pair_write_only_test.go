package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// Write-only arguments need Terraform 1.11.
var writeOnlyTerraform = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// A key pair from public_key_wo, read from a local file: neither the
// state nor a refresh holds the public key, the fingerprint does; a new
// key alone changes nothing, a new public_key_wo_version replaces the key
// pair with one of the new key; terraform import reads the key pair as it
// reads any.
func TestAccKeyPair_publicKeyWriteOnly(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_write_only")
	keyFile := filepath.Join(t.TempDir(), "key.pub")
	first, second := acctest.PublicKey(t), acctest.PublicKey(t)
	config := func(version int) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name              = %q
  public_key_wo         = file(%q)
  public_key_wo_version = %d
}
`, name, keyFile, version)
	}
	writeKey := func(line string) func() {
		return func() { writeFile(t, keyFile, line+" alice@example\n") }
	}
	keptOut := func(pub string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(keyIDPattern)),
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key_wo"), knownvalue.Null()),
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key_openssh"), knownvalue.Null()),
			statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringExact(acctest.Fingerprint(t, pub))),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyTerraform,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: writeKey(first),
				Config:    config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(keptOut(first),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key_wo_version"), knownvalue.Int64Exact(1))),
				Check: env.checkAPIKey(keyPairAddr, first),
			},
			{
				// A refresh reads the key pair, public key included, and
				// keeps the public key out of the state.
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr(keyPairAddr, "public_key"),
					resource.TestCheckResourceAttr(keyPairAddr, "fingerprint", acctest.Fingerprint(t, first)),
				),
			},
			{
				// Another key with the same version: public_key_wo is not
				// in the state, so nothing tells a change.
				PreConfig: writeKey(second),
				Config:    config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: keptOut(first),
			},
			{
				// A new version replaces the key pair with the new key.
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: keptOut(second),
				Check:             env.checkAPIKey(keyPairAddr, second),
			},
			{
				// terraform import reads the key pair as for any other: with
				// its public key, and without the version, which only the
				// configuration knows.
				ResourceName:            keyPairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"public_key", "public_key_wo_version"},
			},
		},
	})
}

// A key pair of public_key moves to public_key_wo, as one that terraform
// import brought in does: the same key is an update in place that drops
// the public key from the state, and setting the version then replaces
// nothing; back to public_key, the same key is again an update. Another
// key in public_key_wo replaces the key pair.
func TestAccKeyPair_publicKeyWriteOnlyMove(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_write_only_move")
	pub, other := acctest.PublicKey(t), acctest.PublicKey(t)
	plain := env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = %q
  public_key = %q
}
`, name, pub)
	writeOnly := func(key string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name              = %q
  public_key_wo         = %q
  public_key_wo_version = 1
}
`, name, key)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyTerraform,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            plain,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.StringExact(pub))},
			},
			{
				Config: writeOnly(pub),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringExact(acctest.Fingerprint(t, pub))),
				},
			},
			{
				Config: plain,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.StringExact(pub))},
			},
			{
				Config: writeOnly(other),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("public_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("fingerprint"), knownvalue.StringExact(acctest.Fingerprint(t, other))),
				},
				Check: env.checkAPIKey(keyPairAddr, other),
			},
		},
	})
}

// public_key_wo is checked at plan as public_key is, with the same
// message, and conflicts with public_key and pgp_key; its version needs
// it. No plan makes an API call.
func TestAccKeyPair_publicKeyWriteOnlyValidation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	rsaKey := acctest.PublicKey(t)
	_, pgpKey := newPGPEntity(t)
	resourceWith := func(body string) string {
		return env.ProviderConfig() + "resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n" + body + "\n}\n"
	}
	var steps []resource.TestStep
	for _, bad := range []string{
		"not a key",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsb9k0LlZvwT8wBfJ3yYRPUw3CRWdxHXLqVM2lgZUZ3 x",
		rsaKey + `\n` + rsaKey,
	} {
		_, violation := apicontract.PublicKey(strings.ReplaceAll(bad, `\n`, "\n"))
		if violation == nil {
			t.Fatalf("%q is a valid public key", bad)
		}
		for _, attr := range []string{"public_key", "public_key_wo"} {
			steps = append(steps, resource.TestStep{
				Config:      resourceWith(fmt.Sprintf("  %s = %q", attr, strings.ReplaceAll(bad, `\n`, "\n"))),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Invalid public key", violation.Rule, "Attribute "+attr+"."),
			})
		}
	}
	steps = append(steps,
		resource.TestStep{
			Config:      resourceWith(fmt.Sprintf("  public_key = %q\n  public_key_wo = %q", rsaKey, rsaKey)),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Attribute "public_key" cannot be specified when "public_key_wo" is specified`),
		},
		resource.TestStep{
			Config:      resourceWith(fmt.Sprintf("  pgp_key = %q\n  public_key_wo = %q", pgpKey, rsaKey)),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Attribute "public_key_wo" cannot be specified when "pgp_key" is specified`),
		},
		resource.TestStep{
			Config:      resourceWith("  public_key_wo_version = 1"),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Attribute "public_key_wo" must be specified when "public_key_wo_version" is specified`),
		},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyTerraform,
		Steps:                    steps,
	})
	if n := env.TotalCalls(); n != 0 {
		t.Errorf("invalid configurations made %d API calls, want 0", n)
	}
}

// checkAPIKey checks that the key pair in the API holds the public key.
func (e *testEnv) checkAPIKey(addr, pub string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		kp, err := e.Client().DescribeKeyPair(context.Background(), rs.Primary.ID)
		if err != nil {
			return err
		}
		if !sshkey.Same(kp.PublicKey, pub) {
			return fmt.Errorf("key pair %s holds public key %q, want %q", rs.Primary.ID, kp.PublicKey, pub)
		}
		return nil
	}
}

func TestPublicKeyReplaces(t *testing.T) {
	t.Parallel()
	pub, other := acctest.PublicKey(t), acctest.PublicKey(t)
	key := func(s string) sshPublicKeyValue {
		if s == "" {
			return sshPublicKeyValue{StringValue: types.StringNull()}
		}
		return sshPublicKeyValue{StringValue: types.StringValue(s)}
	}
	str := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	unknown := sshPublicKeyValue{StringValue: types.StringUnknown()}
	fp := acctest.Fingerprint(t, pub)
	for _, c := range []struct {
		name            string
		state, plan     sshPublicKeyValue
		fingerprint, wo types.String
		want            bool
	}{
		{"same key", key(pub), key(pub + " new comment"), str(fp), str(""), false},
		{"other key", key(pub), key(other), str(fp), str(""), true},
		{"unknown key", key(pub), unknown, str(fp), str(""), true},
		{"kept out, wo changed", key(""), key(""), str(fp), str(other), false},
		{"kept out, public_key of the same key", key(""), key(pub), str(fp), str(""), false},
		{"kept out, public_key of another key", key(""), key(other), str(fp), str(""), true},
		{"kept out, unknown public_key", key(""), unknown, str(fp), str(""), false},
		{"state key, wo of the same key", key(pub), key(""), str(fp), str(pub + " c"), false},
		{"state key, wo of another key", key(pub), key(""), str(fp), str(other), true},
		{"state key, unknown wo", key(pub), key(""), str(fp), types.StringUnknown(), false},
	} {
		if got := publicKeyReplaces(c.state, c.plan, c.fingerprint, c.wo); got != c.want {
			t.Errorf("%s: publicKeyReplaces = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWriteOnlyVersionReplaces(t *testing.T) {
	t.Parallel()
	null, one, two := types.Int64Null(), types.Int64Value(1), types.Int64Value(2)
	for _, c := range []struct {
		name        string
		state, plan types.Int64
		keptOut     bool
		want        bool
	}{
		{"unchanged", one, one, true, false},
		{"new version", one, two, true, true},
		{"version removed", one, null, true, false},
		{"first version of a write-only key pair", null, one, true, true},
		{"first version after terraform import", null, one, false, false},
		{"none", null, null, false, false},
	} {
		if got := writeOnlyVersionReplaces(c.state, c.plan, c.keptOut); got != c.want {
			t.Errorf("%s: writeOnlyVersionReplaces = %v, want %v", c.name, got, c.want)
		}
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
