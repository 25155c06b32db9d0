package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// warningRecorder keeps the warnings that the provider sends Terraform
// with its plans and applies, which terraform-plugin-testing cannot check:
// it serves the provider behind a wrapper that copies them.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []recordedWarning
}

type recordedWarning struct {
	rpc, summary, detail string
}

func (w recordedWarning) String() string { return w.rpc + ": " + w.summary + ": " + w.detail }

func (r *warningRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	serve := providerserver.NewProtocol6WithError(newTestProvider())
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tencentcloud": func() (tfprotov6.ProviderServer, error) {
			s, err := serve()
			return recordingServer{ProviderServer: s, rec: r}, err
		},
	}
}

func (r *warningRecorder) add(rpc string, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			r.warnings = append(r.warnings, recordedWarning{rpc: rpc, summary: d.Summary, detail: d.Detail})
		}
	}
}

// reset forgets the warnings recorded so far.
func (r *warningRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = nil
}

// expect checks the warnings of an RPC (plan or apply) that mention
// force_stop: one matches each pattern, and there are none without a
// pattern.
func (r *warningRecorder) expect(rpc string, patterns ...string) error {
	r.mu.Lock()
	var got []string
	for _, w := range r.warnings {
		if w.rpc == rpc && strings.Contains(w.summary+w.detail, "force_stop") {
			got = append(got, w.String())
		}
	}
	r.mu.Unlock()
	if len(patterns) == 0 && len(got) > 0 {
		return fmt.Errorf("unexpected %s warnings: %q", rpc, got)
	}
	for _, pattern := range patterns {
		if !slices.ContainsFunc(got, regexp.MustCompile(pattern).MatchString) {
			return fmt.Errorf("no %s warning matches %q; force_stop warnings: %q", rpc, pattern, got)
		}
	}
	return nil
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *warningRecorder
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("plan", resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("apply", resp.Diagnostics)
	}
	return resp, err
}

// A key pair with force_stop = true that is bound to instances: the plan
// that replaces it warns, naming the instances, and so does the apply,
// after unbinding them; the same for a destroy. Without instances, or
// for a change in place, nothing is said.
func TestAccKeyPair_forceStopWarnings(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	env.SkipInCloud()
	env.SetInstance("ins-running1", "STOPPED")
	env.SetInstance("ins-stopped1", "STOPPED")
	rec := &warningRecorder{}
	config := func(project int, description string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name    = "acc_force_stop"
  project_id  = %d
  description = %q
  force_stop  = true
}
`, project, description)
	}
	// bind binds the key pair to both instances (while they are stopped,
	// as the API wants), then starts one of them.
	bind := func(s *terraform.State) error {
		env.SetInstance("ins-running1", "STOPPED")
		if err := env.Associate(keyPairAddr, "ins-running1", "ins-stopped1")(s); err != nil {
			return err
		}
		env.SetInstance("ins-running1", "RUNNING")
		return nil
	}
	destroyWarning := `(?s)^plan: Destroying the key pair stops its running instances: Key pair skey-\w+ \(acc_force_stop\) has force_stop = true and is bound to instances ins-running1, ins-stopped1\. To delete it, .*force-stops those of them that are running`
	replaceWarning := `(?s)^plan: Replacing the key pair stops its running instances: Key pair skey-\w+ \(acc_force_stop\) has force_stop = true and is bound to instances ins-running1, ins-stopped1, and this plan replaces it\..*force-stops those of them that are running`
	applyWarning := `(?s)^apply: Key pair unbound from instances with force_stop: To delete key pair skey-\w+, Tencent Cloud unbound it from instances ins-running1, ins-stopped1, with force_stop`
	noWarnings := func(*terraform.State) error {
		return errors.Join(rec.expect("plan"), rec.expect("apply"))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(0, "first"),
				Check:  resource.ComposeTestCheckFunc(noWarnings, bind),
			},
			{
				// A change in place stops nothing.
				PreConfig: rec.reset,
				Config:    config(0, "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
				},
				Check: noWarnings,
			},
			{
				// A new project replaces the key pair.
				PreConfig: rec.reset,
				Config:    config(1001, "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						return errors.Join(rec.expect("plan", replaceWarning), rec.expect("apply", applyWarning))
					},
					bind,
				),
			},
			{
				PreConfig: rec.reset,
				Config:    config(1001, "second"),
				Destroy:   true,
				Check: func(*terraform.State) error {
					return errors.Join(rec.expect("plan", destroyWarning), rec.expect("apply", applyWarning))
				},
			},
		},
	})
}
