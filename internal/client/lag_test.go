package client

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The estimate is the least recent sample, forgets samples after
// lagMemory and beyond lagSamples, and never waits more than maxFirstRead.
func TestLagEstimate(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &lagEstimate{now: func() time.Time { return now }}
	if got := e.firstRead(); got != 0 {
		t.Fatalf("no samples: first read after %s, want at once", got)
	}
	e.observe(1200 * time.Millisecond)
	e.observe(1050 * time.Millisecond)
	e.observe(1300 * time.Millisecond)
	if got := e.firstRead(); got != 1050*time.Millisecond {
		t.Errorf("first read after %s, want the least sample, 1.05s", got)
	}

	// The least sample falls out once lagSamples newer ones came.
	for range lagSamples - 2 {
		e.observe(1100 * time.Millisecond)
	}
	if got := e.firstRead(); got != 1050*time.Millisecond {
		t.Errorf("with %d samples: first read after %s, want 1.05s", lagSamples, got)
	}
	e.observe(1100 * time.Millisecond)
	if got := e.firstRead(); got != 1100*time.Millisecond {
		t.Errorf("after the 1.05s sample fell out: first read after %s, want 1.1s", got)
	}

	// Old samples say nothing.
	now = now.Add(lagMemory)
	if got := e.firstRead(); got != 0 {
		t.Errorf("after %s without samples: first read after %s, want at once", lagMemory, got)
	}

	e.observe(time.Minute)
	if got := e.firstRead(); got != maxFirstRead {
		t.Errorf("after a sample of a minute: first read after %s, want the cap %s", got, maxFirstRead)
	}
}

// Until there is a sample, one wait learns and the others wait for its
// sample; a learning that ends without one hands the role on; nobody
// waits for another's learning longer than maxFirstRead.
func TestLagEstimate_oneWaitLearns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := &lagEstimate{}
	began := time.Now()
	if first, learn, err := e.start(ctx, began); err != nil || !learn || first != 0 {
		t.Fatalf("the first wait: first read after %s, learn %v, err %v; want at once, learning", first, learn, err)
	}
	type result struct {
		first time.Duration
		learn bool
	}
	followers := make(chan result, 2)
	for range 2 {
		go func() {
			first, learn, err := e.start(ctx, began)
			if err != nil {
				t.Error(err)
			}
			followers <- result{first, learn}
		}()
	}
	select {
	case r := <-followers:
		t.Fatalf("a wait went ahead (%+v) while another learned", r)
	case <-time.After(100 * time.Millisecond):
	}
	e.observe(time.Second)
	e.done()
	for range 2 {
		r := <-followers
		if r.learn || r.first <= 0 || r.first > time.Second {
			t.Errorf("a wait after the learning: first read after %s, learn %v; want the rest of 1s, not learning", r.first, r.learn)
		}
	}

	// A learning that ends without a sample hands the role on.
	e = &lagEstimate{}
	if _, learn, _ := e.start(ctx, time.Now()); !learn {
		t.Fatal("the first wait does not learn")
	}
	next := make(chan bool, 1)
	go func() {
		_, learn, _ := e.start(ctx, time.Now())
		next <- learn
	}()
	e.done()
	if !<-next {
		t.Error("after a learning without a sample, the next wait does not learn")
	}

	// A learning that takes too long is not waited for beyond
	// maxFirstRead.
	waitStart := time.Now()
	first, learn, err := e.start(ctx, waitStart)
	if err != nil || learn || first != 0 {
		t.Errorf("while a learning goes on: first read after %s, learn %v, err %v; want at once, not learning", first, learn, err)
	}
	if waited := time.Since(waitStart); waited < maxFirstRead {
		t.Errorf("gave up on the learning after %s, want %s", waited, maxFirstRead)
	}
}

// Against an API that shows new key pairs, and stops showing deleted
// ones, a second after the call: once the client has seen it, each wait
// makes about one read, instead of reading at once and backing off (two
// reads at least: the read at once does not find the change).
func TestClient_waitsLearnTheLag(t *testing.T) {
	t.Parallel()
	const lag = time.Second
	c, ctl := newTestClient(t, emulator.Config{VisibilityLag: lag}, 1000)
	// Reads leave at once, and a delete is given the time to show, as in
	// production, not the long windows and short settle time that other
	// tests need.
	c.reads.window, c.deletes.window = readBatchWindow, deleteBatchWindow
	c.settle = defaultSettle
	ctx := context.Background()
	reads := func() int { return stats(t, ctl).Calls["DescribeKeyPairs"] }
	// The estimate is learned from when answers arrive, a few
	// milliseconds after the API saw the read: a read may come that much
	// early and cost one more. Without the estimate, n waits make 2n
	// reads at least.
	const n = 4
	const most = n + 2

	var ids []string
	create := func(i int) {
		kp, err := c.CreateKeyPair(ctx, fmt.Sprintf("lag%d", i), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitForNewKeyPair(ctx, kp.ID, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, kp.ID)
	}
	create(0)
	// One sample is when the wait's backoff first found the key pair:
	// the lag or later.
	if got := c.showLag.firstRead(); got < lag/2 {
		t.Fatalf("after one wait, new key pairs are first read after %s; want %s or later", got, lag)
	}
	before := reads()
	for i := 1; i <= n; i++ {
		create(i)
	}
	if got := reads() - before; got > most {
		t.Errorf("%d waits for new key pairs made %d reads, want at most %d", n, got, most)
	}

	if err := c.DeleteKeyPair(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := c.goneLag.firstRead(); got < lag/2 {
		t.Fatalf("after one delete, deleted key pairs are first read after %s; want %s or later", got, lag)
	}
	before = reads()
	for _, id := range ids[1:] {
		if err := c.DeleteKeyPair(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if got := reads() - before; got > most {
		t.Errorf("%d deletes made %d reads, want at most %d", n, got, most)
	}
}
