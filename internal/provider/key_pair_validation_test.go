package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Every plan-time rule fails the plan with an error that names the
// attribute and states the rule, before any API call is made.
func TestAccKeyPair_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	rsaKey := acctest.PublicKey(t)
	cases := []struct {
		name, body string
		want       string
	}{
		{"empty name", `key_name = ""`, `(?s)key_name.*length must be between 1 and 25`},
		{"long name", `key_name = "` + strings.Repeat("a", 26) + `"`, `(?s)key_name.*length must be between 1 and 25`},
		{"illegal name", `key_name = "has-dash"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"unicode name", `key_name = "名字"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"negative project", `key_name = "ok"` + "\n" + `project_id = -1`, `(?s)project_id.*must be at least 0`},
		{"long description", `key_name = "ok"` + "\n" + `description = "` + strings.Repeat("d", 61) + `"`, `(?s)description.*at most 60`},
		{"reserved tag", `key_name = "ok"` + "\n" + `tags = { "qcs:owner" = "x" }`, `(?s)tags.*reserved`},
		{"reserved tag project", `key_name = "ok"` + "\n" + `tags = { "Project" = "x" }`, `(?s)tags.*reserved`},
		{"empty tag value", `key_name = "ok"` + "\n" + `tags = { team = "" }`, `(?s)tags.*length\s+must\s+be\s+between\s+1\s+and\s+255\s+characters`},
		{"long tag key", `key_name = "ok"` + "\n" + `tags = { "` + strings.Repeat("k", 128) + `" = "v" }`, `(?s)tags.*between 1 and 127`},
		{"illegal tag key", `key_name = "ok"` + "\n" + `tags = { "a*b" = "v" }`, `(?s)tags.*may contain only letters`},
		{"tag value edge space", `key_name = "ok"` + "\n" + `tags = { team = " infra" }`, `(?s)tags.*spaces\s+\(not\s+at\s+either\s+end\)`},
		{"too many tags", `key_name = "ok"` + "\n" + `tags = {` + manyTags(50) + `}`, `(?s)tags.*at most 49`},
		{"public key garbage", `key_name = "ok"` + "\n" + `public_key = "not a key"`, `(?s)public_key.*OpenSSH RSA public key`},
		{"public key ed25519", `key_name = "ok"` + "\n" + `public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsb9k0LlZvwT8wBfJ3yYRPUw3CRWdxHXLqVM2lgZUZ3 x"`, `(?s)public_key.*only ssh-rsa`},
		{"public key two keys", `key_name = "ok"` + "\n" + `public_key = "` + rsaKey + `\n` + rsaKey + `"`, `(?s)public_key.*more than one key`},
	}
	var configs []acctest.PlanError
	for _, c := range cases {
		configs = append(configs, acctest.PlanError{Config: fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n%s\n}\n", c.body), Want: c.want})
	}
	env.expectPlanErrors(configs)
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " t%d = \"v\"\n", i)
	}
	return b.String()
}
