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
type lagEstimate struct {
	now func() time.Time

	mu      sync.Mutex
	samples []lagSample // oldest first, at most lagSamples
}

type lagSample struct {
	at  time.Time
	lag time.Duration
}

// firstRead is how long a wait that starts now should wait before its
// first read: the least recent lag, 0 when there is none.
func (e *lagEstimate) firstRead() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
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
	return min(least, maxFirstRead)
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
