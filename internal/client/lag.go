package client

import (
	"math"
	"slices"
	"sync"
	"time"
)

// The API shows a new key pair in DescribeKeyPairs, and stops showing a
// deleted one, a moment after the call that made or deleted it answered
// (about a second, in the strict emulator). A wait that reads at once and
// then backs off makes two or three reads per key pair, and holds one of
// Terraform's slots for up to its last delay after the write showed; when
// pipelines share an account, those reads are refused for the rate limit
// as often as the writes. So each client learns how long its writes take
// to show, and a wait reads first when the last ones had shown: one read
// per key pair while the lag holds still.

const (
	// lagSamples is how many recent waits the estimate remembers.
	lagSamples = 8
	// lagMemory is how long a wait's sample counts: an estimate learned
	// in one apply says little about the API a few minutes later.
	lagMemory = 30 * time.Second
	// maxFirstRead bounds the wait before the first read, whatever the
	// samples say.
	maxFirstRead = 2 * time.Second
	// A probe is a wait that reads first at probeShare of the estimate. A
	// wait whose first read finds its write says only that the lag was no
	// longer than the estimate, so without probes the estimate could never
	// fall, and one learned from a wait that backed off is long by up to
	// its last delay. While probes find their writes, the next wait
	// probes again; after one that came too early (a read more), only
	// one wait in probeEvery does.
	probeShare = 7.0 / 8
	probeEvery = 8
)

// lagEstimate learns how long the writes of one kind take to show. Its
// estimate is the least of the recent samples: a sample is when a wait
// first saw its write, which is later than the write showed by up to the
// wait's backoff; the least of them is the closest.
//
// Until it has a sample, waits read at once and back off; the least of
// their samples is the first estimate. (Making the waits that start
// meanwhile wait for the first one's sample saves reads, but its one
// sample is long by up to its last delay, and the slots wait for that
// while the probes bring it down, and the strict bench's apply of 100 was
// slower for it: docs/performance.md, "Numbers", has the figures.)
//
// The probes and the several samples are what a simpler rule lacked: one
// remembered lag, the least that the waits saw and raised when a wait
// read too early, never falls back from a sample that was long by its
// backoff, so that the slots wait longer than the lag. Against the strict
// emulator it made one apply of 100, four pipelines' applies and the
// pipelines' destroys slower, and four pipelines were refused more reads
// (docs/performance.md, "Figures behind the code's choices").
type lagEstimate struct {
	now func() time.Time

	mu      sync.Mutex
	samples []lagSample // oldest first, at most lagSamples
	// follows counts the waits that followed the estimate; the one that
	// makes it nextProbe probes.
	follows, nextProbe int
}

type lagSample struct {
	at  time.Time
	lag time.Duration
}

// lagWait is how one wait follows the estimate.
type lagWait struct {
	// first is how long after its start the wait first reads.
	first time.Duration
	// probe: the first read comes before the estimate.
	probe bool
}

// start returns how a wait that started at began follows the estimate. It
// must be given to end when the wait ends, whatever the outcome.
func (e *lagEstimate) start(began time.Time) lagWait {
	e.mu.Lock()
	defer e.mu.Unlock()
	lag, ok := e.estimateLocked()
	if !ok {
		return lagWait{}
	}
	var w lagWait
	if e.follows++; e.follows >= e.nextProbe {
		w.probe = true
		lag = time.Duration(float64(lag) * probeShare)
		// One probe at a time: the next is scheduled when this one ends.
		e.nextProbe = math.MaxInt
	}
	w.first = max(0, lag-e.clock().Sub(began))
	return w
}

// end takes in how a wait ended: whether it saw its write, in how many
// reads, when its first read left and how long it took in all, all from
// its start.
func (e *lagEstimate) end(w lagWait, saw bool, reads int, firstReadAt, total time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if saw {
		if reads == 1 {
			// The first read saw the write: the lag was at most the time
			// the read left. (The time its answer came would raise the
			// estimate by a read's time at every wait.)
			e.observeLocked(firstReadAt)
		} else {
			// The first read came too early: the lag was longer than the
			// time it left. Samples as short say less than that (a read
			// that took long to reach the API, on a busy machine, saw its
			// write sooner than the lag): they go, or every wait would
			// come too early until they are forgotten.
			e.samples = slices.DeleteFunc(e.samples, func(s lagSample) bool { return s.lag <= firstReadAt })
			e.observeLocked(total)
		}
	}
	if w.probe {
		if saw && reads == 1 {
			e.nextProbe = e.follows + 1
		} else {
			e.nextProbe = e.follows + probeEvery
		}
	}
}

// firstRead is how long a wait that starts now would wait before its
// first read, probes aside: the least recent lag, 0 when there is none.
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

// observeLocked keeps a sample. The caller holds mu.
func (e *lagEstimate) observeLocked(lag time.Duration) {
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
