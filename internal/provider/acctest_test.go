package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The provider tests' side of internal/acctest: what needs the provider's
// unexported symbols (its test hooks), and so cannot live in acctest,
// which the provider's tests import. The shared environment, the
// Terraform CLI runner, the checks that ask the API and the test keys are
// in internal/acctest; helpers shared by several of this package's test
// files go here, not in the test file that used them first.

var testAccProtoV6ProviderFactories = acctest.Factories{
	"tencentcloud": providerserver.NewProtocol6WithError(newTestProvider()),
}

// newTestProvider is the provider that the tests serve: the one of New,
// with the tests' transport wrapper.
func newTestProvider() *TencentCloudProvider {
	return &TencentCloudProvider{version: "test", wrapTransport: acctest.WrapTransport}
}

// clientRecorder keeps every client that the providers of one test
// configure, so that the test can read their counts (calls, retries).
type clientRecorder struct {
	mu      sync.Mutex
	clients []*client.Client
}

// factories serves providers whose clients the recorder keeps.
func (r *clientRecorder) factories() acctest.Factories {
	return acctest.Factories{
		"tencentcloud": providerserver.NewProtocol6WithError(&TencentCloudProvider{version: "test", wrapTransport: acctest.WrapTransport, onConfigure: func(c *client.Client) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.clients = append(r.clients, c)
		}}),
	}
}

// stats sums the counts of every recorded client.
func (r *clientRecorder) stats() client.Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum client.Stats
	for _, c := range r.clients {
		s := c.Stats()
		sum.Calls += s.Calls
		sum.Retries += s.Retries
		sum.Waits += s.Waits
	}
	return sum
}

// testEnv is acctest's environment, with the methods that only this
// package's tests use.
type testEnv struct{ *acctest.Env }

// newTestEnv starts an emulator for one test, or uses the cloud
// credentials of the environment in cloud mode (acctest.NewEnv).
func newTestEnv(t *testing.T, cfg emulator.Config) *testEnv {
	t.Helper()
	return &testEnv{acctest.NewEnv(t, cfg)}
}

// newTestEnvAt is a test environment for an emulator that the test serves
// itself at url.
func newTestEnvAt(t *testing.T, url string) *testEnv {
	t.Helper()
	return &testEnv{acctest.NewEnvAt(t, url)}
}

// expectPlanErrors plans each configuration with the tests' provider and
// expects its error, without any API call (acctest.Env.ExpectPlanErrors).
func (e *testEnv) expectPlanErrors(cases []acctest.PlanError) {
	e.T.Helper()
	e.ExpectPlanErrors(testAccProtoV6ProviderFactories, cases)
}

// The helpers below are shared by several of this package's test files.

// keyPairAddr is the key pair of most tests' configurations.
const keyPairAddr = "tencentcloud_key_pair.test"

// expectKeyPair checks every attribute of a key pair that a data source
// returns, at the paths at gives, against what the API says of it. The
// fingerprint is computed here from the public key.
func expectKeyPair(t *testing.T, addr string, at func(attr string) tfjsonpath.Path, kp *client.KeyPair) []statecheck.StateCheck {
	t.Helper()
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(kp.PublicKey))
	if err != nil {
		t.Fatalf("public key of %s does not parse: %v", kp.ID, err)
	}
	var description knownvalue.Check = knownvalue.Null()
	if kp.Description != "" {
		description = knownvalue.StringExact(kp.Description)
	}
	var tags knownvalue.Check = knownvalue.Null()
	if len(kp.Tags) > 0 {
		want := map[string]knownvalue.Check{}
		for k, v := range kp.Tags {
			want[k] = knownvalue.StringExact(v)
		}
		tags = knownvalue.MapExact(want)
	}
	instances := []knownvalue.Check{}
	for _, id := range kp.AssociatedInstanceIDs {
		instances = append(instances, knownvalue.StringExact(id))
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, at("id"), knownvalue.StringExact(kp.ID)),
		statecheck.ExpectKnownValue(addr, at("key_name"), knownvalue.StringExact(kp.Name)),
		statecheck.ExpectKnownValue(addr, at("project_id"), knownvalue.Int64Exact(kp.ProjectID)),
		statecheck.ExpectKnownValue(addr, at("description"), description),
		statecheck.ExpectKnownValue(addr, at("public_key"), knownvalue.StringExact(kp.PublicKey)),
		statecheck.ExpectKnownValue(addr, at("fingerprint"), knownvalue.StringExact(ssh.FingerprintSHA256(pub))),
		statecheck.ExpectKnownValue(addr, at("tags"), tags),
		statecheck.ExpectKnownValue(addr, at("created_time"), knownvalue.StringExact(kp.CreatedTime)),
		statecheck.ExpectKnownValue(addr, at("associated_instance_ids"), knownvalue.SetExact(instances)),
	}
}

