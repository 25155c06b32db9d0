package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The plan-time rules that the validation tests of each type leave out:
// each fails the plan with an error naming the attribute, before any API
// call.
func TestAccValidators_remainingRules(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	rsaKey := acctest.PublicKey(t)
	resourceBlock := func(body string) string {
		return fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n%s\n}\n", body)
	}
	cases := []struct {
		name, config, want string
	}{
		{"empty tag key", resourceBlock(`tags = { "" = "v" }`), `(?s)tags.*length\s+must\s+be\s+between\s+1\s+and\s+127\s+characters`},
		{"long tag value", resourceBlock(`tags = { team = "` + strings.Repeat("v", 256) + `" }`), `(?s)tags.*length\s+must\s+be\s+between\s+1\s+and\s+255\s+characters`},
		{"tag key edge space", resourceBlock(`tags = { "team " = "v" }`), `(?s)tags.*spaces\s+\(not\s+at\s+either\s+end\)`},
		{"illegal tag value", resourceBlock(`tags = { team = "a*b" }`), `(?s)tags.*may contain only letters`},
		{"reserved tag han", resourceBlock(`tags = { "项目x" = "v" }`), `(?s)tags.*reserved`},
		{"reserved tag qcloud", resourceBlock(`tags = { "QCloud_owner" = "v" }`), `(?s)tags.*reserved`},
		{"reserved tag tencent", resourceBlock(`tags = { "tencent" = "v" }`), `(?s)tags.*reserved`},
		{"public key options", resourceBlock(`public_key = "no-pty ` + rsaKey + `"`), `(?s)public_key.*authorized_keys\s+options`},
		{"public key comment line", resourceBlock(`public_key = "# laptop\n` + rsaKey + `"`), `(?s)public_key.*must\s+be\s+a\s+single\s+line:\s+no\s+comment\s+lines`},
		{"data source empty name", `data "tencentcloud_key_pairs" "test" { key_name = "" }`, `(?s)key_name.*length must be between 1 and 25`},
		{"data source long tag key", `data "tencentcloud_key_pairs" "test" { tags = { "` + strings.Repeat("k", 128) + `" = "v" } }`, `(?s)tags.*between 1 and 127`},
		{"data source long tag value", `data "tencentcloud_key_pairs" "test" { tags = { k = "` + strings.Repeat("v", 256) + `" } }`, `(?s)tags.*between 1 and 255`},
		{"data source unicode name", `data "tencentcloud_key_pair" "test" { key_name = "名字" }`, `(?s)key_name.*may contain only letters, digits and underscores`},
	}
	var configs []acctest.PlanError
	for _, c := range cases {
		configs = append(configs, acctest.PlanError{Config: c.config, Want: c.want})
	}
	env.expectPlanErrors(configs)
}
