package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// A refresh of several secrets reads their tags in one Tag API call, and
// each secret gets its own tags, the create token apart. The test runs in
// a synctest bubble: the reads that start together join one batch however
// busy the machine.
func TestClient_secretTagReadsShareCalls(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{}, 1000)
		ctx := context.Background()
		const n = 3
		for i := range n {
			spec := SecretSpec{Name: fmt.Sprintf("tags-%d", i), Tags: map[string]string{"n": fmt.Sprint(i)}}
			if _, err := c.CreateSSHKeyPairSecret(ctx, spec); err != nil {
				t.Fatal(err)
			}
		}
		before := stats(t, ctl).Calls["DescribeResourceTagsByResourceIds"]
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				s, err := c.ReadSecret(ctx, fmt.Sprintf("tags-%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				if want := map[string]string{"n": fmt.Sprint(i)}; !maps.Equal(s.Tags, want) || s.CreateToken == "" {
					t.Errorf("secret tags-%d: tags %v, token %q; want %v and a token", i, s.Tags, s.CreateToken, want)
				}
			})
		}
		wg.Wait()
		if got := stats(t, ctl).Calls["DescribeResourceTagsByResourceIds"] - before; got != 1 {
			t.Errorf("%d reads of secrets at once made %d tag calls, want 1", n, got)
		}
	})
}

// Empty, null, object-less and event-stream answers to Secrets Manager
// are lost answers: a create of a secret recovers and makes exactly one
// secret and one key pair, the reads read again, and nothing panics.
func TestClient_ssmIncompleteAnswersAreLostAnswers(t *testing.T) {
	t.Parallel()
	for _, rule := range []emulator.FaultRule{
		{Action: "CreateSSHKeyPairSecret", EmptyBody: 0.5},
		{Action: "CreateSSHKeyPairSecret", NullResponse: 0.5},
		{Action: "CreateSSHKeyPairSecret", NoObject: 0.5},
		{Action: "CreateSSHKeyPairSecret", EventStream: 0.5},
		{Action: "DescribeSecret", EmptyBody: 0.4, NullResponse: 0.3},
		{Action: "GetSSHKeyPairValue", NoObject: 0.4, EventStream: 0.3},
	} {
		c, ctl := newTestClient(t, emulator.Config{}, 100)
		if err := ctl.SetFaults(t.Context(), emulator.Faults{Seed: 3, Rules: []emulator.FaultRule{rule}}); err != nil {
			t.Fatal(err)
		}
		names := []string{"s-a", "s-b", "s-c"}
		for _, name := range names {
			if _, err := c.CreateSSHKeyPairSecret(t.Context(), SecretSpec{Name: name}); err != nil {
				t.Errorf("%+v: create %s: %v", rule, name, err)
				continue
			}
			value, err := c.GetSSHKeyPairValue(t.Context(), name, "")
			if err != nil || value.PrivateKey == "" {
				t.Errorf("%+v: value of %s: %v", rule, name, err)
			}
		}
		all, err := c.ListKeyPairs(t.Context(), nil)
		if err != nil {
			t.Fatalf("%+v: list: %v", rule, err)
		}
		if len(all) != len(names) {
			t.Errorf("%+v: %d key pairs, want %d", rule, len(all), len(names))
		}
		s := stats(t, ctl)
		if s.Faults[rule.Action] == 0 {
			t.Errorf("%+v: no fault happened: the test proves nothing", rule)
		}
		if rule.Action == "CreateSSHKeyPairSecret" && s.Calls["CreateSSHKeyPairSecret"] < len(names) {
			t.Errorf("%+v: %d creates", rule, s.Calls["CreateSSHKeyPairSecret"])
		}
	}
}

// A Disabled secret's key pair is answered without its private key: the
// client says so at once, as a *SecretUnavailableError, and does not take
// the answer for a lost one (which would be read again until the
// operation's time ran out).
func TestClient_disabledSecretValueIsUnavailable(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{}, 100)
	ctx := t.Context()
	if _, err := c.CreateSSHKeyPairSecret(ctx, SecretSpec{Name: "off"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetSecretEnabled(ctx, "off", false); err != nil {
		t.Fatal(err)
	}
	before := stats(t, ctl).Calls["GetSSHKeyPairValue"]
	_, err := c.GetSSHKeyPairValue(ctx, "off", "")
	var unavailable *SecretUnavailableError
	if !errors.As(err, &unavailable) || !strings.Contains(err.Error(), "Enabled") {
		t.Fatalf("value of a Disabled secret: %v; want a *SecretUnavailableError that says to enable it", err)
	}
	if got := stats(t, ctl).Calls["GetSSHKeyPairValue"] - before; got != 1 {
		t.Errorf("%d GetSSHKeyPairValue calls, want 1", got)
	}
}
