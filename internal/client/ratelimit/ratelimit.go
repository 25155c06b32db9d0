// Package ratelimit is adaptive client-side rate limiting, after the
// adaptive retry mode of the AWS SDKs: the calls of each action leave
// evenly spaced, at a rate that falls when the API answers
// RequestLimitExceeded and climbs back, along a CUBIC curve (the
// congestion control of Linux's TCP), while it does not, up to rate_limit. The API's limit is the account's: processes that share
// an account (pipelines applying several workspaces at once) each learn
// their share from its refusals, instead of each sending at the full limit
// and most calls being refused. A process alone is never refused, and runs
// at rate_limit.
//
// It paces the calls of one action and follows what the caller reports of
// the API's answers; it does not tell refusals apart from other errors,
// retry, or keep one limiter per action: the caller does.
package ratelimit

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

const (
	// cubicBeta is the share of its rate that an action keeps when the API
	// refuses a call. The AWS SDKs keep 0.7; the processes that share a
	// key pair account are few and their jobs short, and a deeper cut
	// finds a process's share in fewer refusals (make bench: 4 and 8
	// pipelines at once).
	cubicBeta = 0.6
	// cubicScale is CUBIC's C, relative to rate_limit: 1.6 calls/s per s³
	// at the default 10/s, four times the AWS SDKs' 0.4. A pipeline's
	// calls last seconds here, not hours: when the other pipelines are
	// done, the last one must take up the rate they leave within a second
	// or two, not four (the README's "Numbers" has the figures of
	// TestAdaptiveRate_sharedAccount's simulation). After a cut, the curve
	// is back at the rate W of the
	// refusal in K = cbrt(W(1-β)/C) seconds (1.4 s for a refusal at 10/s,
	// 0.9 s at 3/s), stays near it a while, then probes above it ever
	// faster.
	cubicScale = 0.16
	// minRate is the lowest rate, in calls per second.
	minRate = 0.5
	// grantWindow is how far back the share of calls the API accepts is
	// reckoned, and grantSamples how many answers it takes at least.
	grantWindow  = time.Second
	grantSamples = 4
)

// adaptiveRate is the rate of one action: rate_limit until the API refuses
// a call, then CUBIC. It holds no lock and reads no clock: the limiter does
// both.
type adaptiveRate struct {
	max  float64 // rate_limit
	rate float64 // calls per second now

	// Since the last cut: the rate the curve comes back to (CUBIC's
	// W_max), when the cut took place, and K, the seconds after it when
	// the curve is back at wMax. adapting is false while the rate is max.
	adapting bool
	wMax, k  float64
	lastCut  time.Time

	// answers are the API's answers of the last grantWindow, oldest
	// first: whether it accepted the call, and when.
	answers []answer
}

type answer struct {
	at       time.Time
	accepted bool
}

func newAdaptiveRate(rateLimit float64) adaptiveRate {
	return adaptiveRate{max: rateLimit, rate: rateLimit}
}

// throttled takes in that the API refused, at now, a call that left at
// sentAt. A refusal of a call that left before the last cut says nothing
// new: it was sent at the rate that the cut already corrected (as TCP
// halves its window once per loss event, not per lost segment). The cut
// keeps cubicBeta of the rate, or less: the share of the last second's
// calls that the API accepted, when it has answered enough of them to
// tell. Processes that start together at the full rate (8 of them send
// 80 calls a second to a limit of 10) then learn their share in one or two
// refusals each instead of four or five.
func (a *adaptiveRate) throttled(now, sentAt time.Time) {
	a.record(now, false)
	if a.adapting && sentAt.Before(a.lastCut) {
		return
	}
	cut := a.rate * cubicBeta
	if accepted, ok := a.accepted(); ok {
		cut = min(cut, a.rate*accepted)
	}
	cut = max(cut, min(a.max, minRate))
	a.adapting = true
	// The curve comes back to where a cut by cubicBeta to this rate
	// would have come from.
	a.wMax = cut / cubicBeta
	a.lastCut = now
	a.k = math.Cbrt(a.wMax * (1 - cubicBeta) / (cubicScale * a.max))
	a.rate = cut
}

// answered takes in that the API answered a call, at now, without
// refusing it: the rate climbs along the curve.
func (a *adaptiveRate) answered(now time.Time) {
	a.record(now, true)
	if !a.adapting {
		return
	}
	t := now.Sub(a.lastCut).Seconds() - a.k
	cubic := cubicScale*a.max*t*t*t + a.wMax
	if cubic >= a.max {
		a.adapting = false
		a.rate = a.max
		return
	}
	// Not below where the last cut left it: the curve starts there.
	a.rate = max(a.rate, cubic)
}

// record keeps an answer, and forgets those older than grantWindow.
func (a *adaptiveRate) record(now time.Time, accepted bool) {
	i := 0
	for i < len(a.answers) && now.Sub(a.answers[i].at) >= grantWindow {
		i++
	}
	a.answers = append(a.answers[i:], answer{at: now, accepted: accepted})
}

// accepted is the share of the recent answers that accepted the call, if
// there are grantSamples of them.
func (a *adaptiveRate) accepted() (float64, bool) {
	if len(a.answers) < grantSamples {
		return 0, false
	}
	n := 0
	for _, ans := range a.answers {
		if ans.accepted {
			n++
		}
	}
	return float64(n) / float64(len(a.answers)), true
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
	l.mu.Lock()
	turn := make(chan struct{})
	l.queue = append(l.queue, turn)
	if len(l.queue) == 1 {
		close(turn)
	}
	l.mu.Unlock()

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
