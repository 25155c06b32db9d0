package provider

import (
	"archive/zip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The ephemeral resource, by secret name and by key pair id, through
// echoprovider, which puts ephemeral values where a test can check them:
// the private key is the PEM that matches the public key, and the OpenSSH
// form is the same key.
func TestAccSSMKeyPairValueEphemeral_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	factories := acctest.Factories{"echo": echoprovider.NewProviderServer()}
	for k, v := range testAccProtoV6ProviderFactories {
		factories[k] = v
	}
	config := secretConfig(env, "tf-acc-ephemeral", `  ssh_key_name = "acc_ephemeral"`) + `
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "by_name" {
  secret_name = tencentcloud_ssm_ssh_key_pair_secret.test.id
}

ephemeral "tencentcloud_ssm_ssh_key_pair_value" "by_id" {
  ssh_key_id = tencentcloud_ssm_ssh_key_pair_secret.test.ssh_key_id
}

provider "echo" {
  data = {
    by_name = ephemeral.tencentcloud_ssm_ssh_key_pair_value.by_name
    by_id   = ephemeral.tencentcloud_ssm_ssh_key_pair_value.by_id
  }
}

resource "echo" "key" {}
`
	pem := regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----\n`)
	openssh := regexp.MustCompile(`^-----BEGIN OPENSSH PRIVATE KEY-----\n`)
	checks := []statecheck.StateCheck{}
	for _, which := range []string{"by_name", "by_id"} {
		at := tfjsonpath.New("data").AtMapKey(which)
		checks = append(checks,
			statecheck.ExpectKnownValue("echo.key", at.AtMapKey("private_key"), knownvalue.StringRegexp(pem)),
			statecheck.ExpectKnownValue("echo.key", at.AtMapKey("private_key_openssh"), knownvalue.StringRegexp(openssh)),
			statecheck.ExpectKnownValue("echo.key", at.AtMapKey("public_key"), knownvalue.StringRegexp(regexp.MustCompile(`^ssh-rsa AAAA`))),
			statecheck.ExpectKnownValue("echo.key", at.AtMapKey("ssh_key_name"), knownvalue.StringExact("acc_ephemeral")),
		)
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             env.checkSecretsDestroyed,
		Steps: []resource.TestStep{
			{
				// By both, or by neither: refused at plan.
				Config: secretConfig(env, "tf-acc-ephemeral", `  ssh_key_name = "acc_ephemeral"`) + `
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "both" {
  secret_name = "tf-acc-ephemeral"
  ssh_key_id  = "skey-12345678"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				Config:            config,
				ConfigStateChecks: checks,
				Check:             checkEchoedKeyPair("echo.key"),
			},
		},
	})
}

// checkEchoedKeyPair checks that the private key that echoprovider holds
// is the key of its public key, in both forms, and that both ephemeral
// resources read the same key pair.
func checkEchoedKeyPair(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[addr].Primary.Attributes
		for _, which := range []string{"by_name", "by_id"} {
			p := "data." + which + "."
			pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(a[p+"public_key"]))
			if err != nil {
				return fmt.Errorf("%s public_key: %v", which, err)
			}
			for _, form := range []string{"private_key", "private_key_openssh"} {
				signer, err := ssh.ParsePrivateKey([]byte(a[p+form]))
				if err != nil {
					return fmt.Errorf("%s %s: %v", which, form, err)
				}
				if string(signer.PublicKey().Marshal()) != string(pub.Marshal()) {
					return fmt.Errorf("%s %s is not the key of public_key", which, form)
				}
			}
			if a[p+"ssh_key_id"] != a["data.by_name.ssh_key_id"] {
				return fmt.Errorf("by_id read key pair %s, by_name %s", a[p+"ssh_key_id"], a["data.by_name.ssh_key_id"])
			}
		}
		return nil
	}
}

