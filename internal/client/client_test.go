package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

const testRegion = "ap-guangzhou"

// newTestClient starts an emulator and returns a client for it, with fast
// retries, and the emulator's control API.
func newTestClient(t *testing.T, cfg emulator.Config, rateLimit float64) (*Client, emulator.ControlClient) {
	t.Helper()
	if cfg.KeyBits == 0 {
		cfg.KeyBits = 1024
	}
	if cfg.FirstKeyID == 0 {
		// Fixed ids: faults keyed by ids replay under their seed, so that
		// each test sees the same faults on every run.
		cfg.FirstKeyID = 1
	}
	_, url := emulator.NewTestServer(t, cfg)
	return clientAt(t, url, rateLimit), emulator.ControlClient{URL: url}
}

// newBubbleClient is newTestClient for a test that runs inside
// synctest.Test: the client and the emulator talk over an in-memory
// network, so that every window, wait, rate limit and lag runs on the
// bubble's clock, which moves only when every goroutine waits. Counts that
// depend on callers arriving within a window, and times, are then exact,
// however busy the machine.
func newBubbleClient(t *testing.T, cfg emulator.Config, rateLimit float64) (*Client, emulator.ControlClient) {
	t.Helper()
	if cfg.KeyBits == 0 {
		cfg.KeyBits = 1024
	}
	if cfg.FirstKeyID == 0 {
		cfg.FirstKeyID = 1
	}
	_, url, dial := emulator.NewMemTestServer(t, cfg)
	c := clientAt(t, url, rateLimit)
	overMem(t, c, dial)
	ctlTransport := &http.Transport{DialContext: dial}
	t.Cleanup(ctlTransport.CloseIdleConnections)
	return c, emulator.ControlClient{URL: url, HTTPClient: &http.Client{Transport: ctlTransport}}
}

// overMem makes c reach the emulator of NewMemTestServer through dial.
func overMem(t *testing.T, c *Client, dial func(ctx context.Context, network, addr string) (net.Conn, error)) {
	c.transport.DialContext = dial
	t.Cleanup(c.transport.CloseIdleConnections)
}

// clientAt is a client of the emulator at url, with fast retries: another
// workspace's, when a test has one already.
func clientAt(t *testing.T, url string, rateLimit float64) *Client {
	t.Helper()
	c, err := New(Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey,
		Region: testRegion, Endpoint: url, RateLimit: rateLimit, MaxRetries: DefaultMaxRetries,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = 10 * time.Millisecond
	c.settle = 500 * time.Millisecond
	// Generous windows: under the race detector on a busy machine, callers
	// that start together may arrive far apart.
	c.reads.Window, c.deletes.Window = 200*time.Millisecond, 200*time.Millisecond
	c.reads.MaxWait, c.deletes.MaxWait = 2*time.Second, 2*time.Second
	return c
}

func stats(t *testing.T, ctl emulator.ControlClient) emulator.Stats {
	t.Helper()
	s, err := ctl.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func createN(t *testing.T, c *Client, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kp, err := c.CreateKeyPair(context.Background(), fmt.Sprintf("k%d", i), 0, nil)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = kp.ID
		}()
	}
	wg.Wait()
	return ids
}

// At the API's limit, many concurrent callers are spaced so that the
// server throttles none of them.
func TestClient_rateLimiterStaysUnderTheLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 10}, 10)
		createN(t, c, 25)
		s := stats(t, ctl)
		if s.Calls["CreateKeyPair"] != 25 || s.Throttled["CreateKeyPair"] != 0 {
			t.Errorf("calls %d, throttled %d; want 25 and 0", s.Calls["CreateKeyPair"], s.Throttled["CreateKeyPair"])
		}
	})
}

// Above the API's limit, the server throttles and the client retries
// until every call went through.
func TestClient_retriesThrottledCalls(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 10}, 1000)
		c.retryBase = 200 * time.Millisecond // the default: enough to outwait 4 s of refusals
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.ListKeyPairs(context.Background(), nil); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		s := stats(t, ctl)
		if s.Throttled["DescribeKeyPairs"] == 0 {
			t.Fatal("no call was throttled: the test does not exercise retries")
		}
		if s.Calls["DescribeKeyPairs"] != 40+s.Throttled["DescribeKeyPairs"] {
			t.Errorf("calls %d, throttled %d: each refusal should cost exactly one more call", s.Calls["DescribeKeyPairs"], s.Throttled["DescribeKeyPairs"])
		}
	})
}

