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

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
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

// newBoundTestEnv is the environment of the tests of a key pair bound to
// instances ins-running1 and ins-stopped1 (both stopped for now, as the
// API binds only stopped instances), with project 1001 to replace it in,
// and a recorder of the provider's warnings.
func newBoundTestEnv(t *testing.T) (*testEnv, *warningRecorder) {
	t.Helper()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	env.SkipInCloud()
	env.SetInstance("ins-running1", "STOPPED")
	env.SetInstance("ins-stopped1", "STOPPED")
	return env, &warningRecorder{}
}

// A key pair with force_stop = true that is bound to a running and a
// stopped instance: the plan that replaces it warns, naming the running
// one as the one it stops, and so does the apply, after unbinding them;
// the same for a destroy. Without instances, or for a change in place,
// nothing is said.
func TestAccKeyPair_forceStopWarnings(t *testing.T) {
	t.Parallel()
	env, rec := newBoundTestEnv(t)
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
	// The plan names the running instance alone, and the stopped one as
	// unbound without a stop.
	destroyWarning := `(?s)^plan: Destroying the key pair stops its running instances: Key pair skey-\w+ \(acc_force_stop\) has force_stop = true and is bound to running instances ins-running1\. To delete it, Tencent Cloud force-stops them.* The others, ins-stopped1, are not running: it unbinds the key pair from them without a stop\.`
	replaceWarning := `(?s)^plan: Replacing the key pair stops its running instances: Key pair skey-\w+ \(acc_force_stop\) has force_stop = true and is bound to running instances ins-running1, and this plan replaces it\. To delete it, Tencent Cloud force-stops them.* The others, ins-stopped1, are not running: it unbinds the key pair from them without a stop\.`
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

// describeInstancesCalls is the number of DescribeInstances calls the
// emulator has received.
func (e *testEnv) describeInstancesCalls() int {
	e.T.Helper()
	s, err := e.Control().Stats(context.Background())
	if err != nil {
		e.T.Fatal(err)
	}
	return s.Calls["DescribeInstances"]
}

// A key pair bound to a running and a stopped instance, with force_stop =
// false: the plan of its destroy warns that the destroy will fail, naming
// the running instance alone, and the apply's error names it alone too.
// With force_stop = true and DescribeInstances failing, the plan's warning
// says what it said before it could tell (TestAccKeyPair_forceStopWarnings
// has the warning that names the running one). A plan that
// deletes a key pair without bindings, or that deletes nothing, asks
// DescribeInstances nothing.
func TestAccKeyPair_boundToRunningAndStoppedInstances(t *testing.T) {
	t.Parallel()
	env, rec := newBoundTestEnv(t)
	config := func(project int, forceStop bool) string {
		// Few retries: the last step fails DescribeInstances on purpose.
		return env.ProviderConfigWith("  max_retries = 1") + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = "acc_running_stopped"
  project_id = %d
  force_stop = %t
}
`, project, forceStop)
	}
	calls := 0
	noNewCalls := func(*terraform.State) error {
		if got := env.describeInstancesCalls(); got != calls {
			return fmt.Errorf("%d DescribeInstances calls, want %d: nothing was deleted that instances are bound to", got, calls)
		}
		return nil
	}
	bind := func(s *terraform.State) error {
		if err := env.Associate(keyPairAddr, "ins-running1", "ins-stopped1")(s); err != nil {
			return err
		}
		env.SetInstance("ins-running1", "RUNNING")
		calls = env.describeInstancesCalls()
		return nil
	}
	destroyFails := `(?s)^plan: Destroying the key pair will fail: it is bound to running instances: Key pair skey-\w+ \(acc_running_stopped\) is bound to running instances ins-running1, and Tencent Cloud unbinds a key pair only from stopped instances: with force_stop = false, deleting it will fail unless they are stopped first\. The others, ins-stopped1, are not running: they are no obstacle\.\n\nStop ins-running1 first, or set force_stop = true`
	// When DescribeInstances fails, the plan cannot tell which instances
	// run, and says so.
	destroyMayStop := `(?s)^plan: Destroying the key pair stops its running instances: Key pair skey-\w+ \(acc_running_stopped\) has force_stop = true and is bound to instances ins-running1, ins-stopped1\. To delete it, Tencent Cloud unbinds it from them, and for that force-stops those of them that are running`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{Config: config(0, true), Check: noNewCalls},
			{
				// A replacement of a key pair without bindings: no call,
				// no warning.
				PreConfig: rec.reset,
				Config:    config(1001, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(noNewCalls, func(*terraform.State) error { return rec.expect("plan") }, bind),
			},
			{
				// A change in place of a bound key pair deletes nothing.
				Config: config(1001, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate)},
				},
				Check: noNewCalls,
			},
			{
				PreConfig: rec.reset,
				Config:    config(1001, false),
				Destroy:   true,
				ExpectError: wrappedMessage("Key pair is bound to a running instance",
					"is bound to running instances ins-running1, and Tencent Cloud unbinds a key pair only from stopped instances.",
					"The others, ins-stopped1, are not running", "Stop ins-running1 first, or set force_stop = true",
					"instances [ins-running1] are running"),
			},
			{
				PreConfig: func() {
					if err := rec.expect("plan", destroyFails); err != nil {
						t.Error(err)
					}
					if env.describeInstancesCalls() == calls {
						t.Error("the destroy's plan asked DescribeInstances nothing")
					}
					rec.reset()
				},
				Config: config(1001, true),
			},
			{
				PreConfig: func() {
					rec.reset()
					faults := emulator.Faults{Seed: 1, Rules: []emulator.FaultRule{{Action: "DescribeInstances", InternalError: 1}}}
					if err := env.Control().SetFaults(context.Background(), faults); err != nil {
						t.Fatal(err)
					}
				},
				Config:  config(1001, true),
				Destroy: true,
				Check:   func(*terraform.State) error { return rec.expect("plan", destroyMayStop) },
			},
		},
	})
}

// The error of a delete refused for a running instance names the running
// ones alone when DescribeInstances told, and otherwise keeps to "those of
// them that are running".
func TestInstanceRunningDetail(t *testing.T) {
	t.Parallel()
	told := instanceRunningDetail("skey-00000001", &client.InstanceRunningError{
		InstanceIDs: []string{"ins-running1", "ins-stopped1"}, Running: []string{"ins-running1"}, Err: errors.New("refused"),
	})
	if !strings.Contains(told, "bound to running instances ins-running1, and") || !strings.Contains(told, "The others, ins-stopped1, are not running") ||
		strings.Contains(told, "ins-running1, ins-stopped1") {
		t.Errorf("with the states known: %q", told)
	}
	untold := instanceRunningDetail("skey-00000001", &client.InstanceRunningError{
		InstanceIDs: []string{"ins-running1", "ins-stopped1"}, Err: errors.New("refused"),
	})
	if !strings.Contains(untold, "bound to instances ins-running1, ins-stopped1, and") || !strings.Contains(untold, "those of them that are running") ||
		!strings.HasSuffix(untold, "some of instances [ins-running1 ins-stopped1] are running: refused") {
		t.Errorf("with the states unknown: %q", untold)
	}
}