// The data source, as the official provider's: base64 keys in the state
// (its warning is checked in TestAccSSMSecret_cli, where the plan's
// output shows it).
func TestAccSSMKeyPairValueDataSource_basic(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	output := filepath.Join(t.TempDir(), "value.json")
	config := secretConfig(env, "tf-acc-value", `  ssh_key_name = "acc_value"`) + fmt.Sprintf(`
data "tencentcloud_ssm_ssh_key_pair_value" "by_name" {
  secret_name        = tencentcloud_ssm_ssh_key_pair_secret.test.id
  result_output_file = %q
}

data "tencentcloud_ssm_ssh_key_pair_value" "by_id" {
  ssh_key_id = tencentcloud_ssm_ssh_key_pair_secret.test.ssh_key_id
}
`, output)
	b64 := regexp.MustCompile(`^[A-Za-z0-9+/]+=*$`)
	var checks []statecheck.StateCheck
	for _, addr := range []string{"data.tencentcloud_ssm_ssh_key_pair_value.by_name", "data.tencentcloud_ssm_ssh_key_pair_value.by_id"} {
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key"), knownvalue.StringRegexp(b64)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_key"), knownvalue.StringRegexp(b64)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssh_key_name"), knownvalue.StringExact("acc_value")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssh_key_id"), knownvalue.StringRegexp(keyIDPattern)),
		)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkSecretsDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: checks,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["data.tencentcloud_ssm_ssh_key_pair_value.by_name"].Primary.Attributes
					private, err := base64.StdEncoding.DecodeString(a["private_key"])
					if err != nil || !strings.HasPrefix(string(private), "-----BEGIN RSA PRIVATE KEY-----") {
						return fmt.Errorf("private_key is not a base64 PEM: %v", err)
					}
					written, err := os.ReadFile(output)
					if err != nil {
						return err
					}
					if strings.Contains(string(written), a["private_key"][:40]) || !strings.Contains(string(written), `"ssh_key_name": "acc_value"`) {
						return fmt.Errorf("result_output_file: %s", written)
					}
					return nil
				},
			},
		},
	})
}

