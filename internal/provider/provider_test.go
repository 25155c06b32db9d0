package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/snapshot"
)

var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"tencentcloud": providerserver.NewProtocol6WithError(newTestProvider()),
}

// testWrapTransport records the API traffic of the tests' clients when
// TENCENTCLOUD_SNAPSHOT_DIR is set (make snapshots, make testacc-cloud
// RECORD=1); it is nil otherwise.
var testWrapTransport = snapshot.FromEnv()

// newTestProvider is the provider that the tests serve: the one of New,
// with the tests' transport wrapper.
func newTestProvider() *TencentCloudProvider {
	return &TencentCloudProvider{version: "test", wrapTransport: testWrapTransport}
}

const testRegion = "ap-guangzhou"

// clientRecorder keeps every client that the providers of one test
// configure, so that the test can read their counts (calls, retries).
type clientRecorder struct {
	mu      sync.Mutex
	clients []*client.Client
}

// factories serves providers whose clients the recorder keeps.
func (r *clientRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tencentcloud": providerserver.NewProtocol6WithError(&TencentCloudProvider{version: "test", wrapTransport: testWrapTransport, onConfigure: func(c *client.Client) {
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

// cloudMode runs the acceptance tests against real Tencent Cloud (make
// testacc-cloud) instead of the emulator.
func cloudMode() bool { return os.Getenv("TENCENTCLOUD_ACC_CLOUD") == "1" }

// testEnv is the API one acceptance test runs against: by default an
// emulator of its own, in process, over real HTTP.
type testEnv struct {
	t        *testing.T
	cfg      emulator.Config // the emulator's, as started
	endpoint string          // "" in cloud mode
	// client makes the test's own calls (setup, out-of-band changes,
	// checks). It is made anew for each use, so that no listing it keeps
	// hides what the provider did.
	client func() *client.Client
}

// newTestEnv starts an emulator for one test, or uses the cloud
// credentials of the environment in cloud mode.
func newTestEnv(t *testing.T, cfg emulator.Config) *testEnv {
	t.Helper()
	testAccPreCheck(t)
	env := &testEnv{t: t}
	conf := client.Config{RateLimit: client.DefaultRateLimit, MaxRetries: client.DefaultMaxRetries, WrapTransport: testWrapTransport}
	if cloudMode() {
		conf.SecretID = os.Getenv("TENCENTCLOUD_SECRET_ID")
		conf.SecretKey = os.Getenv("TENCENTCLOUD_SECRET_KEY")
		conf.SecurityToken = os.Getenv("TENCENTCLOUD_SECURITY_TOKEN")
		conf.Region = os.Getenv("TENCENTCLOUD_REGION")
	} else {
		if cfg.RateLimit == 0 {
			cfg.RateLimit = 10
		}
		if cfg.KeyBits == 0 {
			// Small keys keep the suite fast; the demo uses the default.
			cfg.KeyBits = 1024
		}
		applyEmulatorMode(t, &cfg)
		env.cfg = cfg
		_, url := emulator.NewTestServer(t, cfg)
		env.endpoint = url
		conf.SecretID, conf.SecretKey = emulator.DemoSecretID, emulator.DemoSecretKey
		conf.Region = testRegion
		conf.Endpoint = url
	}
	if _, err := client.New(conf); err != nil {
		t.Fatal(err)
	}
	env.client = func() *client.Client {
		c, err := client.New(conf)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return env
}

// emulatorMode is how faithful the emulator of the acceptance tests is:
// KP_EMULATOR=strict (the default) models the real service's worse cases
// (account scope, lean create answers, visibility and tag lags, partial
// deletes, terminated instances that stay bound); "default" is the
// emulator without flags; "region" is the default in region scope.
// make test runs the whole suite strict and a smaller set in the others.
func emulatorMode() string {
	if m := os.Getenv("KP_EMULATOR"); m != "" {
		return m
	}
	return "strict"
}

// applyEmulatorMode sets the mode's scope and strictness, unless the test
// chose them itself.
func applyEmulatorMode(t *testing.T, cfg *emulator.Config) {
	t.Helper()
	if cfg.Strict || cfg.Scope != "" {
		return
	}
	switch mode := emulatorMode(); mode {
	case "strict":
		cfg.Strict = true
	case "default":
	case "region":
		cfg.Scope = emulator.ScopeRegion
	default:
		t.Fatalf("KP_EMULATOR=%q: want strict, default or region", mode)
	}
}

// newTestEnvAt is a test environment for an emulator that the test serves
// itself at url.
func newTestEnvAt(t *testing.T, url string) *testEnv {
	t.Helper()
	conf := client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: testRegion, Endpoint: url,
		RateLimit: client.DefaultRateLimit, MaxRetries: client.DefaultMaxRetries, WrapTransport: testWrapTransport,
	}
	return &testEnv{t: t, endpoint: url, client: func() *client.Client {
		c, err := client.New(conf)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}}
}

// skipInCloud skips a test that needs the emulator's control API.
func (e *testEnv) skipInCloud() {
	if e.endpoint == "" {
		e.t.Skip("needs the emulator's control API")
	}
}

// providerConfig is the provider block that points at this test's API.
func (e *testEnv) providerConfig() string {
	if e.endpoint == "" {
		return `provider "tencentcloud" {}` + "\n"
	}
	return fmt.Sprintf(`
provider "tencentcloud" {
  endpoint   = %q
  secret_id  = %q
  secret_key = %q
  region     = %q
}
`, e.endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, testRegion)
}

// control is the emulator's control API; tests that use it skip in cloud
// mode.
func (e *testEnv) control() emulator.ControlClient {
	e.t.Helper()
	e.skipInCloud()
	return emulator.ControlClient{URL: e.endpoint}
}

// totalCalls is the number of API calls the emulator has received.
func (e *testEnv) totalCalls() int {
	e.t.Helper()
	s, err := e.control().Stats(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, c := range s.Calls {
		n += c
	}
	return n
}

// setInstance adds a Linux instance to the emulator or changes its state.
func (e *testEnv) setInstance(id, state string) {
	e.t.Helper()
	in := emulator.Instance{InstanceID: id, Region: testRegion, State: state, OsType: "LINUX"}
	if err := e.control().SetInstance(context.Background(), in); err != nil {
		e.t.Fatal(err)
	}
}

// planErrorCase is a configuration (without the provider block) whose plan
// must fail with an error matching want.
type planErrorCase struct {
	config, want string
}

// expectPlanErrors plans each configuration, expects its error, and then
// checks that none of them made an API call: plan-time validation must
// stop bad input before it reaches the API.
func (e *testEnv) expectPlanErrors(cases []planErrorCase) {
	e.t.Helper()
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      e.providerConfig() + c.config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.UnitTest(e.t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	if n := e.totalCalls(); n != 0 {
		e.t.Errorf("invalid configurations made %d API calls, want 0", n)
	}
}

// testAccPreCheck checks what acceptance tests need before any of them
// runs: terraform itself, and credentials in cloud mode. The tests run
// with plain go test, no TF_ACC needed (resource.UnitTest): against the
// in-process emulator they are offline and free; against the cloud they
// need TENCENTCLOUD_ACC_CLOUD=1 (make testacc-cloud).
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if !filepath.IsAbs(p) {
			t.Fatalf("TF_ACC_TERRAFORM_PATH must be an absolute path, got %q", p)
		}
	} else if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("acceptance tests need the terraform binary: put it on PATH or set TF_ACC_TERRAFORM_PATH to its absolute path")
	}
	if cloudMode() {
		for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION"} {
			if os.Getenv(v) == "" {
				t.Fatalf("%s must be set for acceptance tests against Tencent Cloud", v)
			}
		}
	}
}

// keyName returns a name unique to the test, so that tests in cloud mode
// do not collide with each other or with what the account already holds.
func keyName(base string) string {
	if !cloudMode() {
		return base
	}
	return fmt.Sprintf("%s_%d", base, os.Getpid()%100000)
}

// checkDestroyed asks the API that every key pair of the state is gone.
func (e *testEnv) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "tencentcloud_key_pair" {
			continue
		}
		_, err := e.client().DescribeKeyPair(context.Background(), rs.Primary.ID)
		var notFound *client.NotFoundError
		if err == nil {
			return fmt.Errorf("key pair %s still exists", rs.Primary.ID)
		}
		if !errors.As(err, &notFound) {
			return err
		}
	}
	return nil
}