// expectKeyPairs checks that a tencentcloud_key_pairs lists exactly these
// key pairs, in this order, with all their attributes, and ids to match.
func expectKeyPairs(t *testing.T, addr string, kps ...*client.KeyPair) []statecheck.StateCheck {
	t.Helper()
	ids := make([]knownvalue.Check, len(kps))
	for i, kp := range kps {
		ids[i] = knownvalue.StringExact(kp.ID)
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("key_pairs"), knownvalue.ListSizeExact(len(kps))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
	}
	for i, kp := range kps {
		checks = append(checks, expectKeyPair(t, addr, elementAttr(i), kp)...)
	}
	return checks
}

// keyPairConfig is the provider block and tencentcloud_key_pair.test named
// name, with force_stop.
func keyPairConfig(env *testEnv, name string, forceStop bool) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = %q
  force_stop = %t
}
`, name, forceStop)
}

// stateInstance is one resource of a terraform.tfstate (format 4) at
// schema version 0: the official provider's layout, or this provider's
// before version 1.
func stateInstance(name, provider string, attributes map[string]any) map[string]any {
	return stateInstanceAt(name, provider, 0, attributes)
}

// stateInstanceAt is stateInstance at another schema version.
func stateInstanceAt(name, provider string, version int, attributes map[string]any) map[string]any {
	return map[string]any{
		"mode": "managed", "type": "tencentcloud_key_pair", "name": name,
		"provider": fmt.Sprintf("provider[%q]", provider),
		"instances": []any{map[string]any{
			"schema_version": version, "attributes": attributes,
			"sensitive_attributes": []any{}, "private": "bnVsbA==",
		}},
	}
}

// firstTwoFields is the public key as the official provider stores it:
// without the comment.
func firstTwoFields(publicKey string) string {
	f := strings.Fields(publicKey)
	return f[0] + " " + f[1]
}

// ptrTo returns a pointer to a copy of v.
func ptrTo[T any](v T) *T { return &v }

// newPGPEntity makes a PGP key pair and returns it with its public half,
// base64-encoded as pgp_key takes it.
func newPGPEntity(t *testing.T) (*openpgp.Entity, string) {
	t.Helper()
	entity, err := openpgp.NewEntity("Key Pair Test", "", "test@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := entity.Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	return entity, base64.StdEncoding.EncodeToString(buf.Bytes())
}

// checkResultOutputFile checks that result_output_file holds key_pair_list
// as the official provider writes it: a JSON array of objects with its
// five keys, indented with tabs.
func checkResultOutputFile(addr, file string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if !regexp.MustCompile(`^\[\n\t\{\n\t\t"create_time": "`).Match(b) {
			return fmt.Errorf("%s is not written as the official provider writes it:\n%s", file, b)
		}
		var got []map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		if n, _ := strconv.Atoi(attrs["key_pair_list.#"]); n != len(got) {
			return fmt.Errorf("%s lists %d key pairs, key_pair_list %d", file, len(got), n)
		}
		for i, item := range got {
			if len(item) != 5 {
				return fmt.Errorf("%s: item %d has the keys %v", file, i, item)
			}
			for _, k := range []string{"key_id", "key_name", "public_key", "create_time"} {
				if want := attrs[fmt.Sprintf("key_pair_list.%d.%s", i, k)]; item[k] != want {
					return fmt.Errorf("%s: item %d: %s is %v, key_pair_list has %q", file, i, k, item[k], want)
				}
			}
			if want := attrs[fmt.Sprintf("key_pair_list.%d.project_id", i)]; fmt.Sprint(item["project_id"]) != want {
				return fmt.Errorf("%s: item %d: project_id is %v, key_pair_list has %s", file, i, item["project_id"], want)
			}
		}
		return nil
	}
}

// tccliProfile writes a tccli profile with the demo credentials and the
// test region into a new directory and returns the directory.
func tccliProfile(t *testing.T, name, secretID, secretKey string) string {
	t.Helper()
	dir := t.TempDir()
	cred := fmt.Sprintf(`{"secretId": %q, "secretKey": %q}`, secretID, secretKey)
	conf := fmt.Sprintf(`{"_sys_param": {"region": %q, "output": "json"}}`, acctest.Region)
	for file, text := range map[string]string{name + ".credential": cred, name + ".configure": conf} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// elementAttr returns the paths of the attributes of key_pairs[i].
func elementAttr(i int) func(attr string) tfjsonpath.Path {
	return func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("key_pairs").AtSliceIndex(i).AtMapKey(attr)
	}
}

// wrappedMessage matches the parts in order, as Terraform prints them:
// wrapped at any space, with anything between the parts.
func wrappedMessage(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
