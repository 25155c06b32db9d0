package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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