// The official provider's examples (its docs: data source, and resource
// but for the tencentcloud_kms_key that this provider does not have, whose
// id is a literal here) run unchanged.
func TestAccSSMOfficialExamples(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	resourceExample := `
resource "tencentcloud_ssm_ssh_key_pair_secret" "example" {
  secret_name   = "tf-example"
  project_id    = 0
  description   = "desc."
  kms_key_id    = "23e80852-1e38-11e9-b129-5cb9019b4b01"
  ssh_key_name  = "tf_example_ssh"
  status        = "Enabled"
  clean_ssh_key = true

  tags = {
    createdBy = "terraform"
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkSecretsDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + resourceExample,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tencentcloud_ssm_ssh_key_pair_secret.example", tfjsonpath.New("kms_key_id"),
						knownvalue.StringExact("23e80852-1e38-11e9-b129-5cb9019b4b01")),
				},
			},
			{
				Config: env.ProviderConfig() + resourceExample + `
data "tencentcloud_ssm_ssh_key_pair_value" "example" {
  secret_name = "tf-example"
}
`,
			},
			{
				Config: env.ProviderConfig() + resourceExample + `
data "tencentcloud_ssm_ssh_key_pair_value" "example" {
  ssh_key_id  = tencentcloud_ssm_ssh_key_pair_secret.example.ssh_key_id
}
`,
			},
			{
				ResourceName:            "tencentcloud_ssm_ssh_key_pair_secret.example",
				ImportState:             true,
				ImportStateId:           "tf-example",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"clean_ssh_key"},
			},
		},
	})
}

// Through the terraform CLI: a plan of an unchanged configuration of two
// secrets makes no write and at most one Secrets Manager call per secret;
// then, with the private key used only through the ephemeral resource
// (the environment of a provisioner), no line of it is in the state, its
// backup, a saved plan or a TRACE log. Last, the data source warns at
// plan that it stores the private key.
func TestAccSSMSecret_cli(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	cli := acctest.NewCLI(t, "registry.terraform.io/keypairlabs/tencentcloud")
	providers := acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.Provider{Name: "tencentcloud", Source: "keypairlabs/tencentcloud"})
	secrets := `
resource "tencentcloud_ssm_ssh_key_pair_secret" "a" {
  secret_name = "tf-acc-cli-a"
  project_id  = 0
  tags        = { team = "a" }
}

resource "tencentcloud_ssm_ssh_key_pair_secret" "b" {
  secret_name  = "tf-acc-cli-b"
  project_id   = 0
  description  = "b"
  ssh_key_name = "acc_cli_b"
}
`
	cli.Write("main.tf", providers+secrets)
	cli.Run([]int{0}, "apply", "-auto-approve")

	before := env.stats(t)
	cli.Run([]int{0}, "plan", "-detailed-exitcode")
	after := env.stats(t)
	calls := map[string]int{}
	for action, n := range after {
		if d := n - before[action]; d > 0 {
			calls[action] = d
		}
	}
	t.Logf("calls of an unchanged plan of two secrets: %v", calls)
	for action, n := range calls {
		switch action {
		case "DescribeSecret", "DescribeResourceTagsByResourceIds":
			if n > 2 {
				t.Errorf("%s: %d calls for two secrets, want at most one each", action, n)
			}
		default:
			t.Errorf("the plan called %s %d times: want only one DescribeSecret and one tag read per secret", action, n)
		}
	}

	cli.Write("main.tf", providers+secrets+`
ephemeral "tencentcloud_ssm_ssh_key_pair_value" "a" {
  secret_name = tencentcloud_ssm_ssh_key_pair_secret.a.id
}

resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "test -n \"$KEY\""
    environment = { KEY = ephemeral.tencentcloud_ssm_ssh_key_pair_value.a.private_key }
  }
}
`)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	cli.Env = append(cli.Env, "TF_LOG=trace", "TF_LOG_PATH="+logFile)
	cli.Run([]int{0}, "apply", "-auto-approve")
	cli.Run([]int{0}, "plan", "-out=saved.tfplan")

	v, err := env.Client().GetSSHKeyPairValue(context.Background(), "tf-acc-cli-a", "")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(v.PrivateKey, "\n") {
		if line != "" && !strings.HasPrefix(line, "-----") {
			lines = append(lines, line)
		}
	}
	lines = append(lines, base64.StdEncoding.EncodeToString([]byte(v.PrivateKey))[20:80])
	if len(lines) < 5 {
		t.Fatalf("the private key has %d lines", len(lines))
	}
	texts := map[string]string{}
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		texts[f] = readFile(t, filepath.Join(cli.Dir, f))
	}
	texts["trace log"] = readFile(t, logFile)
	if !strings.Contains(texts["trace log"], "GetSSHKeyPairValue") {
		t.Fatal("the trace log shows no GetSSHKeyPairValue call: the ephemeral resource was not read")
	}
	zr, err := zip.OpenReader(filepath.Join(cli.Dir, "saved.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		texts["plan file "+f.Name] = string(b)
	}
	for where, text := range texts {
		for _, line := range lines {
			if strings.Contains(text, line) {
				t.Errorf("%s holds a line of the private key", where)
				break
			}
		}
	}

	cli.Write("main.tf", providers+secrets+`
data "tencentcloud_ssm_ssh_key_pair_value" "a" {
  secret_name = tencentcloud_ssm_ssh_key_pair_secret.a.id
}
`)
	_, _, out := cli.Run([]int{0}, "plan", "-no-color")
	if !regexp.MustCompile(`(?s)Warning: Private key stored in the state.*ephemeral resource\s+tencentcloud_ssm_ssh_key_pair_value`).MatchString(out) {
		t.Errorf("the plan of the data source does not warn that it stores the private key:\n%s", out)
	}
}

// stats is the emulator's count of calls by action.
func (e *testEnv) stats(t *testing.T) map[string]int {
	t.Helper()
	s, err := e.Control().Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Calls
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
