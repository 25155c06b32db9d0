package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
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
	return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  count    = %d
  key_name = "%s_${count.index}"
  tags     = { suite = "faults" }
}
`, n, prefix)
}

// With 20% of calls failing (InternalError, RequestLimitExceeded, and,
// after the change was committed, connections dropped, answers cut mid-body
// and gateways answering 502) and 5% answered after 2 s, against the strict
// emulator (lean answers, lags, partial deletes), an apply of 50 key pairs,
// a rename of all of them and a destroy succeed, and the emulator holds
// exactly what the state holds.
func TestAccFaults_suite(t *testing.T) {
	t.Parallel()
	n, rounds := faultSuiteSize()
	env := newTestEnv(t, emulator.Config{Quota: max(100, n)})
	ctl := env.Control()
	rules := []emulator.FaultRule{{
		Action: "*", InternalError: 0.04, Throttle: 0.04, DropAfterCommit: 0.04, ResetMidBody: 0.04, BadGateway: 0.04,
		Latency: 0.05, LatencyMS: 2000,
	}}
	var steps []resource.TestStep
	for round := range rounds {
		for i, prefix := range []string{"fault", "renamed"} {
			// Each step gets a seed of its own, so that the rounds of a
			// soak do not replay one another.
			faults := emulator.Faults{Seed: 42 + uint64(2*round+i), Rules: rules}
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if err := ctl.SetFaults(context.Background(), faults); err != nil {
						t.Fatal(err)
					}
				},
				Config: countedKeyPairsConfig(env, n, prefix),
				Check:  env.CheckStateMatchesAPI(n),
			})
		}
	}
	var clients clientRecorder
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(),
		CheckDestroy: func(s *terraform.State) error {
			left, err := env.Client().ListKeyPairs(context.Background(), nil)
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
	sent := clients.stats()
	t.Logf("fault suite: %d key pairs, %d rounds of apply and rename, then destroy, in %s: %d API calls (%d sent by the providers), %d faults injected %v, %d retries, %d reads again while waiting for changes to show: %s",
		n, rounds, time.Since(start).Round(time.Second), calls, sent.Calls, injected, stats.Faults, sent.Retries, sent.Waits, result)
}

// createOutcomes records, per key name, what became of each CreateKeyPair
// call in the order the emulator answered them: "ok", the error code, or
// "dropped" when the connection was closed without an answer.
type createOutcomes struct {
	next http.Handler

	mu     sync.Mutex
	byName map[string][]string
}

func (o *createOutcomes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-TC-Action") != "CreateKeyPair" {
		o.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct{ KeyName string }
	_ = json.Unmarshal(body, &req)
	rec := &bodyRecorder{ResponseWriter: w}
	outcome := "dropped"
	// Deferred, so that a call the emulator drops (it panics with
	// http.ErrAbortHandler) is recorded too.
	defer func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.byName[req.KeyName] = append(o.byName[req.KeyName], outcome)
	}()
	o.next.ServeHTTP(rec, r)
	var answer struct {
		Response struct{ Error *struct{ Code string } }
	}
	switch {
	case json.Unmarshal(rec.body.Bytes(), &answer) != nil:
		outcome = "unreadable"
	case answer.Response.Error != nil:
		outcome = answer.Response.Error.Code
	default:
		outcome = "ok"
	}
}

func (o *createOutcomes) snapshot() map[string][]string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string][]string, len(o.byName))
	for name, outcomes := range o.byName {
		out[name] = slices.Clone(outcomes)
	}
	return out
}

// bodyRecorder passes an answer on and keeps a copy of its body.
type bodyRecorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.body.Write(p)
	return b.ResponseWriter.Write(p)
}

// faultedCreates applies key pairs against a fresh emulator with faults
// on every action under seed, and returns the injected CreateKeyPair
// faults and calls and what became of each name's creates. The destroy
// runs without faults.
func faultedCreates(t *testing.T, seed uint64, n int) (faults, calls int, outcomes map[string][]string) {
	t.Helper()
	// No rate limit: a refusal would take an attempt number of its own,
	// at a moment that depends on timing.
	srv, err := emulator.New(emulator.Config{KeyBits: 1024, Quota: max(100, n)})
	if err != nil {
		t.Fatal(err)
	}
	rec := &createOutcomes{next: srv, byName: map[string][]string{}}
	hs := httptest.NewServer(rec)
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	env := newTestEnvAt(t, hs.URL)
	ctl := env.Control()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				err := ctl.SetFaults(context.Background(), emulator.Faults{Seed: seed, Rules: []emulator.FaultRule{{
					Action: "*", InternalError: 0.1, Throttle: 0.1, DropAfterCommit: 0.1, Latency: 0.1, LatencyMS: 100,
				}}})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config: countedKeyPairsConfig(env, n, "replay"),
			Check: resource.ComposeTestCheckFunc(
				env.CheckStateMatchesAPI(n),
				func(*terraform.State) error {
					stats, err := ctl.Stats(context.Background())
					if err != nil {
						return err
					}
					faults, calls = stats.Faults["CreateKeyPair"], stats.Calls["CreateKeyPair"]
					outcomes = rec.snapshot()
					return ctl.SetFaults(context.Background(), emulator.Faults{})
				},
			),
		}},
	})
	return faults, calls, outcomes
}

// A seed replays the same faults: the same apply, twice, meets the same
// CreateKeyPair faults, although Terraform creates the key pairs in
// parallel and in another order each time, and the faults of the other
// actions (reads and deletes, batched by timing) fall differently. Only
// the creates are compared: they are the calls whose subjects (the names)
// are the same from run to run; reads and deletes name key ids, which a
// fresh emulator draws anew, in batches that timing makes up.
func TestAccFaults_seedReplays(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("needs the emulator's faults")
	}
	const n, seed = 20, 2024
	faults1, calls1, outcomes1 := faultedCreates(t, seed, n)
	faults2, calls2, outcomes2 := faultedCreates(t, seed, n)
	t.Logf("seed %d: %d CreateKeyPair faults in %d calls, then %d in %d", seed, faults1, calls1, faults2, calls2)
	if faults1 == 0 {
		t.Fatal("no CreateKeyPair fault was injected: the test compares nothing")
	}
	if faults1 != faults2 || calls1 != calls2 {
		t.Errorf("the same seed gave %d CreateKeyPair faults in %d calls, then %d in %d", faults1, calls1, faults2, calls2)
	}
	for _, name := range slices.Sorted(maps.Keys(outcomes1)) {
		if !slices.Equal(outcomes1[name], outcomes2[name]) {
			t.Errorf("creates of %s: %v, then %v", name, outcomes1[name], outcomes2[name])
		}
	}
	if len(outcomes1) != len(outcomes2) {
		t.Errorf("creates of %d names, then of %d", len(outcomes1), len(outcomes2))
	}
}

// restartableEmulator serves an emulator behind one listener for the whole
// test and can restart it: the emulator stops, every call while it is down
// has its connection closed without an answer, and a new emulator, loaded
// from the state file, takes over behind the same address.
type restartableEmulator struct {
	cfg emulator.Config
	url string
	// ctx ends when the test does, and with it a restart's down time.
	ctx context.Context

	mu  sync.Mutex
	srv *emulator.Server // nil while down
	// inflight counts the calls the current emulator is answering, so
	// that it is stopped only once they are done.
	inflight sync.WaitGroup
	// creates counts the CreateKeyPair calls that the first emulator
	// answered; the one that makes restartAt takes it down.
	creates, restartAt int
	down               time.Duration

	restarts sync.WaitGroup
	result   chan error // the restart's outcome
}

func startRestartableEmulator(t *testing.T, cfg emulator.Config) *restartableEmulator {
	t.Helper()
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &restartableEmulator{cfg: cfg, ctx: ctx, srv: srv, result: make(chan error, 1)}
	hs := httptest.NewServer(r)
	r.url = hs.URL
	t.Cleanup(func() {
		cancel()
		r.restarts.Wait()
		select {
		case err := <-r.result:
			if err != nil {
				t.Error(err)
			}
		default:
		}
		hs.Close()
		r.mu.Lock()
		srv := r.srv
		r.srv = nil
		r.mu.Unlock()
		if srv != nil {
			if err := srv.Close(); err != nil {
				t.Error(err)
			}
		}
	})
	return r
}

func (r *restartableEmulator) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	srv := r.srv
	if srv != nil {
		r.inflight.Add(1)
	}
	r.mu.Unlock()
	if srv == nil {
		// Down: the connection closes without an answer, as when the
		// process is gone.
		panic(http.ErrAbortHandler)
	}
	defer r.inflight.Done()
	srv.ServeHTTP(w, req)
	if req.Header.Get("X-TC-Action") != "CreateKeyPair" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.creates++; r.creates == r.restartAt {
		// Down before this answer is out: the calls that come after it
		// never reach this emulator, however the calls are timed.
		r.srv = nil
		r.restarts.Go(func() { r.result <- r.restart(srv) })
	}
}

// restart stops the emulator old, which no longer takes calls, once its
// calls are answered, flushing its state file; stays down for r.down; and
// starts a new one from the state file.
func (r *restartableEmulator) restart(old *emulator.Server) error {
	r.inflight.Wait()
	if err := old.Close(); err != nil {
		return fmt.Errorf("stop the emulator: %w", err)
	}
	select {
	case <-time.After(r.down):
	case <-r.ctx.Done():
	}
	srv, err := emulator.New(r.cfg)
	if err != nil {
		return fmt.Errorf("restart the emulator: %w", err)
	}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	return nil
}

// restartAfterCreates restarts the emulator, down for down, once it has
// answered n CreateKeyPair calls; restarted waits for the restart.
func (r *restartableEmulator) restartAfterCreates(n int, down time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.restartAt, r.down = n, down
}

// restarted waits for the restart and returns its error.
func (r *restartableEmulator) restarted() error {
	select {
	case err := <-r.result:
		return err
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

// The emulator restarts, with its state file, in the middle of an apply:
// the apply completes through retries, and the next plan has nothing to do,
// with no orphan.
func TestAccFaults_emulatorRestart(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("restarts the emulator")
	}
	const n = 30
	// No rate limit: a refusal counts as a call, at moments that timing
	// decides, and the check below counts calls.
	emu := startRestartableEmulator(t, emulator.Config{KeyBits: 1024, StateFile: filepath.Join(t.TempDir(), "state.json")})
	env := newTestEnvAt(t, emu.url)
	config := countedKeyPairsConfig(env, n, "restart")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				// Restart once 10 creates have reached the emulator.
				PreConfig: func() { emu.restartAfterCreates(10, time.Second) },
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return emu.restarted() },
					env.CheckStateMatchesAPI(n),
					func(*terraform.State) error {
						// The restarted emulator counts from zero: some but not
						// all creates reached it, so the apply straddled the
						// restart.
						stats, err := env.Control().Stats(context.Background())
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
				Check: env.CheckStateMatchesAPI(n),
			},
		},
	})
}
