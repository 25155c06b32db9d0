package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// officialPublicKey is the public key of the official provider's docs and
// acceptance tests.
const officialPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDjd8fTnp7Dcuj4mLaQxf9Zs/ORgUL9fQxRCNKkPgP1paTy1I513maMX126i36Lxxl3+FUB52oVbo/FgwlIfX8hyCnv8MCxqnuSDozf1CD0/wRYHcTWAtgHQHBPCC2nJtod6cVC3kB18KeV4U7zsxmwFeBIxojMOOmcOBuh7+trRw=="

// The configurations that the official provider's authors wrote for
// tencentcloud_key_pairs run unchanged but for the provider block: its
// acceptance test (testAccKeyPairsDataSource_BasicCreate, with the checks
// of TestAccTencentCloudKeyPairsDataSource_Basic) and the examples of its
// docs; then the rest of its arguments, project_id and result_output_file,
// and key_name as a pattern.
func TestAccKeyPairsDataSource_officialConfigurations(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	env.SkipInCloud() // the key pairs of the examples have fixed names
	test := env.SeedKeyPair("test", 0, "", nil)
	testOld := env.SeedKeyPair("test_old", 1001, "", map[string]string{"team": "infra"})
	myTest := env.SeedKeyPair("my_test", 1001, "", nil)
	other := env.SeedKeyPair("other", 0, "", nil)
	output := filepath.Join(t.TempDir(), "key_pairs.json")

	const ds = "data.tencentcloud_key_pairs."
	listed := func(addr string, kps ...*client.KeyPair) []statecheck.StateCheck {
		checks := []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("key_pair_list"), knownvalue.ListSizeExact(len(kps))),
		}
		for i, kp := range kps {
			at := tfjsonpath.New("key_pair_list").AtSliceIndex(i)
			checks = append(checks,
				statecheck.ExpectKnownValue(addr, at.AtMapKey("key_id"), knownvalue.StringExact(kp.ID)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("key_name"), knownvalue.StringExact(kp.Name)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("project_id"), knownvalue.Int64Exact(kp.ProjectID)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("public_key"), knownvalue.StringExact(firstTwoFields(kp.PublicKey))),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("create_time"), knownvalue.StringExact(kp.CreatedTime)),
			)
		}
		return checks
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				// The official acceptance test, as it is written.
				Config: env.ProviderConfig() + `

data "tencentcloud_key_pairs" "data_key" {
    key_id = tencentcloud_key_pair.key.id
}
data "tencentcloud_key_pairs" "key_name" {
    key_name = "^${tencentcloud_key_pair.key.key_name}$"
}
resource "tencentcloud_key_pair" "key" {
    key_name = "tf_test_key"
    public_key = "` + officialPublicKey + `"
}
`,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrSet(ds+"data_key", "id"),
					resource.TestCheckResourceAttrSet(ds+"data_key", "key_pair_list.0.public_key"),
					resource.TestCheckResourceAttrSet(ds+"data_key", "key_pair_list.0.create_time"),
					resource.TestCheckResourceAttr(ds+"data_key", "key_pair_list.#", "1"),
					resource.TestCheckResourceAttrSet(ds+"data_key", "key_pair_list.0.key_id"),
					resource.TestCheckResourceAttr(ds+"data_key", "key_pair_list.0.key_name", "tf_test_key"),
					resource.TestCheckResourceAttr(ds+"data_key", "key_pair_list.0.project_id", "0"),
					// Beyond the official checks: the right key pair, in
					// both data sources, with the public key as configured.
					resource.TestCheckResourceAttrPair(ds+"data_key", "key_pair_list.0.key_id", "tencentcloud_key_pair.key", "id"),
					resource.TestCheckResourceAttr(ds+"data_key", "key_pair_list.0.public_key", officialPublicKey),
					resource.TestCheckResourceAttr(ds+"key_name", "key_pair_list.#", "1"),
					resource.TestCheckResourceAttrPair(ds+"key_name", "key_pair_list.0.key_id", "tencentcloud_key_pair.key", "id"),
					resource.TestCheckResourceAttrPair(ds+"key_name", "ids.0", "tencentcloud_key_pair.key", "id"),
				),
			},
			{
				// The examples of the official docs: an id that does not
				// exist lists nothing; ^test$ is the name test alone.
				Config: env.ProviderConfig() + `
data "tencentcloud_key_pairs" "key_id" {
  key_id = "skey-ie97i3ml"
}

data "tencentcloud_key_pairs" "key_name" {
  key_name = "^test$"
}
`,
				ConfigStateChecks: slices.Concat(
					listed(ds+"key_id"),
					expectKeyPairs(t, ds+"key_id"),
					listed(ds+"key_name", test),
					expectKeyPairs(t, ds+"key_name", test),
				),
			},
			{
				// key_id of a key pair that exists; project_id; key_name
				// without anchors, which in key_pair_list (the official
				// provider's attribute) finds the name anywhere and in
				// key_pairs and ids (this provider's) is the whole name;
				// anchored at one end; result_output_file.
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "tencentcloud_key_pairs" "by_id" {
  key_id = %q
}

data "tencentcloud_key_pairs" "in_project" {
  project_id         = 1001
  result_output_file = %q
}

data "tencentcloud_key_pairs" "containing" {
  key_name = "test"
}

data "tencentcloud_key_pairs" "starting" {
  key_name = "^test"
}

data "tencentcloud_key_pairs" "ending" {
  key_name = "test$"
}

data "tencentcloud_key_pairs" "id_and_other_filters" {
  key_id   = %q
  key_name = "test"
  tags     = { team = "infra" }
}
`, other.ID, output, testOld.ID),
				ConfigStateChecks: slices.Concat(
					listed(ds+"by_id", other),
					expectKeyPairs(t, ds+"by_id", other),
					listed(ds+"in_project", myTest, testOld),
					expectKeyPairs(t, ds+"in_project", myTest, testOld),
					listed(ds+"containing", myTest, test, testOld),
					expectKeyPairs(t, ds+"containing", test),
					listed(ds+"starting", test, testOld),
					expectKeyPairs(t, ds+"starting", test, testOld),
					listed(ds+"ending", myTest, test),
					expectKeyPairs(t, ds+"ending", myTest, test),
					listed(ds+"id_and_other_filters", testOld),
				),
				Check: checkResultOutputFile(ds+"in_project", output),
			},
		},
	})
}

// The example configuration of the official provider's docs for
// tencentcloud_key_pair runs unchanged but for the provider block, and for
// `sensitive = true` on the output of the private key, which is sensitive
// here: Terraform refuses the output without it. The example names both of
// its key pairs terraform_test, which no provider can make in one region,
// so each runs on its own.
func TestAccKeyPair_officialProviderExamples(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud() // the example's key pairs have fixed names
	generated := func(sensitive string) string {
		return env.ProviderConfig() + `
resource "tencentcloud_key_pair" "foo" {
  key_name = "terraform_test"
}

output "private_key" {
  value = tencentcloud_key_pair.foo.private_key` + sensitive + `
}

output "create_time" {
  value = tencentcloud_key_pair.foo.created_time
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      generated(""),
				ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
			},
			{
				Config: generated("\n  sensitive = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("private_key", knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----`))),
					statecheck.ExpectKnownOutputValue("create_time", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				},
				Check: env.checkExists("tencentcloud_key_pair.foo", "terraform_test"),
			},
		},
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
resource "tencentcloud_key_pair" "foo1" {
  key_name   = "terraform_test"
  public_key = "` + officialPublicKey + `"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("tencentcloud_key_pair.foo1", tfjsonpath.New("public_key"), knownvalue.StringExact(officialPublicKey)),
				statecheck.ExpectKnownValue("tencentcloud_key_pair.foo1", tfjsonpath.New("private_key"), knownvalue.Null()),
			},
			Check: env.checkExists("tencentcloud_key_pair.foo1", "terraform_test"),
		}},
	})
}

// checkExists checks that the API has the key pair of a resource, by the
// name given.
func (e *testEnv) checkExists(addr, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources[addr].Primary.ID
		kp, err := e.Client().DescribeKeyPair(context.Background(), id)
		if err != nil {
			return err
		}
		if kp.Name != name {
			return fmt.Errorf("key pair %s is named %q, want %q", id, kp.Name, name)
		}
		return nil
	}
}
