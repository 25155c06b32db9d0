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
