package provider

import (
	"fmt"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// unreachableConfig reads a data source through an endpoint at addr.
func unreachableConfig(addr string, requestTimeout int) string {
	return fmt.Sprintf(`
provider "tencentcloud" {
  endpoint        = "http://%s"
  secret_id       = %q
  secret_key      = %q
  region          = "ap-guangzhou"
  request_timeout = %d
}

data "tencentcloud_key_pairs" "all" {}
`, addr, emulator.DemoSecretID, emulator.DemoSecretKey, requestTimeout)
}

// A plan against an endpoint where nothing listens fails in seconds, and
// says where it went and why.
func TestAccNetwork_closedPort(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("needs a local endpoint")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var clients clientRecorder
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(),
		Steps: []resource.TestStep{{
			Config:      unreachableConfig(addr, 30),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)could not reach\s+http://` + regexp.QuoteMeta(addr) + `.*connection\s+refused`),
		}},
	})
	clients.expectGaveUpEarly(t)
}

// expectGaveUpEarly checks that each provider gave up on an unreachable
// endpoint after three calls (two retries), whatever max_retries: that,
// not the wall-clock time of the plan, which a busy machine stretches, is
// what makes such a plan fail in seconds, or in a few request timeouts.
func (r *clientRecorder) expectGaveUpEarly(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.clients) == 0 {
		t.Fatal("no provider was configured")
	}
	for i, c := range r.clients {
		if s := c.Stats(); s.Calls > 3 || s.Retries > 2 {
			t.Errorf("provider %d sent %d calls (%d retries) to an unreachable endpoint, want at most 3 (2 retries)", i, s.Calls, s.Retries)
		}
	}
}

// A plan against an endpoint that takes the connection and never answers
// fails after a few request timeouts, naming the endpoint.
func TestAccNetwork_silentEndpoint(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("needs a local endpoint")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	accepted := make(chan struct{})
	t.Cleanup(func() { ln.Close(); close(done); <-accepted })
	go func() {
		defer close(accepted)
		var conns []net.Conn
		for {
			conn, err := ln.Accept()
			if err != nil {
				<-done
				for _, c := range conns {
					c.Close()
				}
				return
			}
			conns = append(conns, conn)
		}
	}()
	var clients clientRecorder
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(),
		Steps: []resource.TestStep{{
			Config:      unreachableConfig(ln.Addr().String(), 2),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)no answer from\s+http://` + regexp.QuoteMeta(ln.Addr().String()) + `\s+within\s+2s`),
		}},
	})
	clients.expectGaveUpEarly(t)
}
