package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// A region outside the documented list gets a warning at plan, with the
// closest documented names and where the region came from: the attribute,
// TENCENTCLOUD_REGION or the tccli profile. The plan goes on: the region
// may be new. A documented region, or none (ap-guangzhou, with its own
// warning), gets no such warning.
func TestAccProvider_unknownRegionWarns(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress)
	profiles := t.TempDir()
	cred := fmt.Sprintf(`{"secretId": %q, "secretKey": %q}`, emulator.DemoSecretID, emulator.DemoSecretKey)
	for file, text := range map[string]string{
		"typo.credential": cred,
		"typo.configure":  `{"_sys_param": {"region": "na-siliconvaley", "output": "json"}}`,
	} {
		if err := os.WriteFile(filepath.Join(profiles, file), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
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
  endpoint = %q
%s}

resource "tencentcloud_key_pair" "test" {
  key_name = "region_warning"
}
`, env.Endpoint, provider)
	}
	credentials := fmt.Sprintf("  secret_id  = %q\n  secret_key = %q\n", emulator.DemoSecretID, emulator.DemoSecretKey)
	baseEnv := tf.Env
	for _, c := range []struct {
		name, provider string
		env            []string
		want           []string // each must be in the plan's output
		unwanted       string
	}{
		{
			name:     "attribute",
			provider: credentials + "  region     = \"ap-guangzou\"\n",
			want: []string{`Warning: Unknown region "ap-guangzou"`, `from the provider's region attribute`,
				`Did you mean ap-guangzhou?`, `on main.tf line 14, in provider "tencentcloud"`},
		},
		{
			name:     "environment",
			provider: credentials,
			env:      []string{client.EnvRegion + "=AP-Shanghai"},
			want:     []string{`Warning: Unknown region "AP-Shanghai"`, `from the environment variable TENCENTCLOUD_REGION`, `Did you mean ap-shanghai?`},
		},
		{
			name:     "profile",
			provider: fmt.Sprintf("  profile                = \"typo\"\n  shared_credentials_dir = %q\n", profiles),
			want: []string{`Warning: Unknown region "na-siliconvaley"`, `from the tccli profile of the credentials, profile "typo"`,
				`Did you mean na-siliconvalley?`},
		},
		{
			name:     "no close name",
			provider: credentials + "  region     = \"mars-north-1\"\n",
			want:     []string{`Warning: Unknown region "mars-north-1"`, `The documented regions: ap-guangzhou, ap-shanghai,`},
			unwanted: "Did you mean",
		},
		{
			name:     "documented",
			provider: credentials + "  region     = \"eu-frankfurt\"\n",
			unwanted: "Unknown region",
		},
		{
			name:     "none",
			provider: credentials,
			want:     []string{"No region set: using ap-guangzhou"},
			unwanted: "Unknown region",
		},
	} {
		tf.Env = append(append([]string{}, baseEnv...), c.env...)
		tf.Write("main.tf", config(c.provider))
		// A plan of a new key pair in the default project calls nothing,
		// so it succeeds whatever the region.
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
		if c.unwanted != "" && strings.Contains(flat, c.unwanted) {
			t.Errorf("%s: the plan's output holds %q:\n%s", c.name, c.unwanted, out)
		}
	}
}

func TestWarnUnknownRegion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		region, from string
		summary      string
		detail       []string
		onAttribute  bool
	}{
		{region: "ap-guangzhou", from: attributeRegionSource},
		{region: "na-toronto", from: "the environment variable TENCENTCLOUD_REGION"},
		{
			region: "ap-guangzou", from: attributeRegionSource, onAttribute: true,
			summary: `Unknown region "ap-guangzou"`,
			detail:  []string{`The region "ap-guangzou", from the provider's region attribute, is not one`, "Did you mean ap-guangzhou?", "UnsupportedRegion"},
		},
		{
			region: "ap-bnjing", from: "the environment variable TENCENTCLOUD_REGION",
			summary: `Unknown region "ap-bnjing"`,
			detail:  []string{"from the environment variable TENCENTCLOUD_REGION", "Did you mean ap-nanjing or ap-beijing?"},
		},
		{
			region: "me-riyadh", from: `the tccli profile of the credentials, profile "p"`,
			summary: `Unknown region "me-riyadh"`,
			detail:  []string{`profile "p"`, "The documented regions: ap-guangzhou, ap-shanghai,", "eu-moscow."},
		},
	} {
		var diags diag.Diagnostics
		warnUnknownRegion(c.region, c.from, &diags)
		if c.summary == "" {
			if len(diags) != 0 {
				t.Errorf("%s: %v, want no diagnostic", c.region, diags)
			}
			continue
		}
		if len(diags) != 1 || diags.WarningsCount() != 1 {
			t.Errorf("%s: %v, want one warning", c.region, diags)
			continue
		}
		d := diags[0]
		if d.Summary() != c.summary {
			t.Errorf("%s: summary %q, want %q", c.region, d.Summary(), c.summary)
		}
		for _, w := range c.detail {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("%s: detail %q lacks %q", c.region, d.Detail(), w)
			}
		}
		withPath, ok := d.(diag.DiagnosticWithPath)
		if onAttribute := ok && withPath.Path().Equal(path.Root("region")); onAttribute != c.onAttribute {
			t.Errorf("%s: on the region attribute: %v, want %v", c.region, onAttribute, c.onAttribute)
		}
	}
}

func TestRegionSource(t *testing.T) {
	t.Parallel()
	env := func(region string) func(string) string {
		return func(k string) string {
			if k == client.EnvRegion {
				return region
			}
			return ""
		}
	}
	profile := `profile "default" (/home/me/.tccli/default.credential)`
	for _, c := range []struct {
		attribute, env, want string
	}{
		{"ap-shanghai", "ap-beijing", attributeRegionSource},
		{"", "ap-beijing", "the environment variable TENCENTCLOUD_REGION"},
		{"", "", "the tccli profile of the credentials, " + profile},
	} {
		if got := regionSource(c.attribute, env(c.env), profile); got != c.want {
			t.Errorf("regionSource(%q, env %q) = %q, want %q", c.attribute, c.env, got, c.want)
		}
	}
}