// Server faults are retried for calls that are safe to repeat. A create is
// never sent again blindly: only after a lookup by name found that the
// failed call made nothing.
func TestClient_retriesInternalErrorsOnlyWhenSafe(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	ctx := context.Background()
	kp, err := c.CreateKeyPair(ctx, "before", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{Seed: 7, Rules: []emulator.FaultRule{{Action: "*", InternalError: 0.5}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		name := fmt.Sprintf("renamed%d", i)
		if err := c.ModifyKeyPair(ctx, kp.ID, &name, nil); err != nil {
			t.Fatalf("modify with retries: %v", err)
		}
	}
	if s := stats(t, ctl); s.Faults["ModifyKeyPairAttribute"] == 0 {
		t.Error("no modify call failed: the test does not exercise retries")
	}

	if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "CreateKeyPair", InternalError: 1}}}); err != nil {
		t.Fatal(err)
	}
	before := stats(t, ctl)
	if _, err := c.CreateKeyPair(ctx, "after", 0, nil); code(err) != "InternalError" {
		t.Fatalf("create: %v, want InternalError", err)
	}
	after := stats(t, ctl)
	creates := after.Calls["CreateKeyPair"] - before.Calls["CreateKeyPair"]
	lookups := after.Calls["DescribeKeyPairs"] - before.Calls["DescribeKeyPairs"]
	// Every lost answer is looked up (for as long as a new key pair may
	// take to show), the last one's too: what it made must not stay behind.
	if creates != c.maxRetries+1 || lookups < c.maxRetries+1 {
		t.Errorf("%d creates and %d lookups, want %d creates and a lookup after each", creates, lookups, c.maxRetries+1)
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	if kp, err := c.FindKeyPairByName(ctx, "after"); err == nil {
		t.Errorf("a failed create left key pair %s behind", kp.ID)
	}
}

// Retries end with the context.
func TestClient_retriesEndWithTheContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 0}, 1000)
		c.maxRetries = 1000
		ctx := context.Background()
		if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "*", Throttle: 1}}}); err != nil {
			t.Fatal(err)
		}
		const deadline = 300 * time.Millisecond
		ctx, cancel := context.WithTimeout(ctx, deadline)
		defer cancel()
		start := time.Now()
		_, err := c.ListKeyPairs(ctx, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want the deadline", err)
		}
		if elapsed := time.Since(start); elapsed > deadline {
			t.Errorf("retries went on for %v, past the deadline of %v", elapsed, deadline)
		}
	})
}

// Concurrent deletes share DeleteKeyPairs calls of up to 100 ids.
func TestClient_coalescesDeletes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 0, Quota: 200}, 1000)
		ids := createN(t, c, 150)
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.DeleteKeyPair(context.Background(), id); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := stats(t, ctl).Calls["DeleteKeyPairs"]; got != 2 {
			t.Errorf("150 concurrent deletes took %d DeleteKeyPairs calls, want 2", got)
		}
		left, err := c.ListKeyPairs(context.Background(), nil)
		if err != nil || len(left) != 0 {
			t.Errorf("%d key pairs left (%v), want none", len(left), err)
		}
	})
}

// A delete batch fails as a whole when one key pair is in use; each delete
// then goes alone, and only the one in use fails.
func TestClient_failedDeleteBatchFallsBack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 0}, 1000)
		ctx := context.Background()
		ids := createN(t, c, 5)
		if err := ctl.SetInstance(ctx, emulator.Instance{InstanceID: "ins-abcdefgh", Region: testRegion, State: "STOPPED", OsType: "LINUX"}); err != nil {
			t.Fatal(err)
		}
		if err := c.AssociateInstances(ctx, ids[:1], []string{"ins-abcdefgh"}, false); err != nil {
			t.Fatal(err)
		}
		errs := make([]error, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = c.DeleteKeyPair(ctx, id)
			}()
		}
		wg.Wait()
		var inUse *InUseError
		if !errors.As(errs[0], &inUse) || !slices.Equal(inUse.InstanceIDs, []string{"ins-abcdefgh"}) {
			t.Errorf("delete of the bound key pair: %v, want an InUseError naming ins-abcdefgh", errs[0])
		}
		for i, err := range errs[1:] {
			if err != nil {
				t.Errorf("delete %d: %v", i+1, err)
			}
		}
		if got := stats(t, ctl).Calls["DeleteKeyPairs"]; got != 1+len(ids) {
			t.Errorf("%d DeleteKeyPairs calls, want 1 batch and %d singles", got, len(ids))
		}
	})
}

