package acctest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"
)

// Factories are the provider servers of a resource.TestCase, by name.
type Factories = map[string]func() (tfprotov6.ProviderServer, error)

// Env is the API one acceptance test runs against: by default an
// emulator of its own, in process, over real HTTP.
type Env struct {
	T      *testing.T
	Config emulator.Config // the emulator's, as started
	// Endpoint is the emulator's URL; "" in cloud mode.
	Endpoint string
	conf     client.Config
}

// NewEnv starts an emulator for one test, in the mode of KP_EMULATOR
// unless cfg chooses its scope or strictness, or uses the cloud
// credentials of the environment in cloud mode.
func NewEnv(t *testing.T, cfg emulator.Config) *Env {
	t.Helper()
	PreCheck(t)
	env := &Env{T: t}
	conf := client.Config{RateLimit: client.DefaultRateLimit, MaxRetries: client.DefaultMaxRetries, WrapTransport: WrapTransport}
	if CloudMode() {
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
		env.Config = cfg
		_, url := emulator.NewTestServer(t, cfg)
		env.Endpoint = url
		conf.SecretID, conf.SecretKey = emulator.DemoSecretID, emulator.DemoSecretKey
		conf.Region = Region
		conf.Endpoint = url
	}
	if _, err := client.New(conf); err != nil {
		t.Fatal(err)
	}
	env.conf = conf
	return env
}

// NewEnvAt is a test environment for an emulator that the test serves
// itself at url.
func NewEnvAt(t *testing.T, url string) *Env {
	t.Helper()
	return &Env{T: t, Endpoint: url, conf: client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: Region, Endpoint: url,
		RateLimit: client.DefaultRateLimit, MaxRetries: client.DefaultMaxRetries, WrapTransport: WrapTransport,
	}}
}

// applyEmulatorMode sets the mode's scope and strictness, unless the test
// chose them itself.
func applyEmulatorMode(t *testing.T, cfg *emulator.Config) {
	t.Helper()
	if cfg.Strict || cfg.Scope != "" {
		return
	}
	switch mode := EmulatorMode(); mode {
	case "strict":
		cfg.Strict = true
	case "default":
	case "region":
		cfg.Scope = emulator.ScopeRegion
	default:
		t.Fatalf("KP_EMULATOR=%q: want strict, default or region", mode)
	}
}

// Client makes the test's own calls (setup, out-of-band changes, checks).
// It is made anew for each use, so that no listing it keeps hides what
// the provider did.
func (e *Env) Client() *client.Client {
	c, err := client.New(e.conf)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// SkipInCloud skips a test that needs the emulator's control API.
func (e *Env) SkipInCloud() {
	if e.Endpoint == "" {
		e.T.Skip("needs the emulator's control API")
	}
}

// ProviderConfig is the provider block that points at this test's API.
func (e *Env) ProviderConfig() string {
	return e.ProviderConfigWith("")
}

// ProviderConfigWith is ProviderConfig with more in the provider block.
func (e *Env) ProviderConfigWith(more string) string {
	if e.Endpoint == "" {
		return "provider \"tencentcloud\" {\n" + more + "\n}\n"
	}
	return ProviderConfig(e.Endpoint, more)
}

// ProviderConfig is the provider block for the emulator (or a proxy in
// front of it) at endpoint, with its demo credentials and the tests'
// region, and more arguments in it.
func ProviderConfig(endpoint, more string) string {
	return fmt.Sprintf(`
provider "tencentcloud" {
  endpoint   = %q
  secret_id  = %q
  secret_key = %q
  region     = %q
%s
}
`, endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, Region, more)
}

// Control is the emulator's control API; tests that use it skip in cloud
// mode.
func (e *Env) Control() emulator.ControlClient {
	e.T.Helper()
	e.SkipInCloud()
	return emulator.ControlClient{URL: e.Endpoint}
}

// TotalCalls is the number of API calls the emulator has received.
func (e *Env) TotalCalls() int {
	e.T.Helper()
	s, err := e.Control().Stats(context.Background())
	if err != nil {
		e.T.Fatal(err)
	}
	n := 0
	for _, c := range s.Calls {
		n += c
	}
	return n
}

// SetInstance adds a Linux instance to the emulator or changes its state.
func (e *Env) SetInstance(id, state string) {
	e.T.Helper()
	in := emulator.Instance{InstanceID: id, Region: Region, State: state, OsType: "LINUX"}
	if err := e.Control().SetInstance(context.Background(), in); err != nil {
		e.T.Fatal(err)
	}
}

// PlanError is a configuration (without the provider block) whose plan
// must fail with an error matching Want.
type PlanError struct {
	Config, Want string
}

// ExpectPlanErrors plans each configuration with the given providers,
// expects its error, and then checks that none of them made an API call:
// plan-time validation must stop bad input before it reaches the API.
func (e *Env) ExpectPlanErrors(factories Factories, cases []PlanError) {
	e.T.Helper()
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      e.ProviderConfig() + c.Config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.Want),
		})
	}
	resource.UnitTest(e.T, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps:                    steps,
	})
	if n := e.TotalCalls(); n != 0 {
		e.T.Errorf("invalid configurations made %d API calls, want 0", n)
	}
}

