package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The behaviours of the real service that the docs leave open, modelled by
// the strict emulator as their worse case: the provider must survive each.

// A key pair bound to an instance that was terminated stays bound for a
// while, and unbinding the instance answers that it does not exist: the
// destroy waits until the binding clears, and succeeds. The emulator holds
// the terminate lag, so that the refresh before the destroy sees the
// binding and the destroy meets it on any machine, and ends it inside the
// destroy's first unbinding, after the emulator has answered that the
// instance does not exist and before the answer goes out: from then on
// the binding is gone, and no call of the destroy can see it come and go
// between two of its calls. The visibility and tag lags are off, so that
// only the lag under test is held.
func TestAccFidelity_destroyBoundToTerminatedInstance(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("needs the emulator's lags")
	}
	srv, err := emulator.New(emulator.Config{
		Strict: true, VisibilityLag: -1, TagLag: -1, HoldLags: true, KeyBits: 1024, RateLimit: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	var ended atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		if r.Header.Get("X-TC-Action") == "DisassociateInstancesKeyPairs" && !ended.Swap(true) {
			srv.EndLags()
		}
	}))
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	env := newTestEnvAt(t, hs.URL)
	env.SetInstance("ins-doomed01", "STOPPED")
	config := keyPairConfig(env, "acc_terminated", false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			// The destroy met the binding: DeleteKeyPairs was refused
			// before the unbinding, and answered after the lag ended.
			stats, err := env.Control().Stats(context.Background())
			if err != nil {
				return err
			}
			if !ended.Load() || stats.Calls["DeleteKeyPairs"] < 2 {
				return fmt.Errorf("%d DeleteKeyPairs calls, lag ended %v: want a refused one, the unbinding that ends the lag, and one after it",
					stats.Calls["DeleteKeyPairs"], ended.Load())
			}
			return env.CheckDestroyed(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					env.Associate(keyPairAddr, "ins-doomed01"),
					func(*terraform.State) error {
						return env.Control().Terminate(context.Background(), "ins-doomed01", acctest.Region)
					},
				),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					// Still listed: the binding outlives the instance.
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("associated_instance_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ins-doomed01")})),
				},
			},
		},
	})
}

// A key pair that an image uses cannot be deleted: the destroy fails with
// an error that names the image and says what to do; once the image is
// gone, the destroy succeeds.
func TestAccFidelity_destroyUsedByImage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	config := keyPairConfig(env, "acc_imaged", false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					return env.Control().SetImage(context.Background(), emulator.Image{
						ImageID: "img-abcd1234", Region: acctest.Region, KeyIDs: []string{acctest.StateID(s, keyPairAddr)},
					})
				},
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)in use by images img-abcd1234.*delete\s+the\s+images`),
			},
			{
				Config: config,
				PreConfig: func() {
					if err := env.Control().DeleteImage(context.Background(), "img-abcd1234"); err != nil {
						t.Fatal(err)
					}
				},
			},
		},
	})
}

// DeleteKeyPairs with several ids may delete only some and answer success
// (the emulator's --partial-delete, under --strict): a destroy of several
// key pairs, one of them bound to an instance, still deletes every one of
// them, the bound one after unbinding it, and no destroy reports success
// while a key pair remains.
func TestAccFidelity_partialDelete(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Strict: true})
	env.SkipInCloud()
	env.SetInstance("ins-partial1", "STOPPED")
	config := env.ProviderConfig() + `
resource "tencentcloud_key_pair" "test" {
  count    = 4
  key_name = "acc_partial_${count.index}"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			left, err := env.Client().ListKeyPairs(context.Background(), nil)
			if err != nil {
				return err
			}
			for _, kp := range left {
				return fmt.Errorf("key pair %s (%s, bound to %v) left after destroy", kp.ID, kp.Name, kp.AssociatedInstanceIDs)
			}
			return env.CheckDestroyed(s)
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check:  env.Associate("tencentcloud_key_pair.test.2", "ins-partial1"),
		}},
	})
}

// State records the region a key pair was made in. When the provider's
// region changes and the key pair is not found there (key pairs kept per
// region), the plan fails naming both regions instead of planning a new
// key pair and leaving the old one behind.
func TestAccFidelity_regionChanged(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Scope: emulator.ScopeRegion})
	env.SkipInCloud()
	keyPair := `
resource "tencentcloud_key_pair" "test" {
  key_name = "acc_region_moved"
}
`
	elsewhere := strings.Replace(env.ProviderConfig(), acctest.Region, "ap-shanghai", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + keyPair,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region)),
				},
			},
			{
				Config:      elsewhere + keyPair,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)made in region ap-guangzhou.*now\s+uses\s+region\s+ap-shanghai`),
			},
			{
				// Back in its region, the key pair is there, and the
				// destroy finds it.
				Config: env.ProviderConfig() + keyPair,
			},
		},
	})
}

// DescribeKeyPairs takes at most 10 filters: a query with more conditions
// than that sends 10 and checks the rest itself, and finds exactly the key
// pairs that match all of them.
func TestAccFidelity_moreConditionsThanFilters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	tags := map[string]string{}
	for i := range 12 {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	match := env.SeedKeyPair(acctest.KeyName("acc_filters_all"), 0, "", tags)
	delete(tags, "k11") // the 12th condition, which no filter carries
	env.SeedKeyPair(acctest.KeyName("acc_filters_most"), 0, "", tags)
	var conditions []string
	for i := range 12 {
		conditions = append(conditions, fmt.Sprintf("k%02d = \"v\"", i))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "tencentcloud_key_pairs" "test" {
  project_id = 0
  tags       = { %s }
}
`, strings.Join(conditions, ", ")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.tencentcloud_key_pairs.test", tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(match.ID)})),
			},
		}},
	})
}
