package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// A key pair to be created or replaced into a project that does not exist
// fails at plan: nothing is destroyed, no CreateKeyPair or DeleteKeyPairs
// is sent. A plan into projects that exist lists them once, however many
// key pairs it creates; a plan that creates nothing lists nothing.
func TestAccKeyPair_projectCheckedAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001, 1002}})
	env.SkipInCloud()
	var rec clientRecorder
	keyPair := func(name string, project int64) string {
		return fmt.Sprintf("resource \"tencentcloud_key_pair\" %q {\n  key_name   = %q\n  project_id = %d\n}\n", name, name, project)
	}
	keep := keyPair("proj_a", 1001) + keyPair("proj_b", 1001) + keyPair("proj_c", 1002)

	// counts are the emulator's calls of the actions that matter here, and
	// the clients configured so far: one per Terraform command that
	// configured the provider (a plan, the plan and the apply of an
	// apply, ...).
	type counts struct{ describeProjects, creates, deletes, clients int }
	count := func() counts {
		s, err := env.Control().Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return counts{s.Calls["DescribeProjects"], s.Calls["CreateKeyPair"], s.Calls["DeleteKeyPairs"], len(rec.clients)}
	}
	var before counts
	mark := func() { before = count() }
	// nothingChanged checks that no key pair was created or deleted since
	// mark, and that proj_a is still the key pair of the state, in 1001.
	var firstID string
	nothingChanged := func() {
		t.Helper()
		now := count()
		if now.creates != before.creates || now.deletes != before.deletes {
			t.Errorf("a failed plan sent %d CreateKeyPair and %d DeleteKeyPairs calls, want none",
				now.creates-before.creates, now.deletes-before.deletes)
		}
		kp, err := env.Client().DescribeKeyPair(context.Background(), firstID)
		var notFound *client.NotFoundError
		switch {
		case errors.As(err, &notFound):
			t.Errorf("key pair %s was destroyed by a plan that failed", firstID)
		case err != nil:
			t.Error(err)
		case kp.ProjectID != 1001:
			t.Errorf("key pair %s is in project %d, want 1001", firstID, kp.ProjectID)
		}
	}
	// listedOncePerCommand checks that the projects were listed, at most
	// once by each provider configured since mark.
	listedOncePerCommand := func() {
		t.Helper()
		now := count()
		listings, commands := now.describeProjects-before.describeProjects, now.clients-before.clients
		if listings < 1 || listings > commands {
			t.Errorf("%d DescribeProjects calls by %d configured providers: want at least one, and at most one each", listings, commands)
		}
	}
	notFound := func(id int) *regexp.Regexp {
		return regexp.MustCompile(fmt.Sprintf(`(?s)Project not found.*Project %d does not exist.*nothing was destroyed`, id))
	}

	// proj_a is replaced by the last step only.
	const projA = "tencentcloud_key_pair.proj_a"
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				// Three creates into two projects that exist.
				PreConfig: mark,
				Config:    env.ProviderConfig() + keep,
				ConfigStateChecks: []statecheck.StateCheck{
					// The id that nothingChanged asks the API about.
					statecheck.ExpectKnownValue(projA, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
						firstID = v
						return nil
					})),
					replaced.AddStateValue(projA, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					listedOncePerCommand()
					return nil
				},
			},
			{
				// A replacement into a project that does not exist.
				PreConfig:   mark,
				Config:      env.ProviderConfig() + strings.Replace(keep, "project_id = 1001", "project_id = 2002", 1),
				ExpectError: notFound(2002),
			},
			{
				// A create into a project that does not exist, next to
				// key pairs that stay.
				PreConfig: func() {
					nothingChanged()
					mark()
				},
				Config:      env.ProviderConfig() + keep + keyPair("proj_new", 3003),
				ExpectError: notFound(3003),
			},
			{
				// Nothing to create: no listing.
				PreConfig: func() {
					nothingChanged()
					mark()
				},
				Config:   env.ProviderConfig() + keep,
				PlanOnly: true,
			},
			{
				// A replacement into a project that exists goes ahead.
				PreConfig: func() {
					if n := count().describeProjects - before.describeProjects; n != 0 {
						t.Errorf("plans that create nothing made %d DescribeProjects calls, want 0", n)
					}
					mark()
				},
				Config:            env.ProviderConfig() + strings.Replace(keep, "project_id = 1001", "project_id = 1002", 1),
				ConfigStateChecks: []statecheck.StateCheck{replaced.AddStateValue(projA, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					listedOncePerCommand()
					return nil
				},
			},
		},
	})
}

