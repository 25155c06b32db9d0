package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Plain HTTP to another machine, by protocol or by endpoint, gets a
// warning at plan through real Terraform, on the attribute or naming the
// environment variable; http:// to a loopback host (the emulator) and
// https:// get none. The endpoints need not answer: a plan of a new key
// pair calls nothing.
func TestAccProvider_cleartextTransportWarns(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress)
	config := func(provider string) string {
		return fmt.Sprintf(`
terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

provider "tencentcloud" {
  secret_id  = %q
  secret_key = %q
  region     = "ap-shanghai"
%s}

resource "tencentcloud_key_pair" "test" {
  key_name = "cleartext_warning"
}
`, emulator.DemoSecretID, emulator.DemoSecretKey, provider)
	}
	exposed := []string{"Warning: Cleartext transport", "API calls would travel unencrypted",
		"the private keys of the key pairs that the provider generates"}
	baseEnv := tf.Env
	for _, c := range []struct {
		name, provider string
		env            []string
		want           []string // each must be in the plan's output
		quiet          bool     // no warning at all
	}{
		{
			name:     "protocol attribute",
			provider: "  protocol   = \"HTTP\"\n",
			want: append([]string{`The protocol HTTP, from the provider's protocol attribute`, `set protocol to "HTTPS"`,
				`on main.tf line 14, in provider "tencentcloud"`}, exposed...),
		},
		{
			name: "protocol variable",
			env:  []string{"TENCENTCLOUD_PROTOCOL=HTTP"},
			want: append([]string{"from the environment variable TENCENTCLOUD_PROTOCOL", "set TENCENTCLOUD_PROTOCOL to HTTPS"}, exposed...),
		},
		{
			name:     "endpoint attribute",
			provider: "  endpoint   = \"http://keys.example.invalid:8090\"\n",
			want: append([]string{"The endpoint http://keys.example.invalid:8090, from the provider's endpoint attribute",
				"plain http:// to keys.example.invalid", "Use an https:// endpoint."}, exposed...),
		},
		{
			name: "endpoint variable",
			env:  []string{"TENCENTCLOUD_ENDPOINT=http://10.1.2.3:8090"},
			want: append([]string{"from the environment variable TENCENTCLOUD_ENDPOINT", "Set TENCENTCLOUD_ENDPOINT to an https:// URL."}, exposed...),
		},
		{
			// The endpoint wins over protocol: calls go to the emulator on
			// this machine.
			name:     "emulator",
			provider: fmt.Sprintf("  endpoint   = %q\n  protocol   = \"HTTP\"\n", env.Endpoint),
			quiet:    true,
		},
		{
			name:     "https endpoint",
			provider: "  endpoint   = \"https://keys.example.invalid\"\n  protocol   = \"HTTP\"\n",
			quiet:    true,
		},
		{
			name:     "https",
			provider: "  protocol   = \"HTTPS\"\n",
			quiet:    true,
		},
	} {
		tf.Env = append(append([]string{}, baseEnv...), c.env...)
		tf.Write("main.tf", config(c.provider))
		code, _, out := tf.Run([]int{0, 1, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false")
		if code != 2 {
			t.Errorf("%s: the plan exited %d, want 2 (changes):\n%s", c.name, code, out)
			continue
		}
		// Terraform wraps diagnostics at 78 columns.
		flat := regexp.MustCompile(`\s+`).ReplaceAllString(out, " ")
		for _, w := range c.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: the plan's output lacks %q:\n%s", c.name, w, out)
			}
		}
		if c.quiet && strings.Contains(flat, "Cleartext") {
			t.Errorf("%s: the plan warns of cleartext:\n%s", c.name, out)
		}
	}
}

