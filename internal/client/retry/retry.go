// Package retry is the one retry loop of the client, in the manner of the
// aws provider's tfresource.RetryWhen: every API call, the recovery of
// creates and imports whose answers were lost, the waits for a new key
// pair to show and the STS calls go through When, each with a predicate
// that says which failures are worth another attempt. It knows no API
// error codes: the predicates, and which failures count as throttled, are
// the caller's. It does not rate-limit, count or log; onRetry does that.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Policy bounds one retry loop.
type Policy struct {
	// MaxRetries is how many times f runs again after its first attempt;
	// negative means as often as the context allows.
	MaxRetries int
	// Base is the ceiling of the first delay; each retry doubles it, up to
	// MaxDelay.
	Base, MaxDelay time.Duration
	// MaxThrottledDelay, when set, is MaxDelay after a refusal for the
	// rate limit: the rate limiter already spaces the calls of an action
	// that the API refuses, and a refused call that also backed off for
	// many seconds would finish its pipeline's apply long after the
	// others (make bench, BENCH_PIPELINES).
	MaxThrottledDelay time.Duration
	// Throttled reports whether an error is such a refusal.
	Throttled func(error) bool
}

// When runs f until it succeeds, fails in a way retryable does not
// accept, the policy's retries are spent, or ctx ends; then it returns f's
// last error (joined with ctx's, when ctx ended the loop). attempt counts
// from 0. Between attempts it sleeps with exponential backoff and full
// jitter: a uniform delay between 0 and the ceiling, so that callers that
// failed together come back spread out. onRetry, when set, learns of each
// retry before its delay.
func When(ctx context.Context, p Policy, retryable func(error) bool, onRetry func(attempt int, err error, delay time.Duration), f func(ctx context.Context, attempt int) error) error {
	for attempt := 0; ; attempt++ {
		err := f(ctx, attempt)
		if err == nil || !retryable(err) || (p.MaxRetries >= 0 && attempt >= p.MaxRetries) {
			return err
		}
		if ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		delay := p.Delay(attempt, err)
		if onRetry != nil {
			onRetry(attempt, err, delay)
		}
		if Sleep(ctx, delay) != nil {
			return errors.Join(err, ctx.Err())
		}
	}
}

// Sleep waits d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
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

// Delay is the backoff after the attempt that failed with err.
func (p Policy) Delay(attempt int, err error) time.Duration {
	if p.MaxThrottledDelay > 0 && p.Throttled != nil && p.Throttled(err) {
		p.MaxDelay = min(p.MaxDelay, p.MaxThrottledDelay)
	}
	return FullJitter(p, attempt)
}

// FullJitter is a uniform delay between 0 and min(MaxDelay, Base*2^attempt).
func FullJitter(p Policy, attempt int) time.Duration {
	ceiling := min(p.Base<<min(attempt, 16), p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}