// Reads of a whole region share one listing; a write makes reads go by id,
// batched.
func TestClient_coalescesReads(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{RateLimit: 0}, 1000)
		ids := createN(t, c, 60)
		// The creates were writes: reads now go by id, in batches.
		readAll := func(c *Client) {
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					kp, err := c.DescribeKeyPair(context.Background(), id)
					if err != nil || kp.ID != id {
						t.Errorf("read %s: %v", id, err)
					}
				}()
			}
			wg.Wait()
		}
		before := stats(t, ctl).Calls["DescribeKeyPairs"]
		readAll(c)
		if got := stats(t, ctl).Calls["DescribeKeyPairs"] - before; got != 1 {
			t.Errorf("60 concurrent reads after a write took %d calls, want 1 batch", got)
		}

		// A fresh client, as in a new terraform plan, lists the region once.
		fresh, err := New(Config{SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: testRegion, Endpoint: ctl.URL, RateLimit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		overMem(t, fresh, c.transport.DialContext)
		fresh.reads.Window, fresh.reads.MaxWait = 200*time.Millisecond, 2*time.Second
		before = stats(t, ctl).Calls["DescribeKeyPairs"]
		readAll(fresh)
		readAll(fresh)
		if got := stats(t, ctl).Calls["DescribeKeyPairs"] - before; got != 1 {
			t.Errorf("two rounds of 60 reads took %d calls, want 1 listing", got)
		}

		// A key pair missing from the listing is confirmed gone by a call of
		// its own.
		before = stats(t, ctl).Calls["DescribeKeyPairs"]
		var notFound *NotFoundError
		if _, err := fresh.DescribeKeyPair(context.Background(), "skey-00000000"); !errors.As(err, &notFound) {
			t.Errorf("read of an unknown id: %v, want NotFoundError", err)
		}
		if got := stats(t, ctl).Calls["DescribeKeyPairs"] - before; got != 1 {
			t.Errorf("confirming a missing key pair took %d calls, want 1", got)
		}
	})
}

