package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

const testRoleArn = "qcs::cam::uin/" + emulator.DemoUin + ":roleName/deployer"

// credentialVariables are every environment variable of the credential
// chain; the tests here clear them all, and HOME, so that nothing of the
// machine they run on leaks in. t.Setenv makes these tests sequential.
var credentialVariables = []string{
	"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_REGION",
	"TENCENTCLOUD_PROFILE", "TENCENTCLOUD_SHARED_CREDENTIALS_DIR", "TENCENTCLOUD_ENDPOINT", "TENCENTCLOUD_DOMAIN",
	"TENCENTCLOUD_PROTOCOL", "TENCENTCLOUD_ASSUME_ROLE_ARN", "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME",
	"TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "TENCENTCLOUD_ASSUME_ROLE_POLICY", "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID",
}

// isolateCredentials clears the credential chain's variables and points
// HOME at an empty directory.
func isolateCredentials(t *testing.T) {
	t.Helper()
	for _, v := range credentialVariables {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
}

func keyPairOnly(name string) string {
	return fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = %q\n}\n", name)
}

// checkCalls checks the emulator's count of an action.
func (e *testEnv) checkCalls(action string, atLeast int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := e.Control().Stats(context.Background())
		if err != nil {
			return err
		}
		if s.Calls[action] < atLeast {
			return fmt.Errorf("the emulator got %d %s calls, want at least %d", s.Calls[action], action, atLeast)
		}
		return nil
	}
}

// Each source of the chain, alone, through real Terraform: the
// environment, a tccli profile named in the provider block, and one named
// by TENCENTCLOUD_PROFILE and TENCENTCLOUD_SHARED_CREDENTIALS_DIR.
func TestAccProvider_credentialSources(t *testing.T) {
	isolateCredentials(t)
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	name := acctest.KeyName("acc_cred_sources")

	t.Run("environment", func(t *testing.T) {
		t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
		t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
		t.Setenv("TENCENTCLOUD_REGION", acctest.Region)
		t.Setenv("TENCENTCLOUD_ENDPOINT", env.Endpoint)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				Config: `provider "tencentcloud" {}` + "\n" + keyPairOnly(name),
				Check:  env.CheckMatchesAPI(keyPairAddr),
			}},
		})
	})

	t.Run("profile attributes", func(t *testing.T) {
		dir := tccliProfile(t, "deploy", emulator.DemoSecretID, emulator.DemoSecretKey)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				// The region comes from deploy.configure.
				Config: fmt.Sprintf(`
provider "tencentcloud" {
  endpoint               = %q
  profile                = "deploy"
  shared_credentials_dir = %q
}
`, env.Endpoint, dir) + keyPairOnly(name),
				Check: env.CheckMatchesAPI(keyPairAddr),
			}},
		})
	})

	t.Run("profile environment", func(t *testing.T) {
		dir := tccliProfile(t, "ci", emulator.DemoSecretID, emulator.DemoSecretKey)
		t.Setenv("TENCENTCLOUD_PROFILE", "ci")
		t.Setenv("TENCENTCLOUD_SHARED_CREDENTIALS_DIR", dir)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"tencentcloud\" {\n  endpoint = %q\n}\n", env.Endpoint) + keyPairOnly(name),
				Check:  env.CheckMatchesAPI(keyPairAddr),
			}},
		})
	})

	t.Run("default profile in home", func(t *testing.T) {
		home := t.TempDir()
		t.Setenv("HOME", home)
		dir := tccliProfile(t, "default", emulator.DemoSecretID, emulator.DemoSecretKey)
		if err := os.Rename(dir, filepath.Join(home, ".tccli")); err != nil {
			t.Fatal(err)
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"tencentcloud\" {\n  endpoint = %q\n}\n", env.Endpoint) + keyPairOnly(name),
				Check:  env.CheckMatchesAPI(keyPairAddr),
			}},
		})
	})
}

