// Package ratelimit is adaptive client-side rate limiting, after the
// adaptive retry mode of the AWS SDKs: the calls of each action leave
// evenly spaced, at a rate that halves when the API answers
// RequestLimitExceeded and climbs back in a line while it does not, up to
// rate_limit (AIMD, as TCP's congestion avoidance). The API's limit is the
// account's: processes that share an account (pipelines applying several
// workspaces at once) each learn their share from its refusals, instead of
// each sending at the full limit and most calls being refused. A process
// alone is never refused, and runs at rate_limit.
//
// It paces the calls of one action and follows what the caller reports of
// the API's answers; it does not tell refusals apart from other errors,
// retry, or keep one limiter per action: the caller does.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"
)

const (
	// aimdBeta is the share of its rate that an action keeps when the API
	// refuses a call.
	aimdBeta = 0.5
	// aimdClimb is how fast the rate climbs back while the API answers,
	// as a share of rate_limit per second: from half of it back to all of
	// it in a second, so that when the other pipelines are done, the last
	// one takes up the rate they leave at once.
	aimdClimb = 0.5
	// minRate is the lowest rate, in calls per second.
	minRate = 0.5
)

// adaptiveRate is the rate of one action: rate_limit until the API refuses
// a call, then AIMD. It holds no lock and reads no clock: the limiter does
// both.
type adaptiveRate struct {
	max  float64 // rate_limit
	rate float64 // calls per second now

	// The rate the last cut left, and when it took place.
	cutRate float64
	lastCut time.Time
}

func newAdaptiveRate(rateLimit float64) adaptiveRate {
	return adaptiveRate{max: rateLimit, rate: rateLimit}
}

// throttled takes in that the API refused, at now, a call that left at
// sentAt. A refusal of a call that left before the last cut says nothing
// new: it was sent at the rate that the cut already corrected (as TCP
// halves its window once per loss event, not per lost segment).
func (a *adaptiveRate) throttled(now, sentAt time.Time) {
	if sentAt.Before(a.lastCut) {
		return
	}
	a.rate = max(a.rate*aimdBeta, min(a.max, minRate))
	a.cutRate, a.lastCut = a.rate, now
}

// answered takes in that the API answered a call, at now, without
// refusing it: the rate climbs in a line back to rate_limit.
func (a *adaptiveRate) answered(now time.Time) {
	if a.rate < a.max {
		a.rate = min(a.max, a.cutRate+aimdClimb*a.max*now.Sub(a.lastCut).Seconds())
	}
}

// pace is when the calls of one action leave: one at a time, in the order
// they asked, each 1/rate after the one before, as a token bucket of burst
// 1 allows. The rate may change while calls wait: the next departure is
// always reckoned from the last one at the rate of the moment, so that a
// decrease slows the calls already waiting at once (x/time/rate keeps the
// times it gave out before SetLimit).
type pace struct {
	last    time.Time // when the last call left, as scheduled
	started bool
}

// next is when the first waiting call may leave, seen at now.
func (p *pace) next(now time.Time, rate float64) time.Time {
	if !p.started {
		return now
	}
	at := p.last.Add(time.Duration(float64(time.Second) / rate))
	if at.Before(now) {
		// The bucket holds at most one token.
		return now
	}
	return at
}

// Limiter is the rate limiter of one action.
type Limiter struct {
	now func() time.Time

	mu    sync.Mutex
	rate  adaptiveRate
	fixed bool
	pace  pace
	// queue holds the calls that wait, in order; the first one is the
	// next to leave. Its channel closes when it becomes the first.
	queue []chan struct{}
	// changed closes when the rate changes, for the first call to reckon
	// its departure again.
	changed chan struct{}
}

// New returns the limiter of an action at rateLimit; with
// fixed, the rate stays rateLimit whatever the API answers.
func New(rateLimit float64, fixed bool) *Limiter {
	return &Limiter{now: time.Now, rate: newAdaptiveRate(rateLimit), fixed: fixed, changed: make(chan struct{})}
}