// The check itself, without Terraform: when the projects cannot be
// listed, the plan goes on with a warning on project_id.
func TestCheckProjectAtPlan_listingFails(t *testing.T) {
	t.Parallel()
	_, url := emulator.NewTestServer(t, emulator.Config{Projects: []int64{1001}})
	c, err := client.New(client.Config{SecretID: emulator.DemoSecretID, SecretKey: "not the secret key", Region: acctest.Region,
		Endpoint: url, RateLimit: client.DefaultRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	diags := planProjectCheck(t, c, 1001, nil)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	if w.Summary() != "Could not check the project" || !strings.Contains(w.Detail(), "project 1001") ||
		!strings.Contains(w.Detail(), "AuthFailure.SignatureFailure") {
		t.Errorf("warning %q: %q", w.Summary(), w.Detail())
	}
	if wd, ok := w.(diag.DiagnosticWithPath); !ok || !wd.Path().Equal(path.Root("project_id")) {
		t.Errorf("the warning is not on project_id: %v", w)
	}
}

// The check skips what creates no key pair, and calls nothing for it:
// a destroy, the default project, a key pair that stays in its project,
// and an unconfigured provider.
func TestCheckProjectAtPlan_skips(t *testing.T) {
	t.Parallel()
	_, url := emulator.NewTestServer(t, emulator.Config{Projects: []int64{1001}})
	ctl := emulator.ControlClient{URL: url}
	c, err := client.New(client.Config{SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: acctest.Region,
		Endpoint: url, RateLimit: client.DefaultRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	stays := int64(2002) // in state already: not checked, though it does not exist
	for name, diags := range map[string]diag.Diagnostics{
		"default project": planProjectCheck(t, c, 0, nil),
		"stays":           planProjectCheck(t, c, 2002, &stays),
		"unconfigured":    planProjectCheck(t, nil, 2002, nil),
		"destroy":         planProjectCheck(t, c, -1, &stays),
	} {
		if len(diags) != 0 {
			t.Errorf("%s: diagnostics %v, want none", name, diags)
		}
	}
	if s, err := ctl.Stats(context.Background()); err != nil || s.Calls["DescribeProjects"] != 0 {
		t.Errorf("%d DescribeProjects calls (%v), want 0", s.Calls["DescribeProjects"], err)
	}
	// A move from another project, or a create, is checked.
	if diags := planProjectCheck(t, c, 2002, ptrTo(int64(1001))); diags.ErrorsCount() != 1 || diags.Errors()[0].Summary() != "Project not found" {
		t.Errorf("a move into a missing project: %v, want Project not found", diags)
	}
	if diags := planProjectCheck(t, c, 1001, nil); len(diags) != 0 {
		t.Errorf("a create into an existing project: %v, want none", diags)
	}
}

// planProjectCheck runs checkProjectAtPlan on a plan of a key pair in
// project (-1: a destroy) over a prior state in priorProject (nil: a
// create), every other attribute null.
func planProjectCheck(t *testing.T, c *client.Client, project int64, priorProject *int64) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	s := keyPairSchemaV1(ctx)
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the schema's type is %T, not an object", s.Type().TerraformType(ctx))
	}
	object := func(project *int64) tftypes.Value {
		if project == nil {
			return tftypes.NewValue(typ, nil)
		}
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		attrs["project_id"] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(*project)))
		return tftypes.NewValue(typ, attrs)
	}
	planned := &project
	if project < 0 {
		planned = nil
	}
	req := fwresource.ModifyPlanRequest{
		Plan:  tfsdk.Plan{Schema: s, Raw: object(planned)},
		State: tfsdk.State{Schema: s, Raw: object(priorProject)},
	}
	resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
	checkProjectAtPlan(ctx, c, req, resp)
	return resp.Diagnostics
}
