package provider

import (
	"fmt"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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
	testAccPreCheck(t)
	if cloudMode() {
		t.Skip("needs a local endpoint")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      unreachableConfig(addr, 30),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)could not reach\s+http://` + regexp.QuoteMeta(addr) + `.*connection\s+refused`),
		}},
	})
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the plan took %s to fail, want under 30 s", d)
	}
}

// A plan against an endpoint that takes the connection and never answers
// fails after a few request timeouts, naming the endpoint.
func TestAccNetwork_silentEndpoint(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	if cloudMode() {
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
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      unreachableConfig(ln.Addr().String(), 2),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)no answer from\s+http://` + regexp.QuoteMeta(ln.Addr().String()) + `\s+within\s+2s`),
		}},
	})
	if d := time.Since(start); d > time.Minute {
		t.Errorf("the plan took %s to fail, want a few request timeouts", d)
	}
}
