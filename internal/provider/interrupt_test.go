package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// heldCreateProxy stands between the provider and the emulator and holds
// every answer to CreateKeyPair after the emulator committed it, as a slow
// network or gateway would, until release is called. held is closed once
// an answer is held. Answers are released at the latest when the test
// ends, so that the proxy can close.
func heldCreateProxy(t *testing.T, target string) (endpoint string, held <-chan struct{}, release func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	isHeld, released := make(chan struct{}), make(chan struct{})
	var heldOnce, releaseOnce sync.Once
	release = func() { releaseOnce.Do(func() { close(released) }) }
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Header.Get("X-TC-Action") == "CreateKeyPair" {
			heldOnce.Do(func() { close(isHeld) })
			<-released
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(func() {
		release()
		srv.Close()
	})
	return srv.URL, isHeld, release
}

// waitFor waits until cond holds, polling, and fails the test after a
// watchdog of several minutes (which only a broken test reaches), killing
// the command first.
func waitFor(t *testing.T, cmd *exec.Cmd, out *acctest.Output, what string, cond func() bool) {
	t.Helper()
	for watchdog := time.Now().Add(5 * time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(watchdog) {
			_ = cmd.Process.Kill()
			t.Fatalf("%s never happened:\n%s", what, out.String())
		}
	}
}

// Ctrl-C during an apply whose creates are in flight: the creates finish,
// their key pairs reach the state with their private keys, nothing is left
// in the cloud that the state does not hold, and the next apply converges.
// The answers of the creates are held until Terraform has taken the
// interrupt, so that creates are in flight at the interrupt however slow
// the machine.
func TestAccInterrupt_sigintDuringCreates(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	const n = 6
	endpoint, held, release := heldCreateProxy(t, env.Endpoint)
	tf := acctest.NewCLI(t, acctest.OurAddress)
	tf.Write("main.tf", acctest.ProviderBlocks(endpoint, acctest.Region, acctest.OurProvider)+fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  count    = %d
  key_name = "interrupted_${count.index}"
}
`, n))

	apply := tf.Command("apply", "-no-color", "-auto-approve", "-input=false", "-parallelism=3")
	out := &acctest.Output{}
	apply.Stdout, apply.Stderr = out, out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the first creates are committed and their answers
	// held, and release them once Terraform has taken the interrupt.
	waitFor(t, apply, out, "a held CreateKeyPair answer", func() bool {
		select {
		case <-held:
			return true
		default:
			return false
		}
	})
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitFor(t, apply, out, "Terraform's \"Interrupt received\"", func() bool { return strings.Contains(out.String(), "Interrupt received") })
	release()
	_ = apply.Wait()

	// Everything in the cloud is in the state, with its private key.
	inState := map[string]acctest.StateResource{}
	for _, r := range tf.Resources() {
		inState[fmt.Sprint(r.Values["id"])] = r
	}
	all, err := env.Client().ListKeyPairs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// At least one create was in flight at the interrupt: it must have
	// finished into the state, not been cut short and cleared away.
	stats, err := env.Control().Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d key pairs made, %d CreateKeyPair and %d DeleteKeyPairs calls, before the interrupt took effect",
		len(all), n, stats.Calls["CreateKeyPair"], stats.Calls["DeleteKeyPairs"])
	if len(all) == 0 || stats.Calls["DeleteKeyPairs"] != 0 {
		t.Errorf("the creates in flight at the interrupt did not reach the state (%d key pairs, %d deletes)\n%s",
			len(all), stats.Calls["DeleteKeyPairs"], out.String())
	}
	for _, kp := range all {
		r, ok := inState[kp.ID]
		if !ok {
			t.Errorf("orphan: key pair %s (%s) is in the cloud and not in the state\n%s", kp.ID, kp.Name, out.String())
			continue
		}
		if err := sshkey.CheckPrivateKey(fmt.Sprint(r.Values["private_key"]), kp.PublicKey); err != nil {
			t.Errorf("key pair %s: %v", kp.ID, err)
		}
	}
	if t.Failed() {
		return
	}

	// The next apply makes the rest, and then there is nothing to do.
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	if code, _, all := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("plan after the second apply is not empty:\n%s", all)
	}
	if got := len(tf.Resources()); got != n {
		t.Errorf("%d key pairs in the state, want %d", got, n)
	}
	tf.Run([]int{0}, "destroy", "-no-color", "-auto-approve", "-input=false")
}
