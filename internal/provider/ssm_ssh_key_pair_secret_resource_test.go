package provider

import (
	"context"
	"errors"
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

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

const secretAddr = "tencentcloud_ssm_ssh_key_pair_secret.test"

// secretConfig is a secret of the tests, with the given extra arguments.
func secretConfig(env *testEnv, name, more string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_ssm_ssh_key_pair_secret" "test" {
  secret_name = %q
  project_id  = 0
%s
}
`, name, more)
}

// checkSecretsDestroyed asks the API that every secret of the state is
// gone, and with it its key pair (clean_ssh_key defaults to true).
func (e *testEnv) checkSecretsDestroyed(s *terraform.State) error {
	ctx := context.Background()
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "tencentcloud_ssm_ssh_key_pair_secret" {
			continue
		}
		var notFound *client.NotFoundError
		if _, err := e.Client().DescribeSecret(ctx, rs.Primary.ID); !errors.As(err, &notFound) {
			return fmt.Errorf("secret %s: want it gone, got %v", rs.Primary.ID, err)
		}
		if id := rs.Primary.Attributes["ssh_key_id"]; id != "" && rs.Primary.Attributes["clean_ssh_key"] != "false" {
			if _, err := e.Client().DescribeKeyPair(ctx, id); !errors.As(err, &notFound) {
				return fmt.Errorf("key pair %s of secret %s: want it gone, got %v", id, rs.Primary.ID, err)
			}
		}
	}
	return nil
}

// checkSecretMatchesAPI compares the state of a secret with what the API
// says of it, tags included.
func (e *testEnv) checkSecretMatchesAPI(addr string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		rs := st.RootModule().Resources[addr]
		s, err := e.Client().ReadSecret(context.Background(), rs.Primary.ID)
		if err != nil {
			return err
		}
		a := rs.Primary.Attributes
		if a["status"] != s.Status || a["description"] != s.Description || a["ssh_key_name"] != s.KeyName {
			return fmt.Errorf("state %v, API %+v", a, s)
		}
		if a["tags.%"] == "" && len(s.Tags) > 0 || a["tags.%"] != "" && a["tags.%"] != fmt.Sprint(len(s.Tags)) {
			return fmt.Errorf("state tags %v, API tags %v", a, s.Tags)
		}
		for k, v := range s.Tags {
			if a["tags."+k] != v {
				return fmt.Errorf("tag %s: state %q, API %q", k, a["tags."+k], v)
			}
		}
		kp, err := e.Client().DescribeKeyPair(context.Background(), a["ssh_key_id"])
		if err != nil {
			return err
		}
		if kp.Name != s.KeyName {
			return fmt.Errorf("key pair %s is named %q, the secret says %q", kp.ID, kp.Name, s.KeyName)
		}
		return nil
	}
}

// The whole lifecycle: create with a description and tags, change the
// description, the status and the tags in place, import by the secret's
// name, destroy (the key pair goes too).
func TestAccSSMSecret_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	name := "tf-acc-secret-basic"
	keyName := acctest.KeyName("acc_ssm_basic")
	step := func(description, status, tags string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: secretConfig(env, name, fmt.Sprintf("  ssh_key_name = %q\n  description = %q\n  status = %q\n  tags = %s\n", keyName, description, status, tags)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddr, action)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("ssh_key_id"), knownvalue.StringRegexp(apicontract.KeyPairIDPattern)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("ssh_key_name"), knownvalue.StringExact(keyName)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("description"), knownvalue.StringExact(description)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("status"), knownvalue.StringExact(status)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("secret_type"), knownvalue.Int64Exact(apicontract.SecretTypeSSHKeyPair)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("clean_ssh_key"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("recovery_window_in_days"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("create_time"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("kms_key_id"), knownvalue.NotNull()),
			},
			Check: env.checkSecretMatchesAPI(secretAddr),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkSecretsDestroyed,
		Steps: []resource.TestStep{
			step("first", "Enabled", `{ team = "infra" }`, plancheck.ResourceActionCreate),
			step("second", "Enabled", `{ team = "infra" }`, plancheck.ResourceActionUpdate),
			step("second", "Disabled", `{ team = "infra" }`, plancheck.ResourceActionUpdate),
			step("second", "Enabled", `{ team = "platform", env = "prod" }`, plancheck.ResourceActionUpdate),
			{
				ResourceName:      secretAddr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
		},
	})
}

// Created Disabled, and a secret made without ssh_key_name gets a key
// pair named by Secrets Manager.
func TestAccSSMSecret_disabledWithoutKeyName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkSecretsDestroyed,
		Steps: []resource.TestStep{{
			Config: secretConfig(env, "tf-acc-disabled", `  status = "Disabled"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("status"), knownvalue.StringExact("Disabled")),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("ssh_key_name"), knownvalue.StringRegexp(regexp.MustCompile(`^\w+$`))),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("description"), knownvalue.Null()),
				statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("tags"), knownvalue.Null()),
			},
			Check: env.checkSecretMatchesAPI(secretAddr),
		}},
	})
}

// bindInstance binds the key pair of a secret in the state to a new
// instance, through the emulator's control API.
func (e *testEnv) bindInstance(addr, instanceID string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		keyID := s.RootModule().Resources[addr].Primary.Attributes["ssh_key_id"]
		in := emulator.Instance{InstanceID: instanceID, Region: acctest.Region, State: "STOPPED", OsType: "LINUX", KeyIDs: []string{keyID}}
		return e.Control().SetInstance(context.Background(), in)
	}
}

