package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// instanceState returns the State the emulator holds for an instance.
func (e *testEnv) instanceState(id string) string {
	e.T.Helper()
	instances, err := e.Control().Instances(context.Background())
	if err != nil {
		e.T.Fatal(err)
	}
	for _, in := range instances {
		if in.InstanceID == id {
			return in.State
		}
	}
	e.T.Fatalf("instance %s not found", id)
	return ""
}

// A key pair bound to stopped instances is unbound and deleted; the
// association made outside Terraform shows in the refreshed state.
func TestAccKeyPair_destroyBoundToStoppedInstances(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	env.SetInstance("ins-stopped1", "STOPPED")
	env.SetInstance("ins-stopped2", "STOPPED")
	config := keyPairConfig(env, "acc_bound_stopped", false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{Config: config, Check: env.Associate(keyPairAddr, "ins-stopped1", "ins-stopped2")},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("associated_instance_ids"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("ins-stopped1"), knownvalue.StringExact("ins-stopped2"),
					})),
				},
			},
		},
	})
}

// A running instance blocks the destroy with an error that names it, until
// force_stop is set; then Tencent Cloud stops it and the destroy succeeds.
func TestAccKeyPair_destroyBoundToRunningInstance(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	env.SetInstance("ins-running1", "RUNNING")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: keyPairConfig(env, "acc_bound_running", false),
				Check: func(s *terraform.State) error {
					// Bound while stopped, then started again.
					env.SetInstance("ins-running1", "STOPPED")
					if err := env.Associate(keyPairAddr, "ins-running1")(s); err != nil {
						return err
					}
					env.SetInstance("ins-running1", "RUNNING")
					return nil
				},
			},
			{
				Config:      keyPairConfig(env, "acc_bound_running", false),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)running instance.*ins-running1.*force_stop = true`),
			},
			{
				Config: keyPairConfig(env, "acc_bound_running", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config:  keyPairConfig(env, "acc_bound_running", true),
				Destroy: true,
				Check: func(*terraform.State) error {
					// Tencent Cloud stops it to unbind the key pair; the real
					// service (and the strict emulator) starts it again.
					want := "STOPPED"
					if env.Config.Strict || env.Config.RestartAfterForceStop {
						want = "RUNNING"
					}
					if got := env.instanceState("ins-running1"); got != want {
						return fmt.Errorf("instance state %s after force_stop, want %s", got, want)
					}
					return nil
				},
			},
		},
	})
}