func TestCleartextTransport(t *testing.T) {
	t.Parallel()
	attr := func(name, value string) sourcedSetting {
		return sourcedSetting{Value: value, Attribute: name, Env: "TENCENTCLOUD_" + strings.ToUpper(name)}
	}
	fromEnv := func(name, value string) sourcedSetting {
		s := attr(name, value)
		s.FromEnv = true
		return s
	}
	none := func(name string) sourcedSetting { return fromEnv(name, "") }
	for _, c := range []struct {
		name               string
		endpoint, protocol sourcedSetting
		on                 string // the attribute the warning is on, "" for none
		global             bool   // a warning without an attribute
		detail             []string
	}{
		{name: "defaults", endpoint: none("endpoint"), protocol: none("protocol")},
		{name: "https", endpoint: none("endpoint"), protocol: attr("protocol", "HTTPS")},
		{
			name: "protocol HTTP", endpoint: none("endpoint"), protocol: attr("protocol", "HTTP"), on: "protocol",
			detail: []string{"The protocol HTTP, from the provider's protocol attribute", "signatures keep a call from being changed, not from being read",
				"private keys", "temporary credentials", `set protocol to "HTTPS"`},
		},
		{
			name: "protocol http from the environment", endpoint: none("endpoint"), protocol: fromEnv("protocol", "http"), global: true,
			detail: []string{"from the environment variable TENCENTCLOUD_PROTOCOL", "set TENCENTCLOUD_PROTOCOL to HTTPS"},
		},
		{
			name: "remote http endpoint", endpoint: attr("endpoint", "http://kms.internal.example:8090/api"), protocol: none("protocol"), on: "endpoint",
			detail: []string{"The endpoint http://kms.internal.example:8090/api, from the provider's endpoint attribute", "to kms.internal.example,", "Use an https:// endpoint."},
		},
		{
			name: "upper-case scheme", endpoint: fromEnv("endpoint", "HTTP://192.168.1.10:8090"), protocol: none("protocol"), global: true,
			detail: []string{"from the environment variable TENCENTCLOUD_ENDPOINT", "Set TENCENTCLOUD_ENDPOINT to an https:// URL."},
		},
		{
			name: "password in the endpoint", endpoint: attr("endpoint", "http://user:hunter2@proxy.example"), protocol: none("protocol"), on: "endpoint",
			detail: []string{"http://user:xxxxx@proxy.example"},
		},
		{name: "127.0.0.1", endpoint: attr("endpoint", "http://127.0.0.1:8090"), protocol: attr("protocol", "HTTP")},
		{name: "127.8.9.10", endpoint: fromEnv("endpoint", "http://127.8.9.10"), protocol: none("protocol")},
		{name: "localhost", endpoint: attr("endpoint", "http://LocalHost:8090"), protocol: none("protocol")},
		{name: "localhost.", endpoint: attr("endpoint", "http://localhost.:8090"), protocol: none("protocol")},
		{name: "::1", endpoint: attr("endpoint", "http://[::1]:8090"), protocol: none("protocol")},
		{
			name: "localhost as a subdomain", endpoint: attr("endpoint", "http://localhost.example.com"), protocol: none("protocol"), on: "endpoint",
			detail: []string{"to localhost.example.com,"},
		},
		{
			name: "128.0.0.1", endpoint: attr("endpoint", "http://128.0.0.1"), protocol: none("protocol"), on: "endpoint",
			detail: []string{"to 128.0.0.1,"},
		},
		{name: "https endpoint wins over protocol HTTP", endpoint: attr("endpoint", "https://cvm.example.com"), protocol: attr("protocol", "HTTP")},
		{
			name: "http endpoint wins over protocol HTTPS", endpoint: attr("endpoint", "http://cvm.example.com"), protocol: attr("protocol", "HTTPS"), on: "endpoint",
			detail: []string{"The endpoint http://cvm.example.com"},
		},
		{name: "not a URL", endpoint: attr("endpoint", "cvm.example.com:80"), protocol: none("protocol")},
	} {
		var diags diag.Diagnostics
		warnCleartextTransport(c.endpoint, c.protocol, &diags)
		if c.on == "" && !c.global {
			if len(diags) != 0 {
				t.Errorf("%s: %v, want no diagnostic", c.name, diags)
			}
			continue
		}
		if len(diags) != 1 || diags.WarningsCount() != 1 {
			t.Errorf("%s: %v, want one warning", c.name, diags)
			continue
		}
		d := diags[0]
		if d.Summary() != "Cleartext transport" {
			t.Errorf("%s: summary %q", c.name, d.Summary())
		}
		for _, w := range c.detail {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("%s: detail %q lacks %q", c.name, d.Detail(), w)
			}
		}
		if strings.Contains(d.Detail(), "hunter2") {
			t.Errorf("%s: the detail holds the endpoint's password: %q", c.name, d.Detail())
		}
		withPath, ok := d.(diag.DiagnosticWithPath)
		switch {
		case c.global && ok && !withPath.Path().Equal(path.Empty()):
			t.Errorf("%s: on %s, want no attribute", c.name, withPath.Path())
		case c.on != "" && (!ok || !withPath.Path().Equal(path.Root(c.on))):
			t.Errorf("%s: %v, want a warning on %s", c.name, d, c.on)
		}
	}
}
