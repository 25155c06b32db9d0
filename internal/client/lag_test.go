package client

import (
	"context"
	"fmt"
	"math"
	"testing"
	"testing/synctest"
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

// A wait for a new key pair, and one for a deleted key pair to go, is a
// sample of its estimate.
func TestClient_waitsAreSamples(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, _ := newBubbleClient(t, emulator.Config{VisibilityLag: 200 * time.Millisecond}, 1000)
		c.settle = defaultSettle
		ctx := context.Background()
		start := time.Now()
		kp, err := c.CreateKeyPair(ctx, "sample", 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n, took := len(c.showLag.samples), time.Since(start); n != 1 || c.showLag.samples[0].lag > took {
			t.Errorf("after a wait of %s: %d samples %+v, want one of at most %s", took, n, c.showLag.samples, took)
		}
		if err := c.DeleteKeyPair(ctx, kp.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(c.goneLag.samples); n != 1 {
			t.Errorf("after a delete: %d samples of deletes, want one", n)
		}
	})
}

// Waits follow the estimate: against an API that shows new key pairs,
// and stops showing deleted ones, 100 ms after the call, a client whose
// estimate is 300 ms reads first after it (less 1/8 for a probe), and
// each wait makes one read. (Read at once, the key pair would not show
// yet: two reads at least.) The test runs on the bubble's clock, which
// the lag and the waits share.
func TestClient_waitsFollowTheEstimate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lag, estimate = 100 * time.Millisecond, 300 * time.Millisecond
		c, ctl := newBubbleClient(t, emulator.Config{VisibilityLag: lag}, 1000)
		c.reads.Window, c.deletes.Window = readBatchWindow, deleteBatchWindow
		c.settle = defaultSettle
		c.showLag.observeLocked(estimate)
		c.goneLag.observeLocked(estimate)
		ctx := context.Background()
		reads := func() int { return stats(t, ctl).Calls["DescribeKeyPairs"] }
		// Probes that find their writes bring the estimate down by 1/8 each
		// wait: after n of them it is still above least, and above the lag.
		const n = 4
		least := time.Duration(float64(estimate) * math.Pow(probeShare, n))

		var ids []string
		for i := range n {
			before, start := reads(), time.Now()
			kp, err := c.CreateKeyPair(ctx, fmt.Sprintf("follow%d", i), 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, took := reads()-before, time.Since(start); got != 1 || took < least {
				t.Errorf("wait %d for a new key pair: %d reads in %s, want one, after %s or more", i, got, took, least)
			}
			ids = append(ids, kp.ID)
		}
		for i, id := range ids {
			before, start := reads(), time.Now()
			if err := c.DeleteKeyPair(ctx, id); err != nil {
				t.Fatal(err)
			}
			if got, took := reads()-before, time.Since(start); got != 1 || took < least {
				t.Errorf("delete %d: %d reads in %s, want one, after %s or more", i, got, took, least)
			}
		}
	})
}
