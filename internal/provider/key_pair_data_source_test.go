package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

const keyPairDataAddr = "data.tencentcloud_key_pair.test"

// keyPairAttrs are the attributes that the resource and both data sources
// share.
var keyPairAttrs = []string{
	"id", "key_name", "project_id", "description", "public_key", "fingerprint", "tags", "created_time", "associated_instance_ids",
}

// rootAttr is the path of a top-level attribute.
func rootAttr(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }

func TestAccKeyPairDataSource_byName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	env.SkipInCloud() // project 1001
	kp := env.SeedKeyPair("acc_ds_name", 1001, "made in the console", map[string]string{"team": "infra", "env": "prod"})
	// Names that the real API's fuzzy key-name filter might also match.
	env.SeedKeyPair("acc_ds_name_old", 1001, "", nil)
	env.SeedKeyPair("acc_ds_nam", 0, "", nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "tencentcloud_key_pair" "test" {
  key_name = "acc_ds_name"
}
`,
			ConfigStateChecks: append(expectKeyPair(t, keyPairDataAddr, rootAttr, kp),
				statecheck.ExpectKnownValue(keyPairDataAddr, tfjsonpath.New("key_id"), knownvalue.StringExact(kp.ID)),
			),
		}},
	})
}

func TestAccKeyPairDataSource_byID(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	// Imported with a comment and surrounding whitespace: the data source
	// returns the key as the API stores it, comment included.
	imported := env.SeedImportedKeyPair(acctest.KeyName("acc_ds_imported"), "  "+acctest.PublicKey(t)+"  alice@example\n")
	if !strings.HasSuffix(imported.PublicKey, " alice@example") {
		t.Fatalf("the API stores the public key as %q, without its comment", imported.PublicKey)
	}
	// No description, no tags: both null, as in the resource.
	bare := env.SeedKeyPair(acctest.KeyName("acc_ds_bare"), 0, "", nil)
	const importedAddr, bareAddr = "data.tencentcloud_key_pair.imported", "data.tencentcloud_key_pair.bare"
	checks := append(expectKeyPair(t, importedAddr, rootAttr, imported), expectKeyPair(t, bareAddr, rootAttr, bare)...)
	checks = append(checks,
		statecheck.ExpectKnownValue(importedAddr, tfjsonpath.New("key_id"), knownvalue.StringExact(imported.ID)),
		statecheck.ExpectKnownValue(bareAddr, tfjsonpath.New("key_id"), knownvalue.StringExact(bare.ID)),
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "tencentcloud_key_pair" "imported" {
  key_id = %q
}

data "tencentcloud_key_pair" "bare" {
  key_id = %q
}
`, imported.ID, bare.ID),
			ConfigStateChecks: checks,
		}},
	})
}

// A key pair bound to instances lists them; an unbinding outside Terraform
// shows at the next read.
func TestAccKeyPairDataSource_associatedInstances(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	env.SetInstance("ins-dsbound1", "STOPPED")
	env.SetInstance("ins-dsbound2", "STOPPED")
	kp := env.SeedKeyPair("acc_ds_bound", 0, "", nil)
	if err := env.Client().AssociateInstances(t.Context(), []string{kp.ID}, []string{"ins-dsbound1", "ins-dsbound2"}, false); err != nil {
		t.Fatal(err)
	}
	kp = env.DescribeKeyPair(kp.ID)
	if len(kp.AssociatedInstanceIDs) != 2 {
		t.Fatalf("the API lists instances %v, want 2", kp.AssociatedInstanceIDs)
	}
	config := env.ProviderConfig() + `
data "tencentcloud_key_pair" "test" {
  key_name = "acc_ds_bound"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: expectKeyPair(t, keyPairDataAddr, rootAttr, kp),
			},
			{
				PreConfig: func() {
					if err := env.Client().DisassociateInstances(t.Context(), []string{kp.ID}, []string{"ins-dsbound2"}, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairDataAddr, tfjsonpath.New("associated_instance_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ins-dsbound1")})),
				},
			},
		},
	})
}

// A resource and data sources that read the same key pairs, by id and by
// name, agree on every attribute they share, with and without description
// and tags.
func TestAccKeyPairDataSource_matchesResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	var checks []statecheck.StateCheck
	for _, pair := range [][2]string{
		{"tencentcloud_key_pair.full", "data.tencentcloud_key_pair.by_id"},
		{"tencentcloud_key_pair.bare", "data.tencentcloud_key_pair.by_name"},
	} {
		for _, attr := range keyPairAttrs {
			checks = append(checks, statecheck.CompareValuePairs(
				pair[0], tfjsonpath.New(attr), pair[1], tfjsonpath.New(attr), compare.ValuesSame()))
		}
		checks = append(checks, statecheck.CompareValuePairs(
			pair[0], tfjsonpath.New("id"), pair[1], tfjsonpath.New("key_id"), compare.ValuesSame()))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.tencentcloud_key_pair.by_id", tfjsonpath.New("tags"),
			knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("infra")})),
		statecheck.ExpectKnownValue("data.tencentcloud_key_pair.by_id", tfjsonpath.New("description"), knownvalue.StringExact("deploy key")),
		statecheck.ExpectKnownValue("data.tencentcloud_key_pair.by_name", tfjsonpath.New("tags"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.tencentcloud_key_pair.by_name", tfjsonpath.New("description"), knownvalue.Null()),
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "full" {
  key_name    = %q
  description = "deploy key"
  tags        = { team = "infra" }
}

resource "tencentcloud_key_pair" "bare" {
  key_name = %q
}

data "tencentcloud_key_pair" "by_id" {
  key_id = tencentcloud_key_pair.full.id
}

data "tencentcloud_key_pair" "by_name" {
  key_name = tencentcloud_key_pair.bare.key_name
}
`, acctest.KeyName("acc_ds_full"), acctest.KeyName("acc_ds_plain")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccKeyPairDataSource_notFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SeedKeyPair(acctest.KeyName("acc_ds_present"), 0, "", nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + `
data "tencentcloud_key_pair" "test" {
  key_id = "skey-zzzzzzzz"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Key pair not found.*No key pair has the id skey-zzzzzzzz in region`),
			},
			{
				Config: env.ProviderConfig() + `
data "tencentcloud_key_pair" "test" {
  key_name = "acc_ds_absent"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Key pair not found.*No key pair is named "acc_ds_absent" in region`),
			},
		},
	})
}