// Creates whose answers are lost (connections dropped after the server
// committed, server faults) still succeed, each with a private key that
// matches its public key, and leave no orphan behind.
func TestClient_createSurvivesLostAnswers(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	ctx := context.Background()
	err := ctl.SetFaults(ctx, emulator.Faults{Seed: 3, Rules: []emulator.FaultRule{
		{Action: "CreateKeyPair", DropAfterCommit: 0.4, InternalError: 0.2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{}
	for i := range 20 {
		kp, err := c.CreateKeyPair(ctx, fmt.Sprintf("lost%d", i), 0, map[string]string{"n": fmt.Sprint(i)})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if err := sshkey.CheckPrivateKey(kp.PrivateKey, kp.PublicKey); err != nil {
			t.Errorf("create %d: %v", i, err)
		}
		made[kp.ID] = true
	}
	s := stats(t, ctl)
	if s.Faults["CreateKeyPair"] == 0 {
		t.Fatal("no fault was injected: the test does not exercise recovery")
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	all, err := c.ListKeyPairs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kp := range all {
		if !made[kp.ID] {
			t.Errorf("orphan key pair %s (%s) left behind", kp.ID, kp.Name)
		}
	}
	if len(all) != len(made) {
		t.Errorf("%d key pairs in the region, %d made", len(all), len(made))
	}
	t.Logf("20 creates, %d CreateKeyPair calls, %d faults", s.Calls["CreateKeyPair"], s.Faults["CreateKeyPair"])
}

// A lost answer to a create never deletes a key pair that another owner
// holds: the name's holder, with other tags, is reported and left alone.
func TestClient_lostCreateLeavesOthersAlone(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	ctx := context.Background()
	other, err := c.CreateKeyPair(ctx, "taken", 0, map[string]string{"owner": "someone else"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "CreateKeyPair", InternalError: 1}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateKeyPair(ctx, "taken", 0, nil)
	var dup *DuplicateNameError
	if !errors.As(err, &dup) || dup.HolderID != other.ID {
		t.Fatalf("err %v, want a DuplicateNameError naming %s", err, other.ID)
	}
	if _, err := c.DescribeKeyPair(ctx, other.ID); err != nil {
		t.Errorf("the other owner's key pair: %v", err)
	}
}

// An import whose answer is lost adopts the key pair it made.
func TestClient_importSurvivesLostAnswers(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	ctx := context.Background()
	if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "ImportKeyPair", DropAfterCommit: 1}}}); err != nil {
		t.Fatal(err)
	}
	pub, _, err := acctest.RandSSHKeyPair("me@host")
	if err != nil {
		t.Fatal(err)
	}
	imported, err := c.ImportKeyPair(ctx, "imported", 0, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := c.DescribeKeyPair(ctx, imported.ID)
	if err != nil || !sshkey.Same(kp.PublicKey, pub) {
		t.Fatalf("adopted key pair %+v, %v", kp, err)
	}
	if s := stats(t, ctl); s.Calls["ImportKeyPair"] != 1 {
		t.Errorf("%d ImportKeyPair calls, want 1: the committed import is adopted, not sent again", s.Calls["ImportKeyPair"])
	}
}

// A change whose answer is lost, with no retry left, is read back: made,
// it is success; not made, the error stands.
func TestClient_updatesConvergeOnLostAnswers(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	c.maxRetries = 0
	ctx := context.Background()
	kp, err := c.CreateKeyPair(ctx, "converge", 0, map[string]string{"old": "x"})
	if err != nil {
		t.Fatal(err)
	}
	dropAll := emulator.Faults{Rules: []emulator.FaultRule{
		{Action: "ModifyKeyPairAttribute", DropAfterCommit: 1},
		{Action: "ModifyResourceTags", DropAfterCommit: 1},
	}}
	if err := ctl.SetFaults(ctx, dropAll); err != nil {
		t.Fatal(err)
	}
	name, desc := "converged", "made though unanswered"
	if err := c.ModifyKeyPair(ctx, kp.ID, &name, &desc); err != nil {
		t.Errorf("rename whose answer was lost: %v", err)
	}
	if err := c.ModifyTags(ctx, kp.ID, map[string]string{"new": "y"}, []string{"old"}); err != nil {
		t.Errorf("tag change whose answer was lost: %v", err)
	}
	if s := stats(t, ctl); s.Faults["ModifyKeyPairAttribute"] != 1 || s.Faults["ModifyResourceTags"] != 1 {
		t.Fatalf("faults %v: the test does not exercise lost answers", s.Faults)
	}

	failAll := emulator.Faults{Rules: []emulator.FaultRule{{Action: "ModifyKeyPairAttribute", InternalError: 1}}}
	if err := ctl.SetFaults(ctx, failAll); err != nil {
		t.Fatal(err)
	}
	other := "never"
	if err := c.ModifyKeyPair(ctx, kp.ID, &other, nil); code(err) != "InternalError" {
		t.Errorf("rename that was not made: %v, want InternalError", err)
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeKeyPair(ctx, kp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Description != desc || !maps.Equal(got.Tags, map[string]string{"new": "y"}) {
		t.Errorf("key pair %+v, want the converged name, description and tags", got)
	}
}

// Two workspaces create the same name with the same tags; the answer to
// the second one's create (the API's refusal) is lost. Its lookup finds the
// first one's key pair, which does not carry its create token: it must be
// left alone, and the second create fails naming it.
func TestClient_lostCreateNeverTakesAnotherWorkspacesKeyPair(t *testing.T) {
	t.Parallel()
	a, ctl := newTestClient(t, emulator.Config{RateLimit: 0}, 1000)
	ctx := context.Background()
	tags := map[string]string{"team": "platform"}
	first, err := a.CreateKeyPair(ctx, "shared", 0, tags)
	if err != nil {
		t.Fatal(err)
	}
	b := clientAt(t, ctl.URL, 1000)
	if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "CreateKeyPair", DropAfterCommit: 1}}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.CreateKeyPair(ctx, "shared", 0, tags)
	var dup *DuplicateNameError
	if !errors.As(err, &dup) || dup.HolderID != first.ID {
		t.Fatalf("second create: %v, want a DuplicateNameError naming %s", err, first.ID)
	}
	if err := ctl.SetFaults(ctx, emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DescribeKeyPair(ctx, first.ID); err != nil {
		t.Errorf("the first workspace's key pair: %v", err)
	}
}
