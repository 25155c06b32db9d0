package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// setInstance adds a Linux instance to the emulator or changes its state.
func setInstance(t *testing.T, ctl emulator.ControlClient, id, state string) {
	t.Helper()
	if err := ctl.SetInstance(context.Background(), emulator.Instance{InstanceID: id, Region: testRegion, State: state, OsType: "LINUX"}); err != nil {
		t.Fatal(err)
	}
}

// InstanceStates asks at most 100 ids a call; ids of no instance are
// absent from its answer.
func TestClient_InstanceStates(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	setInstance(t, ctl, "ins-running1", "RUNNING")
	setInstance(t, ctl, "ins-stopped1", "STOPPED")
	ids := []string{"ins-running1"}
	for i := range 148 {
		ids = append(ids, fmt.Sprintf("ins-%08d", i))
	}
	ids = append(ids, "ins-stopped1")
	states, err := c.InstanceStates(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"ins-running1": "RUNNING", "ins-stopped1": "STOPPED"}; fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("states = %v, want %v", states, want)
	}
	if got := stats(t, ctl).Calls["DescribeInstances"]; got != 2 {
		t.Errorf("%d DescribeInstances calls for 150 ids, want 2", got)
	}
	running, others, err := c.RunningInstances(context.Background(), []string{"ins-stopped1", "ins-running1", "ins-nothere1"})
	if err != nil || !slices.Equal(running, []string{"ins-running1"}) || !slices.Equal(others, []string{"ins-stopped1", "ins-nothere1"}) {
		t.Errorf("RunningInstances = %v, %v, %v; want [ins-running1], [ins-stopped1 ins-nothere1]", running, others, err)
	}
	if states, err := c.InstanceStates(context.Background(), nil); err != nil || len(states) != 0 || stats(t, ctl).Calls["DescribeInstances"] != 3 {
		t.Errorf("no ids: %v, %v, want no call", states, err)
	}
}

// An answer without InstanceSet is an error, never "no instance".
func TestClient_InstanceStatesIncompleteAnswer(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	setInstance(t, ctl, "ins-running1", "RUNNING")
	if err := ctl.SetFaults(context.Background(), emulator.Faults{Seed: 1, Rules: []emulator.FaultRule{{Action: "DescribeInstances", NoObject: 1}}}); err != nil {
		t.Fatal(err)
	}
	states, err := c.InstanceStates(context.Background(), []string{"ins-running1"})
	if err == nil || !strings.Contains(err.Error(), "InstanceSet") {
		t.Errorf("InstanceStates = %v, %v; want an error about the missing InstanceSet", states, err)
	}
}

// bindBothThenStart binds a new key pair to a running and a stopped
// instance (binding wants them stopped) and starts the first.
func bindBothThenStart(t *testing.T, c *Client, ctl emulator.ControlClient) string {
	t.Helper()
	kp, err := c.CreateKeyPair(context.Background(), "bound", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	setInstance(t, ctl, "ins-running1", "STOPPED")
	setInstance(t, ctl, "ins-stopped1", "STOPPED")
	if err := c.AssociateInstances(context.Background(), []string{kp.ID}, []string{"ins-running1", "ins-stopped1"}, false); err != nil {
		t.Fatal(err)
	}
	setInstance(t, ctl, "ins-running1", "RUNNING")
	return kp.ID
}

// A delete refused for a running instance names the running one alone,
// as DescribeInstances shows it; when that read fails, it says that some
// of the instances run.
func TestClient_deleteUnbindingNamesRunningInstances(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	id := bindBothThenStart(t, c, ctl)
	_, err := c.DeleteKeyPairUnbinding(context.Background(), id, false)
	var running *InstanceRunningError
	if !errors.As(err, &running) {
		t.Fatalf("delete: %v, want an InstanceRunningError", err)
	}
	if !slices.Equal(running.Running, []string{"ins-running1"}) || !slices.Equal(running.InstanceIDs, []string{"ins-running1", "ins-stopped1"}) {
		t.Errorf("Running %v of InstanceIDs %v, want [ins-running1] of both", running.Running, running.InstanceIDs)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "instances [ins-running1] are running") {
		t.Errorf("error %q does not name ins-running1 alone as running", msg)
	}

	if err := ctl.SetFaults(context.Background(), emulator.Faults{Seed: 1, Rules: []emulator.FaultRule{{Action: "DescribeInstances", InternalError: 1}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteKeyPairUnbinding(context.Background(), id, false)
	if !errors.As(err, &running) || running.Running != nil {
		t.Fatalf("delete with DescribeInstances failing: %v, want an InstanceRunningError that does not tell", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "some of instances [ins-running1 ins-stopped1] are running") {
		t.Errorf("error %q, want it to say some of the instances run", msg)
	}
}
