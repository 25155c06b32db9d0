package provider

import (
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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