// The errors say which source was used and what is missing.
func TestAccProvider_credentialErrors(t *testing.T) {
	isolateCredentials(t)
	env := newTestEnv(t, emulator.Config{Roles: []emulator.Role{{RoleArn: testRoleArn}}})
	env.SkipInCloud()
	wrong := tccliProfile(t, "default", "AKIDnotknownhere", "wrong-key")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Nothing anywhere: neither attributes, variables nor ~/.tccli.
				Config:      fmt.Sprintf("provider \"tencentcloud\" {\n  endpoint = %q\n  region = %q\n}\n", env.Endpoint, acctest.Region) + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`(?s)no credentials: secret_id and secret_key.*TENCENTCLOUD_SECRET_ID.*no\s+profile\s+"default"\s+in\s+~/.tccli`),
			},
			{
				Config: fmt.Sprintf("provider \"tencentcloud\" {\n  endpoint = %q\n  profile = \"prod\"\n  shared_credentials_dir = %q\n}\n",
					env.Endpoint, wrong) + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`(?s)profile\s+"prod"\s+not\s+found`),
			},
			{
				// A profile whose key the API does not know: the error says
				// where the credentials came from.
				Config: fmt.Sprintf("provider \"tencentcloud\" {\n  endpoint = %q\n  shared_credentials_dir = %q\n}\n",
					env.Endpoint, wrong) + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`(?s)refused the credentials.*came\s+from\s+profile\s+"default".*AuthFailure.SecretIdNotFound`),
			},
			{
				Config: env.ProviderConfigWith(`  assume_role {
    role_arn     = "qcs::cam::uin/`+emulator.DemoUin+`:roleName/nobody"
    session_name = "tf"
  }`) + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`(?s)Could not assume the role.*assume_role\s+\(role_arn\s+qcs::cam::uin/100000000001:roleName/nobody,\s+session_name\s+tf\)\s+with\s+credentials\s+from\s+the\s+provider\s+block.*ResourceNotFound.RoleNotFound`),
			},
			{
				Config: fmt.Sprintf(`
provider "tencentcloud" {
  endpoint               = %q
  shared_credentials_dir = %q
  assume_role {
    role_arn     = %q
    session_name = "tf"
  }
}
`, env.Endpoint, wrong, testRoleArn) + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`(?s)with\s+credentials\s+from\s+profile\s+"default".*AuthFailure.SecretIdNotFound`),
			},
			{
				Config:      env.ProviderConfigWith("  assume_role {\n    session_name = \"tf\"\n  }") + keyPairOnly("never"),
				ExpectError: regexp.MustCompile(`assume_role.role_arn \(or the environment variable TENCENTCLOUD_ASSUME_ROLE_ARN\)`),
			},
		},
	})
	if n := env.TotalCalls(); n > 3 {
		t.Errorf("%d API calls, want at most 3 (two AssumeRole, one create)", n)
	}
}

// assume_role, from the block and from the environment: every call uses
// the role's temporary credentials.
func TestAccProvider_assumeRole(t *testing.T) {
	isolateCredentials(t)
	env := newTestEnv(t, emulator.Config{Roles: []emulator.Role{{RoleArn: testRoleArn, ExternalID: "ext-42"}}})
	env.SkipInCloud()
	name := acctest.KeyName("acc_assume_role")

	t.Run("block", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				Config: env.ProviderConfigWith(fmt.Sprintf(`  assume_role {
    role_arn         = %q
    session_name     = "terraform"
    session_duration = 900
    external_id      = "ext-42"
    policy           = jsonencode({ version = "2.0", statement = [{ effect = "allow", action = ["cvm:*"], resource = ["*"] }] })
  }`, testRoleArn)) + keyPairOnly(name),
				Check: resource.ComposeTestCheckFunc(env.CheckMatchesAPI(keyPairAddr), env.checkCalls("AssumeRole", 1)),
			}},
		})
	})

	t.Run("environment", func(t *testing.T) {
		t.Setenv("TENCENTCLOUD_ASSUME_ROLE_ARN", testRoleArn)
		t.Setenv("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "terraform")
		t.Setenv("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "900")
		t.Setenv("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID", "ext-42")
		before := env.TotalCalls()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             env.CheckDestroyed,
			Steps: []resource.TestStep{{
				Config: env.ProviderConfig() + keyPairOnly(name),
				Check:  env.CheckMatchesAPI(keyPairAddr),
			}},
		})
		s, err := env.Control().Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Calls["AssumeRole"] < 3 || env.TotalCalls() <= before {
			t.Errorf("AssumeRole calls: %d", s.Calls["AssumeRole"])
		}

		t.Setenv("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID", "wrong")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.ProviderConfig() + keyPairOnly(name),
				ExpectError: regexp.MustCompile(`(?s)Could not assume the role.*with\s+credentials\s+from\s+the\s+provider\s+block.*UnauthorizedOperation`),
			}},
		})
	})
}
