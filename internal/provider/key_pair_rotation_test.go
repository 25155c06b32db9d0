package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The rotation guide's failure path, as it is written: a rotation whose
// create fails has already moved its trigger, so the next plan does not
// replace the key pair; `terraform apply -replace=ADDRESS` rotates it.
// The configuration is the guide's example (examples/guides/
// rotating-key-pairs), with a short create timeout for the rotation that
// fails.
func TestAccKeyPair_rotationFailureRecoversWithReplace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	cli := acctest.NewCLI(t, acctest.OurAddress)
	// createTimeout, when set, bounds the creates, so that a create that
	// the API keeps throttling fails in seconds; the other applies keep the
	// default, which no busy machine runs out of.
	config := func(rotation, createTimeout string) string {
		timeouts := ""
		if createTimeout != "" {
			timeouts = fmt.Sprintf("\n  timeouts {\n    create = %q\n  }\n", createTimeout)
		}
		return acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.OurProvider) + fmt.Sprintf(`
resource "terraform_data" "rotation" {
  input = %q
}

resource "tencentcloud_key_pair" "deploy" {
  key_name_prefix = "deploy_"
  description     = "CI deploy key"
%s
  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.rotation]
  }
}
`, rotation, timeouts)
	}
	const addr = "tencentcloud_key_pair.deploy"
	idOf := func() string {
		id, _ := cli.Resources()[addr].Values["id"].(string)
		return id
	}
	cli.Write("main.tf", config("2026-01", ""))
	cli.Run([]int{0}, "apply", "-auto-approve", "-no-color")
	first := idOf()

	// The rotation's create fails: every CreateKeyPair is throttled.
	ctl := env.Control()
	if err := ctl.SetFaults(t.Context(), emulator.Faults{Rules: []emulator.FaultRule{{Action: "CreateKeyPair", Throttle: 1}}}); err != nil {
		t.Fatal(err)
	}
	cli.Write("main.tf", config("2026-02", "5s"))
	cli.Run([]int{1}, "apply", "-auto-approve", "-no-color")
	if err := ctl.SetFaults(t.Context(), emulator.Faults{}); err != nil {
		t.Fatal(err)
	}

	// As the guide says: the trigger moved, so no replacement is planned.
	_, plan, _ := cli.Run([]int{0, 2}, "plan", "-no-color")
	if strings.Contains(plan, "replace_triggered_by") || idOf() != first {
		t.Fatalf("after the failed rotation, the plan replaces the key pair after all, or the key pair changed; the guide says it does not:\n%s", plan)
	}

	// The guide's recovery.
	cli.Write("main.tf", config("2026-02", ""))
	cli.Run([]int{0}, "apply", "-auto-approve", "-no-color", "-replace="+addr)
	if second := idOf(); second == "" || second == first {
		t.Fatalf("after -replace the key pair is %q, was %q: want a new one", second, first)
	}
	var notFound *client.NotFoundError
	if _, err := env.Client().DescribeKeyPair(t.Context(), first); !errors.As(err, &notFound) {
		t.Errorf("the old key pair %s after the rotation: %v, want not found", first, err)
	}
}
