package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// faultSuiteSize is the number of key pairs and of apply/rename rounds of
// the fault suite: short in make test, longer in make soak (KP_SOAK=1).
func faultSuiteSize() (n, rounds int) {
	n, rounds = 50, 1
	if os.Getenv("KP_SOAK") == "1" {
		n, rounds = 100, 5
	}
	if v, err := strconv.Atoi(os.Getenv("KP_SOAK_N")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("KP_SOAK_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	return n, rounds
}

func countedKeyPairsConfig(env *testEnv, n int, prefix string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  count    = %d
  key_name = "%s_${count.index}"
  tags     = { suite = "faults" }
}
`, n, prefix)
}

// checkStateMatchesEmulator checks that the emulator holds exactly the key
// pairs of the state, no orphan and none missing, and that every private
// key in the state belongs to its public key.
func (e *testEnv) checkStateMatchesEmulator(want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]map[string]string{}
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "tencentcloud_key_pair" {
				inState[rs.Primary.ID] = rs.Primary.Attributes
			}
		}
		if len(inState) != want {
			return fmt.Errorf("state holds %d key pairs, want %d", len(inState), want)
		}
		all, err := e.client().ListKeyPairs(context.Background(), nil)
		if err != nil {
			return err
		}
		var problems []string
		seen := map[string]bool{}
		for _, kp := range all {
			seen[kp.ID] = true
			attrs, ok := inState[kp.ID]
			if !ok {
				problems = append(problems, fmt.Sprintf("orphan %s (%s)", kp.ID, kp.Name))
				continue
			}
			if attrs["key_name"] != kp.Name {
				problems = append(problems, fmt.Sprintf("%s: name %q in state, %q in the API", kp.ID, attrs["key_name"], kp.Name))
			}
			if err := sshkey.CheckPrivateKey(attrs["private_key"], kp.PublicKey); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", kp.ID, err))
			}
		}
		for id := range inState {
			if !seen[id] {
				problems = append(problems, fmt.Sprintf("%s in state but not in the API", id))
			}
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "; "))
		}
		return nil
	}
}

// With 20% of calls failing (InternalError, RequestLimitExceeded,
// connections dropped after the change was committed, and 2 s of latency),
// an apply of 50 key pairs, a rename of all of them and a destroy succeed,
// and the emulator holds exactly what the state holds.
func TestAccFaults_suite(t *testing.T) {
	// Not parallel: it reports this process's retry counter.
	n, rounds := faultSuiteSize()
	env := newTestEnv(t, emulator.Config{Quota: max(100, n)})
	ctl := env.control()
	faults := emulator.Faults{Seed: 42, Rules: []emulator.FaultRule{{
		Action: "*", InternalError: 0.05, Throttle: 0.05, DropAfterCommit: 0.05, Latency: 0.05, LatencyMS: 2000,
	}}}
	var steps []resource.TestStep
	for round := range rounds {
		for _, prefix := range []string{"fault", "renamed"} {
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if err := ctl.SetFaults(context.Background(), faults); err != nil {
						t.Fatal(err)
					}
				},
				Config: countedKeyPairsConfig(env, n, prefix),
				Check:  env.checkStateMatchesEmulator(n),
			})
			faults.Seed += uint64(round + 1)
		}
	}
	start, retriesBefore := time.Now(), client.Retries.Value()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			left, err := env.client().ListKeyPairs(context.Background(), nil)
			if err != nil {
				return err
			}
			if len(left) != 0 {
				return fmt.Errorf("%d key pairs left after destroy", len(left))
			}
			return nil
		},
		Steps: steps,
	})
	stats, err := ctl.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	calls, injected := 0, 0
	for _, c := range stats.Calls {
		calls += c
	}
	for _, f := range stats.Faults {
		injected += f
	}
	result := "passed"
	if t.Failed() {
		result = "FAILED"
	}
	t.Logf("fault suite: %d key pairs, %d rounds of apply and rename, then destroy, in %s: %d API calls, %d faults injected %v, %d retries: %s",
		n, rounds, time.Since(start).Round(time.Second), calls, injected, stats.Faults, client.Retries.Value()-retriesBefore, result)
}

// restartableEmulator serves an emulator on a fixed address and can stop
// it and start it again from its state file, as a restart would.
type restartableEmulator struct {
	t    *testing.T
	cfg  emulator.Config
	addr string

	mu  sync.Mutex
	srv *emulator.Server
	hs  *http.Server
}

func startRestartableEmulator(t *testing.T, cfg emulator.Config) *restartableEmulator {
	r := &restartableEmulator{t: t, cfg: cfg}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.stop)
	return r
}

func (r *restartableEmulator) serve(ln net.Listener) {
	srv, err := emulator.New(r.cfg)
	if err != nil {
		r.t.Error(err)
		return
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	r.mu.Lock()
	r.srv, r.hs = srv, hs
	r.mu.Unlock()
}

func (r *restartableEmulator) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.hs.Shutdown(ctx)
	if err := r.srv.Close(); err != nil {
		r.t.Error(err)
	}
	r.hs, r.srv = nil, nil
}

// restart stops the emulator, waits for down, and starts it again on the
// same address from its state file.
func (r *restartableEmulator) restart(down time.Duration) {
	r.stop()
	time.Sleep(down)
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.t.Error(err)
		return
	}
	r.serve(ln)
}

// restartAfterCreates restarts the emulator, down for down, once it has
// answered n CreateKeyPair calls.
func (r *restartableEmulator) restartAfterCreates(n int, down time.Duration) {
	ctl := emulator.ControlClient{URL: "http://" + r.addr}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if stats, err := ctl.Stats(context.Background()); err == nil && stats.Calls["CreateKeyPair"] >= n {
			r.restart(down)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Errorf("the emulator never saw %d creates", n)
}

// The emulator restarts, with its state file, in the middle of an apply:
// the apply completes through retries, and the next plan has nothing to do,
// with no orphan.
func TestAccFaults_emulatorRestart(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	if cloudMode() {
		t.Skip("restarts the emulator")
	}
	const n = 30
	emu := startRestartableEmulator(t, emulator.Config{RateLimit: 10, KeyBits: 1024, StateFile: filepath.Join(t.TempDir(), "state.json")})
	env := newTestEnvAt(t, "http://"+emu.addr)
	config := countedKeyPairsConfig(env, n, "restart")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				// 30 creates take 3 s at the rate limit: restart once 10
				// have reached the emulator.
				PreConfig: func() { go emu.restartAfterCreates(10, time.Second) },
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					env.checkStateMatchesEmulator(n),
					func(*terraform.State) error {
						// The restarted emulator counts from zero: some but not
						// all creates reached it, so the apply straddled the
						// restart.
						stats, err := env.control().Stats(context.Background())
						if err != nil {
							return err
						}
						if got := stats.Calls["CreateKeyPair"]; got == 0 || got >= n {
							return fmt.Errorf("%d of %d creates after the restart: the restart was not in the middle of the apply", got, n)
						}
						return nil
					},
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.checkStateMatchesEmulator(n),
			},
		},
	})
}