// Wait waits for the call's turn and returns when it leaves. It fails when
// ctx ends first, or when its deadline would pass before the turn comes.
func (l *Limiter) Wait(ctx context.Context) (time.Time, error) {
	return l.WaitTelling(ctx, 0, nil)
}

// WaitTelling is Wait that first calls tell, when the call is expected to
// wait at least notice, with that expected wait and the rate: so that a
// caller can say why a call that waits long enough to notice is slow. The
// expectation is Delay's, reckoned under the lock that Wait takes anyway,
// so that a limiter that tells nothing costs nothing more; it may come out
// shorter or longer than the wait when the rate changes meanwhile. tell
// runs on the caller's goroutine, without the limiter's lock.
func (l *Limiter) WaitTelling(ctx context.Context, notice time.Duration, tell func(expected time.Duration, rate float64)) (time.Time, error) {
	l.mu.Lock()
	var expected time.Duration
	rate := l.rate.rate
	if tell != nil {
		expected = l.delayLocked()
	}
	turn := make(chan struct{})
	l.queue = append(l.queue, turn)
	if len(l.queue) == 1 {
		close(turn)
	}
	l.mu.Unlock()
	if tell != nil && expected >= notice && expected > 0 {
		tell(expected, rate)
	}

	select {
	case <-turn:
	case <-ctx.Done():
		l.leaveQueue(turn)
		return time.Time{}, ctx.Err()
	}
	for {
		l.mu.Lock()
		now := l.now()
		at := l.pace.next(now, l.rate.rate)
		if !at.After(now) {
			l.pace.last, l.pace.started = at, true
			l.popFirst()
			l.mu.Unlock()
			return now, nil
		}
		if deadline, ok := ctx.Deadline(); ok && at.After(deadline) {
			l.popFirst()
			l.mu.Unlock()
			return time.Time{}, fmt.Errorf("rate limit: the call would leave after the deadline, in %s", at.Sub(now).Round(time.Millisecond))
		}
		changed := l.changed
		l.mu.Unlock()
		timer := time.NewTimer(at.Sub(now))
		select {
		case <-timer.C:
		case <-changed:
			timer.Stop()
		case <-ctx.Done():
			timer.Stop()
			l.mu.Lock()
			l.popFirst()
			l.mu.Unlock()
			return time.Time{}, ctx.Err()
		}
	}
}

// popFirst removes the first call of the queue and gives the turn to the
// next. The caller holds mu.
func (l *Limiter) popFirst() {
	l.queue = l.queue[1:]
	if len(l.queue) > 0 {
		close(l.queue[0])
	}
}

// leaveQueue removes a call whose context ended before its turn came;
// when its turn came meanwhile, it passes it on.
func (l *Limiter) leaveQueue(turn chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, c := range l.queue {
		if c != turn {
			continue
		}
		if i == 0 {
			l.popFirst()
			return
		}
		l.queue = append(l.queue[:i], l.queue[i+1:]...)
		return
	}
}

// Delay is how long a call that asked now would wait.
func (l *Limiter) Delay() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.delayLocked()
}

// delayLocked is Delay; the caller holds mu.
func (l *Limiter) delayLocked() time.Duration {
	now := l.now()
	at := l.pace.next(now, l.rate.rate)
	// Each call already waiting leaves first.
	at = at.Add(time.Duration(float64(len(l.queue)) * float64(time.Second) / l.rate.rate))
	return at.Sub(now)
}

// Throttled tells the limiter that the API refused the call that left at
// sentAt for the rate limit.
func (l *Limiter) Throttled(sentAt time.Time) {
	l.update(func(now time.Time) { l.rate.throttled(now, sentAt) })
}

// Answered tells the limiter that the API answered a call without
// refusing it.
func (l *Limiter) Answered() {
	l.update(l.rate.answered)
}

func (l *Limiter) update(f func(now time.Time)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fixed {
		return
	}
	before := l.rate.rate
	f(l.now())
	if l.rate.rate != before {
		close(l.changed)
		l.changed = make(chan struct{})
	}
}

// Rate is the current rate, in calls per second.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate.rate
}