// Every plan-time rule fails the plan with an error that names the
// attribute and states the rule, before any API call is made.
func TestAccKeyPairDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	cases := []struct {
		name, body, want string
	}{
		{"id uppercase", `key_id = "skey-ABCDEFGH"`, `(?s)key_id.*must be skey- followed by 8 lowercase letters or digits`},
		{"id short", `key_id = "skey-1234567"`, `(?s)key_id.*must be skey- followed by 8 lowercase letters or digits`},
		{"id prefix", `key_id = "key-12345678"`, `(?s)key_id.*must be skey- followed by 8 lowercase letters or digits`},
		{"name illegal", `key_name = "has-dash"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"name long", `key_name = "` + strings.Repeat("a", 26) + `"`, `(?s)key_name.*length must be between 1 and 25`},
		{"name empty", `key_name = ""`, `(?s)key_name.*length must be between 1 and 25`},
		{"both", `key_id = "skey-12345678"` + "\n" + `key_name = "ok"`, `(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[key_id,key_name\]`},
		{"neither", ``, `(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[key_id,key_name\]`},
	}
	var configs []acctest.PlanError
	for _, c := range cases {
		configs = append(configs, acctest.PlanError{Config: fmt.Sprintf("data \"tencentcloud_key_pair\" \"test\" {\n%s\n}\n", c.body), Want: c.want})
	}
	env.expectPlanErrors(configs)
}

// The exact-name check behind key_name, with answers that a fuzzy key-name
// filter could give.
func TestKeyPairDataSource_pickByName(t *testing.T) {
	t.Parallel()
	web := &client.KeyPair{ID: "skey-00000001", Name: "web"}
	list := []*client.KeyPair{
		{ID: "skey-00000002", Name: "web_old"},
		{ID: "skey-00000003", Name: "Web"},
		web,
	}
	if kp, _, detail := pickKeyPairByName(list, "web", "ap-guangzhou"); kp != web {
		t.Errorf("picked %v (%s), want %s", kp, detail, web.ID)
	}
	if kp, summary, detail := pickKeyPairByName(list, "we", "ap-guangzhou"); kp != nil || summary != "Key pair not found" ||
		!strings.Contains(detail, `No key pair is named "we" in region ap-guangzhou`) {
		t.Errorf("a name that only a fuzzy filter matches: %v, %q, %q", kp, summary, detail)
	}
	twice := append(list, &client.KeyPair{ID: "skey-00000004", Name: "web"})
	if kp, summary, detail := pickKeyPairByName(twice, "web", "ap-guangzhou"); kp != nil || summary != "More than one key pair of this name" ||
		!strings.Contains(detail, "skey-00000001, skey-00000004") || !strings.Contains(detail, "Set key_id") {
		t.Errorf("two key pairs of one name: %v, %q, %q", kp, summary, detail)
	}
}
