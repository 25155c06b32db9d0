package client

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

var errAgain = errors.New("again")

// retryWhen stops at success, at an error the predicate refuses, and after
// maxRetries retries.
func TestRetryWhen_stops(t *testing.T) {
	p := retryPolicy{maxRetries: 3, base: time.Microsecond, maxDelay: time.Microsecond}
	again := func(err error) bool { return errors.Is(err, errAgain) }
	for name, tc := range map[string]struct {
		fail      func(attempt int) error
		wantCalls int
		wantErr   error
	}{
		"success at once":       {func(int) error { return nil }, 1, nil},
		"success on the third":  {func(a int) error { return map[bool]error{true: errAgain}[a < 2] }, 3, nil},
		"refused by predicate":  {func(int) error { return errTerminal }, 1, errTerminal},
		"retries spent":         {func(int) error { return errAgain }, 4, errAgain},
		"predicate after retry": {func(a int) error { return map[bool]error{true: errAgain, false: errTerminal}[a == 0] }, 2, errTerminal},
	} {
		calls, retried := 0, 0
		err := retryWhen(context.Background(), p, again, func(int, error, time.Duration) { retried++ }, func(_ context.Context, attempt int) error {
			if attempt != calls {
				t.Errorf("%s: attempt %d on call %d", name, attempt, calls+1)
			}
			calls++
			return tc.fail(attempt)
		})
		if calls != tc.wantCalls || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || retried != calls-1 {
			t.Errorf("%s: %d calls, %d retries, err %v; want %d calls, err %v", name, calls, retried, err, tc.wantCalls, tc.wantErr)
		}
	}
}

var errTerminal = errors.New("terminal")

// Without a bound on retries, the context ends the loop, and its error
// joins the last failure. On the bubble's clock, a busy machine cannot
// make the first call outlast the context.
func TestRetryWhen_contextEndsUnboundedRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		p := retryPolicy{maxRetries: -1, base: time.Millisecond, maxDelay: 5 * time.Millisecond}
		calls := 0
		err := retryWhen(ctx, p, func(error) bool { return true }, nil, func(context.Context, int) error {
			calls++
			return errAgain
		})
		if !errors.Is(err, errAgain) || !errors.Is(err, context.DeadlineExceeded) || calls < 2 {
			t.Errorf("%d calls, err %v; want several calls, then the last error joined with the deadline", calls, err)
		}
	})
}

// Full jitter: delays are spread over the whole range from 0 to the
// doubling ceiling, which maxDelay caps.
func TestFullJitter(t *testing.T) {
	p := retryPolicy{base: 100 * time.Millisecond, maxDelay: time.Second}
	for attempt, ceiling := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		var low, high bool
		for range 2000 {
			d := fullJitter(p, attempt)
			if d < 0 || d > ceiling {
				t.Fatalf("attempt %d: delay %v outside [0, %v]", attempt, d, ceiling)
			}
			// Equal jitter would never go below half the ceiling.
			low = low || d < ceiling/4
			high = high || d > ceiling*3/4
		}
		if !low || !high {
			t.Errorf("attempt %d: 2000 delays did not cover [0, %v] (below a quarter: %v, above three quarters: %v)", attempt, ceiling, low, high)
		}
	}
	if d := fullJitter(retryPolicy{base: time.Second, maxDelay: 10 * time.Second}, 1000); d > 10*time.Second {
		t.Errorf("a late attempt's delay %v exceeds maxDelay", d)
	}
}

// A call refused for the rate limit backs off at most maxThrottledDelay,
// as the rate limiter spaces its action's calls too; other failures back
// off up to maxRetryDelay.
func TestRetryPolicy_throttledDelay(t *testing.T) {
	c := &Client{maxRetries: DefaultMaxRetries, retryBase: 200 * time.Millisecond}
	p := c.callPolicy()
	throttled := &APIError{Action: "CreateKeyPair", Code: "RequestLimitExceeded.UinLimitExceeded", RequestID: "r"}
	lost := &APIError{Action: "DescribeKeyPairs", Code: "InternalError", RequestID: "r"}
	var longestThrottled, longestLost time.Duration
	for range 500 {
		longestThrottled = max(longestThrottled, p.delay(9, throttled))
		longestLost = max(longestLost, p.delay(9, lost))
	}
	if longestThrottled > maxThrottledDelay || longestThrottled < maxThrottledDelay/2 {
		t.Errorf("the 10th retry of a throttled call: longest of 500 delays %s, want up to %s", longestThrottled, maxThrottledDelay)
	}
	if longestLost <= maxThrottledDelay || longestLost > maxRetryDelay {
		t.Errorf("the 10th retry of a lost answer: longest of 500 delays %s, want up to %s", longestLost, maxRetryDelay)
	}
}
