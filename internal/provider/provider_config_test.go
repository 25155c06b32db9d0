package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Missing credentials give one error that names each missing attribute
// together with its environment variable. A missing region is not among
// them: it defaults to ap-guangzhou (TestAccProvider_defaultRegion).
func TestAccProvider_missingConfiguration(t *testing.T) {
	acctest.PreCheck(t)
	for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION", "TENCENTCLOUD_ENDPOINT"} {
		t.Setenv(v, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "tencentcloud" {
  secret_id = "AKIDonlytheid"
}
resource "tencentcloud_key_pair" "test" {
  key_name = "never"
}
`,
				ExpectError: regexp.MustCompile(`(?s)needs credentials.*secret_key \(or the environment variable TENCENTCLOUD_SECRET_KEY\)`),
			},
			{
				Config: `
provider "tencentcloud" {
  secret_id  = "AKIDx"
  secret_key = "k"
  region     = "ap-guangzhou"
  endpoint   = "127.0.0.1:8090"
}
resource "tencentcloud_key_pair" "test" {
  key_name = "never"
}
`,
				ExpectError: regexp.MustCompile(`(?s)endpoint.*not a base URL`),
			},
		},
	})
}

// With no region anywhere, the provider uses ap-guangzhou, as the official
// provider does, and says so in a warning; once the region is set, the
// warning is gone and nothing changes.
func TestAccProvider_defaultRegion(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	// The tests' own terraform runs without TENCENTCLOUD_* variables, and
	// the credentials of the block leave the tccli profiles unread.
	tf := acctest.NewCLI(t, acctest.OurAddress)
	config := func(region string) string {
		return acctest.ProviderBlocks(env.Endpoint, region, acctest.OurProvider) + `
resource "tencentcloud_key_pair" "test" {
  key_name = "default_region"
}

data "tencentcloud_key_pairs" "test" {
  key_name = "^default_region$"
  depends_on = [tencentcloud_key_pair.test]
}
`
	}
	warning := regexp.MustCompile(`(?s)Warning: No region set: using ap-guangzhou.*TENCENTCLOUD_REGION`)

	tf.Write("main.tf", config(""))
	_, _, out := tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	if !warning.MatchString(out) {
		t.Fatalf("the apply without a region gave no warning:\n%s", out)
	}
	rs := tf.Resources()
	if got := rs["tencentcloud_key_pair.test"].Values["region"]; got != "ap-guangzhou" {
		t.Errorf("the key pair's region is %v, want ap-guangzhou", got)
	}
	if list, _ := rs["data.tencentcloud_key_pairs.test"].Values["key_pair_list"].([]any); len(list) != 1 {
		t.Errorf("the data source lists %d key pairs in ap-guangzhou, want 1", len(list))
	}
	if code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 || !warning.MatchString(out) {
		t.Fatalf("the plan without a region: exit code %d:\n%s", code, out)
	}

	tf.Write("main.tf", config("ap-guangzhou"))
	code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false")
	if code != 0 || strings.Contains(out, "No region set") {
		t.Fatalf("the plan with the region set: exit code %d:\n%s", code, out)
	}
	tf.Run([]int{0}, "destroy", "-no-color", "-auto-approve", "-input=false")
}

// The region falls back to ap-guangzhou only when the attribute, the
// environment and the profile of the credentials all leave it unset; a
// missing region is then no longer among the errors.
func TestProvider_resolveCredentialsDefaultRegion(t *testing.T) {
	t.Parallel()
	withRegion := tccliProfile(t, "with_region", emulator.DemoSecretID, emulator.DemoSecretKey) // acctest.Region
	withoutRegion := t.TempDir()
	cred := fmt.Sprintf(`{"secretId": %q, "secretKey": %q}`, emulator.DemoSecretID, emulator.DemoSecretKey)
	if err := os.WriteFile(filepath.Join(withoutRegion, "bare.credential"), []byte(cred), 0o600); err != nil {
		t.Fatal(err)
	}
	block := client.Settings{SecretID: "AKIDblock", SecretKey: "key"}
	for _, c := range []struct {
		name      string
		settings  client.Settings
		env       map[string]string
		region    string
		defaulted bool
	}{
		{"nothing set", block, nil, "ap-guangzhou", true},
		{"attribute", client.Settings{SecretID: "AKIDblock", SecretKey: "key", Region: "ap-shanghai"}, nil, "ap-shanghai", false},
		{"environment", block, map[string]string{client.EnvRegion: "ap-beijing"}, "ap-beijing", false},
		{"environment credentials", client.Settings{}, map[string]string{client.EnvSecretID: "AKIDenv", client.EnvSecretKey: "key"}, "ap-guangzhou", true},
		{"profile with a region", client.Settings{Profile: "with_region", SharedCredentialsDir: withRegion}, nil, acctest.Region, false},
		{"profile without one", client.Settings{Profile: "bare", SharedCredentialsDir: withoutRegion}, nil, "ap-guangzhou", true},
	} {
		creds, defaulted, err := resolveCredentials(c.settings, func(k string) string { return c.env[k] })
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if creds.Region != c.region || defaulted != c.defaulted {
			t.Errorf("%s: region %q, defaulted %v; want %q, %v", c.name, creds.Region, defaulted, c.region, c.defaulted)
		}
	}

	_, _, err := resolveCredentials(client.Settings{SecretID: "AKIDonly"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "secret_key") || strings.Contains(err.Error(), "region") {
		t.Errorf("only secret_id: %v; want secret_key missing, and no word of the region", err)
	}
}
