package retry

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

var errAgain = errors.New("again")

// When stops at success, at an error the predicate refuses, and after
// MaxRetries retries.
func TestWhen_stops(t *testing.T) {
	p := Policy{MaxRetries: 3, Base: time.Microsecond, MaxDelay: time.Microsecond}
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
		err := When(context.Background(), p, again, func(int, error, time.Duration) { retried++ }, func(_ context.Context, attempt int) error {
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
func TestWhen_contextEndsUnboundedRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		p := Policy{MaxRetries: -1, Base: time.Millisecond, MaxDelay: 5 * time.Millisecond}
		calls := 0
		err := When(ctx, p, func(error) bool { return true }, nil, func(context.Context, int) error {
			calls++
			return errAgain
		})
		if !errors.Is(err, errAgain) || !errors.Is(err, context.DeadlineExceeded) || calls < 2 {
			t.Errorf("%d calls, err %v; want several calls, then the last error joined with the deadline", calls, err)
		}
	})
}

// Full jitter: delays are spread over the whole range from 0 to the
// doubling ceiling, which MaxDelay caps.
func TestFullJitter(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, ceiling := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		var low, high bool
		for range 2000 {
			d := FullJitter(p, attempt)
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
	if d := FullJitter(Policy{Base: time.Second, MaxDelay: 10 * time.Second}, 1000); d > 10*time.Second {
		t.Errorf("a late attempt's delay %v exceeds MaxDelay", d)
	}
}
