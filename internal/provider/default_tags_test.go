package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// hcl renders tags as an HCL map.
func hcl(tags map[string]string) string {
	var b strings.Builder
	b.WriteString("{")
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		fmt.Fprintf(&b, " %q = %q,", k, tags[k])
	}
	b.WriteString(" }")
	return b.String()
}

func knownTags(tags map[string]string) knownvalue.Check {
	if tags == nil {
		return knownvalue.Null()
	}
	m := map[string]knownvalue.Check{}
	for k, v := range tags {
		m[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(m)
}

// checkAPITags asks the API for the key pair's tags.
func (e *testEnv) checkAPITags(want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		kp, err := e.Client().DescribeKeyPair(context.Background(), s.RootModule().Resources[keyPairAddr].Primary.ID)
		if err != nil {
			return err
		}
		if !maps.Equal(kp.Tags, want) && (len(kp.Tags) != 0 || len(want) != 0) {
			return fmt.Errorf("the API holds the tags %v, want %v", kp.Tags, want)
		}
		return nil
	}
}

func TestAccKeyPair_defaultTags(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	name := acctest.KeyName("acc_default_tags")
	step := func(defaults, own, wantTags, wantAll map[string]string, action plancheck.ResourceActionType) resource.TestStep {
		provider := env.ProviderConfig()
		if defaults != nil {
			provider = env.ProviderConfigWith("  default_tags {\n    tags = " + hcl(defaults) + "\n  }")
		}
		tags := ""
		if own != nil {
			tags = "  tags = " + hcl(own)
		}
		return resource.TestStep{
			Config: provider + fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = %q\n%s\n}\n", name, tags),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, action)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("tags"), knownTags(wantTags)),
				statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("tags_all"), knownTags(wantAll)),
			},
			Check: env.checkAPITags(wantAll),
		}
	}
	type tags = map[string]string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			// Default tags only: set in the create call.
			step(tags{"env": "prod", "team": "platform"}, nil,
				nil, tags{"env": "prod", "team": "platform"}, plancheck.ResourceActionCreate),
			// Resource tags only: the default tags go.
			step(nil, tags{"owner": "alice"},
				tags{"owner": "alice"}, tags{"owner": "alice"}, plancheck.ResourceActionUpdate),
			// The same key with the same value in both: no perpetual diff
			// (the empty plan after the apply and refresh).
			step(tags{"team": "platform"}, tags{"team": "platform", "owner": "alice"},
				tags{"team": "platform", "owner": "alice"}, tags{"team": "platform", "owner": "alice"}, plancheck.ResourceActionUpdate),
			// The same key with different values: the resource wins.
			step(tags{"team": "platform", "env": "prod"}, tags{"team": "security"},
				tags{"team": "security"}, tags{"team": "security", "env": "prod"}, plancheck.ResourceActionUpdate),
			// A change of default_tags alone is an update in place.
			step(tags{"team": "platform", "env": "staging"}, tags{"team": "security"},
				tags{"team": "security"}, tags{"team": "security", "env": "staging"}, plancheck.ResourceActionUpdate),
			{
				// An import sorts the tags the same way: those that equal a
				// default tag are the provider's.
				ResourceName:            keyPairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"private_key", "public_key"},
			},
		},
	})
}

// Default tags count against the limit of 49 tags (the API's 50, less the
// create token), at plan time.
func TestAccKeyPair_defaultTagsLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	defaults, own := map[string]string{}, map[string]string{}
	for i := range 30 {
		defaults[fmt.Sprintf("d%02d", i)] = "x"
		own[fmt.Sprintf("o%02d", i)] = "y"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfigWith("  default_tags {\n    tags = "+hcl(defaults)+"\n  }") +
				fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = %q\n  tags = %s\n}\n", acctest.KeyName("acc_too_many"), hcl(own)),
			ExpectError: regexp.MustCompile(`(?s)Too many tags.*60 tags.*at most 49`),
		}},
	})
	if n := env.TotalCalls(); n != 0 {
		t.Errorf("%d API calls for a plan that fails", n)
	}
}
