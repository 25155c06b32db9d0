package client

import (
	"context"
	"sync"
	"time"
)

// The API shows a new key pair in DescribeKeyPairs, and stops showing a
// deleted one, a moment after the call that made or deleted it answered
// (about a second, in the strict emulator). A wait that reads at once and
// then backs off makes two or three reads per key pair; when pipelines
// share an account, those reads are refused for the rate limit as often as
// the writes. So each client learns how long its writes take to show, and
// a wait reads first when the last ones had shown: one read per key pair
// while the lag holds still.

const (
	// lagSamples is how many recent waits the estimate remembers.
	lagSamples = 8
	// lagMemory is how long a wait's sample counts: an estimate learned
	// in one apply says little about the API a few minutes later.
	lagMemory = 30 * time.Second
	// maxFirstRead bounds the wait before the first read, whatever the
	// samples say.
	maxFirstRead = 2 * time.Second
)

// lagEstimate learns how long the writes of one kind take to show. Its
// estimate is the least of the recent samples: a sample is when a wait
// first saw its write, which is later than the write showed by up to the
// wait's backoff; the least of them is the closest.
//
// Until it has a sample, one wait learns: it reads at once and backs off,
// and the waits that start meanwhile wait for its sample instead of each
// reading at once and backing off too (Terraform starts ten creates at
// once; their reads would be refused for the rate limit).
type lagEstimate struct {
	now func() time.Time

	mu      sync.Mutex
	samples []lagSample // oldest first, at most lagSamples
	// learning is open while a wait learns the lag, and closes when it
	// ends, with a sample or without.
	learning chan struct{}
}

type lagSample struct {
	at  time.Time
	lag time.Duration
}

// start is how long after began a wait should first read. A wait that
// gets learn = true learns the lag: it reads at once, and must call done
// when it ends, whatever the outcome, after observe if it succeeded. A
// wait does not wait for another's learning longer than maxFirstRead: a
// write that never shows (a key pair that a partial delete left) must not
// hold the others up.
func (e *lagEstimate) start(ctx context.Context, began time.Time) (first time.Duration, learn bool, err error) {
	for {
		e.mu.Lock()
		waited := e.clock().Sub(began)
		if lag, ok := e.estimateLocked(); ok {
			e.mu.Unlock()
			return max(0, lag-waited), false, nil
		}
		if e.learning == nil {
			e.learning = make(chan struct{})
			e.mu.Unlock()
			return 0, true, nil
		}
		learning := e.learning
		e.mu.Unlock()
		if waited >= maxFirstRead {
			return 0, false, nil
		}
		timer := time.NewTimer(maxFirstRead - waited)
		select {
		case <-learning:
			timer.Stop()
		case <-timer.C:
			return 0, false, nil
		case <-ctx.Done():
			timer.Stop()
			return 0, false, ctx.Err()
		}
	}
}

// done ends the learning of a wait that start chose to learn.
func (e *lagEstimate) done() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.learning != nil {
		close(e.learning)
		e.learning = nil
	}
}

// firstRead is how long a wait that starts now should wait before its
// first read: the least recent lag, 0 when there is none.
func (e *lagEstimate) firstRead() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	lag, _ := e.estimateLocked()
	return lag
}

// estimateLocked is the least recent sample, at most maxFirstRead, and
// whether there is one. The caller holds mu.
func (e *lagEstimate) estimateLocked() (time.Duration, bool) {
	now := e.clock()
	var least time.Duration
	found := false
	for _, s := range e.samples {
		if now.Sub(s.at) >= lagMemory {
			continue
		}
		if !found || s.lag < least {
			least, found = s.lag, true
		}
	}
	return min(least, maxFirstRead), found
}

// observe takes in a wait that first saw its write lag after it started.
// A wait whose first read, after firstRead, saw the write learns only
// that the lag was at most that: it gives firstRead as its sample, so that
// the estimate does not creep up by each read's own time.
func (e *lagEstimate) observe(lag time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.samples = append(e.samples, lagSample{at: e.clock(), lag: lag})
	if len(e.samples) > lagSamples {
		e.samples = e.samples[len(e.samples)-lagSamples:]
	}
}

func (e *lagEstimate) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
