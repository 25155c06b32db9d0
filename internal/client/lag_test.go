package client

import (
	"context"
	"fmt"
	"math"
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
	e.observeLocked(1200 * time.Millisecond)
	e.observeLocked(1050 * time.Millisecond)
	e.observeLocked(1300 * time.Millisecond)
	if got := e.firstRead(); got != 1050*time.Millisecond {
		t.Errorf("first read after %s, want the least sample, 1.05s", got)
	}

	// The least sample falls out once lagSamples newer ones came.
	for range lagSamples - 2 {
		e.observeLocked(1100 * time.Millisecond)
	}
	if got := e.firstRead(); got != 1050*time.Millisecond {
		t.Errorf("with %d samples: first read after %s, want 1.05s", lagSamples, got)
	}
	e.observeLocked(1100 * time.Millisecond)
	if got := e.firstRead(); got != 1100*time.Millisecond {
		t.Errorf("after the 1.05s sample fell out: first read after %s, want 1.1s", got)
	}

	// Old samples say nothing.
	now = now.Add(lagMemory)
	if got := e.firstRead(); got != 0 {
		t.Errorf("after %s without samples: first read after %s, want at once", lagMemory, got)
	}

	e.observeLocked(time.Minute)
	if got := e.firstRead(); got != maxFirstRead {
		t.Errorf("after a sample of a minute: first read after %s, want the cap %s", got, maxFirstRead)
	}
}

// The first wait that follows the estimate probes: it reads first a
// little before it. While probes find their writes at once, the estimate
// falls and the next wait probes again; after a probe that came too
// early, only one wait in probeEvery does. One probe at a time.
func TestLagEstimate_probes(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &lagEstimate{now: func() time.Time { return now }}
	start := func() lagWait { return e.start(now) }
	if w := start(); w.first != 0 || w.probe {
		t.Fatalf("a wait without an estimate: %+v, want to read at once", w)
	}
	e.observeLocked(1600 * time.Millisecond)

	probe := start()
	if !probe.probe || probe.first != 1400*time.Millisecond {
		t.Fatalf("the first wait: %+v, want a probe at 1.4s", probe)
	}
	if w := start(); w.probe || w.first != 1600*time.Millisecond {
		t.Errorf("a wait while a probe is out: %+v, want the estimate, 1.6s", w)
	}
	// The probe's read found its write.
	e.end(probe, true, 1, probe.first, probe.first+5*time.Millisecond)
	if got := e.firstRead(); got != 1400*time.Millisecond {
		t.Errorf("after the probe found its write at 1.4s, the estimate is %s", got)
	}
	probe = start()
	if !probe.probe || probe.first != 1225*time.Millisecond {
		t.Fatalf("the wait after a probe that found its write: %+v, want a probe at 1.225s", probe)
	}
	// This one came too early: its second read found the write.
	e.end(probe, true, 2, probe.first, 1300*time.Millisecond)
	if got := e.firstRead(); got != 1300*time.Millisecond {
		t.Errorf("after the probe's second read found its write at 1.3s, the estimate is %s", got)
	}
	for i := 1; i < probeEvery; i++ {
		if w := start(); w.probe {
			t.Fatalf("wait %d after a probe that came too early probes", i)
		}
	}
	if w := start(); !w.probe {
		t.Errorf("wait %d after a probe that came too early does not probe", probeEvery)
	}
}

// A wait whose first read, at the estimate, came too early drops the
// samples that were as short: the lag is longer than they say.
func TestLagEstimate_earlyReadRaisesTheEstimate(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &lagEstimate{now: func() time.Time { return now }, nextProbe: math.MaxInt}
	for _, lag := range []time.Duration{1200 * time.Millisecond, 900 * time.Millisecond, 1100 * time.Millisecond} {
		e.observeLocked(lag)
	}
	w := e.start(now)
	if w.probe || w.first != 900*time.Millisecond {
		t.Fatalf("a wait: %+v, want to read first after the estimate, 0.9s", w)
	}
	// Its first read, at 0.9 s, did not find the write; the next, at
	// 1.15 s, did.
	e.end(w, true, 2, w.first, 1150*time.Millisecond)
	if got := e.firstRead(); got != 1100*time.Millisecond {
		t.Errorf("after a read at 0.9s came too early, the estimate is %s, want 1.1s (the 0.9s sample dropped)", got)
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
	// Without the estimate, n waits make 2n reads at least. With it, a
	// wait makes one read, but for probes that come too early (one, and
	// one in probeEvery after it) and reads that come early when a read
	// that taught the estimate took long to reach the API (a busy
	// machine): a few.
	const n = 8
	const most = n + n/2

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
	got := reads() - before
	t.Logf("%d waits for new key pairs made %d reads", n, got)
	if got > most {
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
	got = reads() - before
	t.Logf("%d deletes made %d reads", n, got)
	if got > most {
		t.Errorf("%d deletes made %d reads, want at most %d", n, got, most)
	}
}
