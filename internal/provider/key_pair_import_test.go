package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
				ResourceName:      keyPairAddr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
				// A generated key pair's public key stays out of the
				// imported state (key_pair_import.go).
				ImportStateVerifyIgnore: []string{"private_key", "private_key_openssh", "public_key"},
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

// -generate-config-out, through the terraform binary: the configuration
// it writes for a key pair that Tencent Cloud generated does not pin
// public_key (which the state keeps null, its fingerprint set), so that a
// later -replace with create_before_destroy generates a new key pair,
// where a pinned key would be imported again and refused
// (InvalidPublicKey.Duplicate) while the old one lives. A key pair of an
// imported public key keeps it, in the state and in the configuration,
// which then plans no change.
func TestAccKeyPair_importGeneratedConfigReplaces(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	generated := env.SeedKeyPair(acctest.KeyName("gen_cfg"), 0, "", nil)
	pub := acctest.PublicKey(t) + " alice@example"
	imported := env.SeedImportedKeyPair(acctest.KeyName("gen_cfg_pub"), pub)
	tf := acctest.NewCLI(t, acctest.OurAddress)
	tf.Write("main.tf", acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.OurProvider)+fmt.Sprintf(`
import {
  to = tencentcloud_key_pair.generated
  id = %q
}

import {
  to = tencentcloud_key_pair.imported
  id = %q
}
`, generated.ID, imported.ID))
	tf.Run([]int{0}, "plan", "-no-color", "-generate-config-out=gen.tf")
	data, err := os.ReadFile(filepath.Join(tf.Dir, "gen.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(data)
	blocks := strings.SplitAfter(gen, "\n}\n")
	blockOf := func(name string) string {
		for _, b := range blocks {
			if strings.Contains(b, `resource "tencentcloud_key_pair" "`+name+`"`) {
				return b
			}
		}
		t.Fatalf("gen.tf has no resource %s:\n%s", name, gen)
		return ""
	}
	pinned := regexp.MustCompile(`(?m)^\s*public_key\s*=\s*"`)
	if b := blockOf("generated"); pinned.MatchString(b) {
		t.Errorf("gen.tf pins the public key of the generated key pair:\n%s", b)
	}
	if b := blockOf("imported"); !regexp.MustCompile(`(?m)^\s*public_key\s*= ` + regexp.QuoteMeta(fmt.Sprintf("%q", pub)) + `$`).MatchString(b) {
		t.Errorf("gen.tf lacks the public key of the imported key pair:\n%s", b)
	}

	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve")
	state := tf.Resources()
	if got := state["tencentcloud_key_pair.generated"].Values; got["public_key"] != nil || got["fingerprint"] == nil || got["fingerprint"] == "" {
		t.Errorf("imported generated key pair: public_key %v, fingerprint %v; want null and set", got["public_key"], got["fingerprint"])
	}
	if got := state["tencentcloud_key_pair.imported"].Values["public_key"]; got != pub {
		t.Errorf("imported public key in the state %v, want %q", got, pub)
	}
	// The generated configuration, as imported, plans no change.
	tf.Run([]int{0}, "plan", "-no-color", "-detailed-exitcode")

	// A rotation: a name of its own for the new key pair, made before the
	// old one goes.
	b := blockOf("generated")
	rotated := regexp.MustCompile(`(?m)^\s*key_name_prefix\s*=.*\n`).ReplaceAllString(b, "")
	rotated = regexp.MustCompile(`(?m)^(\s*)key_name\s*=.*$`).ReplaceAllString(rotated, `${1}key_name_prefix = "rotated_"`)
	rotated = strings.TrimSuffix(rotated, "}\n") + "  lifecycle {\n    create_before_destroy = true\n  }\n}\n"
	tf.Write("gen.tf", strings.Replace(gen, b, rotated, 1))
	_, _, out := tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-replace=tencentcloud_key_pair.generated")
	if strings.Contains(out, "InvalidPublicKey.Duplicate") {
		t.Errorf("the replacement imported the old key again:\n%s", out)
	}
	after := tf.Resources()["tencentcloud_key_pair.generated"].Values
	if after["id"] == generated.ID || after["public_key"] == nil || after["private_key"] == nil {
		t.Errorf("after -replace: id %v (was %s), public_key %v, private_key set %v; want a new generated key pair",
			after["id"], generated.ID, after["public_key"], after["private_key"] != nil)
	}
	if _, err := env.Client().DescribeKeyPair(t.Context(), generated.ID); err == nil {
		t.Errorf("the replaced key pair %s still exists", generated.ID)
	}
	tf.Run([]int{0}, "plan", "-no-color", "-detailed-exitcode")
}
