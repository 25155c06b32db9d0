package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"
)

// createCalls is how many CreateKeyPair and ImportKeyPair calls the
// emulator has answered.
func createCalls(t *testing.T, env *testEnv) int {
	t.Helper()
	s, err := env.Control().Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Calls["CreateKeyPair"] + s.Calls["ImportKeyPair"]
}

// Two resources of one configuration that plan the same key_name fail at
// plan, naming the name and that another tencentcloud_key_pair plans it;
// key_name_prefix, whose names are made at apply, does not. (A replacement
// that keeps its name plans fine: TestAccKeyPair_importedPublicKey.)
func TestAccKeyPair_sameNameTwiceInConfiguration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	// two is a configuration of two key pairs with the same body.
	two := func(body string) string {
		return env.ProviderConfig() + fmt.Sprintf("resource \"tencentcloud_key_pair\" \"a\" {\n  %s\n}\n\n"+
			"resource \"tencentcloud_key_pair\" \"b\" {\n  %s\n}\n", body, body)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   two(`key_name = "acc_twice"`),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Key pair name already in use in this configuration.*` +
					words(`Another tencentcloud_key_pair of this configuration plans the key name "acc_twice" too, for a new key pair.`) +
					`.*` + words("or use key_name_prefix")),
			},
			{
				Config: env.ProviderConfig() + `
resource "tencentcloud_key_pair" "many" {
  for_each = toset(["x", "y"])
  key_name = "acc_each"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)` + words(`plans the key name "acc_each" too`) + `.*` + words("put count.index or each.key in it")),
			},
			{
				Config:             two(`key_name_prefix = "acc_twice_"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := createCalls(t, env); n != 0 {
		t.Errorf("%d creates for plans only", n)
	}
}

// A name that a key pair outside the configuration holds fails at plan
// when the plan's refresh listed the region: for a new key pair and for a
// rename, naming the holder and the import command, without a create.
func TestAccKeyPair_nameTakenAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	holder := env.CreateForeign("acc_taken", nil)
	base := env.ProviderConfig() + `
resource "tencentcloud_key_pair" "a" {
  key_name = "%s"
}
`
	taken := regexp.MustCompile(`(?s)Key pair name already in use.*` +
		words(`Key pair `+holder+` already holds the name "acc_taken", and this resource does not manage it.`) + `.*` +
		words(`so the %s would fail at apply`) + `.*` + words("terraform import tencentcloud_key_pair.<name> "+holder))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: fmt.Sprintf(base, "acc_mine")},
			{
				// b is planned after a, whose refresh lists the region.
				Config: fmt.Sprintf(base, "acc_mine") + `
resource "tencentcloud_key_pair" "b" {
  key_name   = "acc_taken"
  depends_on = [tencentcloud_key_pair.a]
}
`,
				ExpectError: regexp.MustCompile(fmt.Sprintf(taken.String(), "create")),
			},
			{
				Config:      fmt.Sprintf(base, "acc_taken"),
				ExpectError: regexp.MustCompile(fmt.Sprintf(taken.String(), "rename")),
			},
		},
	})
	if n := createCalls(t, env); n != 2 {
		t.Errorf("%d creates, want 2: the holder's and a's", n)
	}
}

// The API's duplicate name, at apply when no listing was at hand at plan:
// "in the account", and no region for the holder, which in the account
// scope of names may be in any region, here another one.
func TestAccKeyPair_duplicateNameInAccount(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Scope: emulator.ScopeAccount})
	env.SkipInCloud()
	holder, err := testcloud.CreateKeyPair(env.Endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, "ap-shanghai", "acc_elsewhere", nil)
	if err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
resource "tencentcloud_key_pair" "test" {
  key_name = "acc_elsewhere"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Key pair name already in use.*` +
				words(`A key pair named "acc_elsewhere" already exists in the account: key pair `+holder+` holds it.`) + `.*` +
				words("the holder may have been made in any region")),
		}},
	})
}

// An import of a public key that another key pair holds says which key
// pair holds it, and nothing of the key's format.
func TestAccKeyPair_publicKeyHeld(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	publicKey := acctest.PublicKey(t)
	holder := env.SeedImportedKeyPair("acc_key_holder", publicKey)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = "acc_same_key"
  public_key = %q
}
`, publicKey),
			ExpectError: regexp.MustCompile(`(?s)Public key already imported.*` +
				words(`Key pair `+holder.ID+` (acc_key_holder) already holds this public key, and Tencent Cloud imports a public key only once.`) +
				`.*` + words("terraform import tencentcloud_key_pair.<name> "+holder.ID) + `.*InvalidPublicKey.Duplicate`),
		}},
	})
}