// SeedKeyPair makes a key pair outside Terraform, as another team or the
// console would, and returns it as DescribeKeyPairs describes it.
func (e *Env) SeedKeyPair(name string, projectID int64, description string, tags map[string]string) *client.KeyPair {
	e.T.Helper()
	kp, err := e.Client().CreateKeyPair(e.T.Context(), name, projectID, tags)
	if err != nil {
		e.T.Fatalf("create key pair %s: %v", name, err)
	}
	return e.finishSeed(kp.ID, description, tags)
}

// SeedImportedKeyPair imports a public key outside Terraform.
func (e *Env) SeedImportedKeyPair(name, publicKey string) *client.KeyPair {
	e.T.Helper()
	kp, err := e.Client().ImportKeyPair(e.T.Context(), name, 0, publicKey, nil)
	if err != nil {
		e.T.Fatalf("import key pair %s: %v", name, err)
	}
	return e.finishSeed(kp.ID, "", nil)
}

// finishSeed sets the description of a key pair made outside Terraform,
// and waits until DescribeKeyPairs shows it with its tags (the API may
// take a moment).
func (e *Env) finishSeed(id, description string, tags map[string]string) *client.KeyPair {
	e.T.Helper()
	if e.Endpoint == "" {
		// The emulator goes away with the test; the cloud does not. The
		// test's context is done by the time cleanups run.
		e.T.Cleanup(func() { _ = e.Client().DeleteKeyPair(context.Background(), id) })
	}
	if description != "" {
		if err := e.Client().ModifyKeyPair(e.T.Context(), id, nil, &description); err != nil {
			e.T.Fatalf("set the description of key pair %s: %v", id, err)
		}
	}
	kp, err := e.Client().WaitForKeyPair(e.T.Context(), id, client.HasTags(tags))
	if err != nil {
		e.T.Fatalf("read key pair %s: %v", id, err)
	}
	return kp
}

// DescribeKeyPair reads a key pair again, after a change made outside
// Terraform.
func (e *Env) DescribeKeyPair(id string) *client.KeyPair {
	e.T.Helper()
	kp, err := e.Client().DescribeKeyPair(e.T.Context(), id)
	if err != nil {
		e.T.Fatal(err)
	}
	return kp
}

// CreateForeign makes a key pair in the emulator as the console or
// another tool would: with a plain SDK call, without this provider's
// create token.
func (e *Env) CreateForeign(name string, tags map[string]string) string {
	e.T.Helper()
	id, err := testcloud.CreateKeyPair(e.Endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, Region, name, tags)
	if err != nil {
		e.T.Fatalf("create key pair %s: %v", name, err)
	}
	if _, err := e.Client().WaitForKeyPair(e.T.Context(), id, client.HasTags(tags)); err != nil {
		e.T.Fatalf("read key pair %s: %v", id, err)
	}
	return id
}