// A destroy of a secret whose key pair is bound to an instance fails,
// naming the instance, and changes nothing (the secret stays Enabled);
// with clean_ssh_key = false it deletes the secret and keeps the key pair.
func TestAccSSMSecret_destroyBound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	const instance = "ins-ssmbound"
	var keyID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: secretConfig(env, "tf-acc-bound", ""),
				Check: resource.ComposeTestCheckFunc(env.bindInstance(secretAddr, instance), func(s *terraform.State) error {
					keyID = s.RootModule().Resources[secretAddr].Primary.Attributes["ssh_key_id"]
					return nil
				}),
			},
			{
				Config:      secretConfig(env, "tf-acc-bound", ""),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)bound to instances.*` + instance),
			},
			{
				// Nothing changed: the secret is still there, Enabled.
				Config:             secretConfig(env, "tf-acc-bound", ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				Config: secretConfig(env, "tf-acc-bound", "  clean_ssh_key = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("status"), knownvalue.StringExact("Enabled")),
				},
			},
		},
		CheckDestroy: func(s *terraform.State) error {
			var notFound *client.NotFoundError
			if _, err := env.Client().DescribeSecret(context.Background(), "tf-acc-bound"); !errors.As(err, &notFound) {
				return fmt.Errorf("secret: want it gone, got %v", err)
			}
			kp, err := env.Client().DescribeKeyPair(context.Background(), keyID)
			if err != nil {
				return fmt.Errorf("key pair %s, kept with clean_ssh_key = false: %v", keyID, err)
			}
			if len(kp.AssociatedInstanceIDs) != 1 {
				return fmt.Errorf("key pair %s: bound to %v, want %s", keyID, kp.AssociatedInstanceIDs, instance)
			}
			return nil
		},
	})
}

// A create whose answer is lost (the connection drops after the secret
// was made) is recovered by the secret's name and create token: one
// CreateSSHKeyPairSecret call, one secret, one key pair, and an empty plan
// after it.
func TestAccSSMSecret_lostCreateAnswer(t *testing.T) {
	t.Parallel()
	for _, fault := range []string{"drop", "truncated"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, emulator.Config{})
			env.SkipInCloud()
			rule := emulator.FaultRule{Action: "CreateSSHKeyPairSecret"}
			if fault == "drop" {
				rule.DropAfterCommit = 1
			} else {
				rule.TruncatedJSON = 1
			}
			if err := env.Control().SetFaults(context.Background(), emulator.Faults{Seed: 1, Rules: []emulator.FaultRule{rule}}); err != nil {
				t.Fatal(err)
			}
			name := "tf-acc-lost-" + fault
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             env.checkSecretsDestroyed,
				Steps: []resource.TestStep{{
					Config: secretConfig(env, name, `  tags = { team = "infra" }`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("ssh_key_id"), knownvalue.StringRegexp(apicontract.KeyPairIDPattern)),
						statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("infra")})),
					},
					Check: resource.ComposeTestCheckFunc(env.checkSecretMatchesAPI(secretAddr), func(*terraform.State) error {
						stats, err := env.Control().Stats(context.Background())
						if err != nil {
							return err
						}
						if n := stats.Calls["CreateSSHKeyPairSecret"]; n != 1 {
							return fmt.Errorf("CreateSSHKeyPairSecret was sent %d times, want once", n)
						}
						if err := env.Control().SetFaults(context.Background(), emulator.Faults{}); err != nil {
							return err
						}
						kps, err := env.Client().ListKeyPairs(context.Background(), nil)
						if err != nil {
							return err
						}
						if len(kps) != 1 {
							return fmt.Errorf("%d key pairs exist, want the secret's one", len(kps))
						}
						return nil
					}),
				}},
			})
		})
	}
}

// The API's rules, refused at plan, before any call.
func TestAccSSMSecret_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	cfg := func(name, more string) string {
		return fmt.Sprintf("resource \"tencentcloud_ssm_ssh_key_pair_secret\" \"test\" {\n  secret_name = %q\n  project_id = 0\n%s\n}\n", name, more)
	}
	long := strings.Repeat("a", apicontract.MaxSecretNameBytes+1)
	env.expectPlanErrors([]acctest.PlanError{
		{Config: cfg("-starts-with-dash", ""), Want: `must start with a letter or a digit`},
		{Config: cfg("has space", ""), Want: `only letters, digits, hyphens and underscores`},
		{Config: cfg(long, ""), Want: `between 1 and 128 bytes`},
		{Config: cfg("ok", `  ssh_key_name = "_under"`), Want: `must start with a letter or a digit`},
		{Config: cfg("ok", `  ssh_key_name = "has-dash"`), Want: `Invalid key pair name`},
		{Config: cfg("ok", `  status = "Paused"`), Want: `Enabled`},
		{Config: cfg("ok", `  recovery_window_in_days = 7`), Want: `can only be 0 for an SSH key pair secret`},
		{Config: cfg("ok", `  recovery_window_in_days = 31`), Want: `between 0 and 30`},
		{Config: cfg("ok", `  tags = { "qcs:x" = "y" }`), Want: `Invalid tag key`},
	})
}
