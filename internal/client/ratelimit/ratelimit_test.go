package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The tests of the adaptive rate read no clock: they give it the times.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func clockAt(d time.Duration) time.Time { return epoch.Add(d) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A process that the API never refuses runs at rate_limit, however many
// calls it makes.
func TestAdaptiveRate_aloneRunsAtRateLimit(t *testing.T) {
	t.Parallel()
	r := newAdaptiveRate(10)
	for i := range 6000 {
		r.answered(clockAt(time.Duration(i) * 100 * time.Millisecond))
		if r.rate != 10 {
			t.Fatalf("after %d answers: rate %v, want 10", i+1, r.rate)
		}
	}
}

// A refusal cuts the rate by aimdBeta, once per congestion event: the
// refusals of calls that left before the cut say nothing new; a refusal of
// a call that left after it cuts again.
func TestAdaptiveRate_cutsOncePerEvent(t *testing.T) {
	t.Parallel()
	r := newAdaptiveRate(10)
	r.throttled(clockAt(time.Second), clockAt(time.Second-5*time.Millisecond))
	if want := 10 * aimdBeta; !near(r.rate, want) {
		t.Fatalf("after a refusal: rate %v, want %v", r.rate, want)
	}
	r.throttled(clockAt(time.Second+10*time.Millisecond), clockAt(time.Second-time.Millisecond))
	if want := 10 * aimdBeta; !near(r.rate, want) {
		t.Errorf("after a refusal of a call sent before the cut: rate %v, want it unchanged at %v", r.rate, want)
	}
	r.throttled(clockAt(time.Second+300*time.Millisecond), clockAt(time.Second+250*time.Millisecond))
	if want := 10 * aimdBeta * aimdBeta; !near(r.rate, want) {
		t.Errorf("after a refusal of a call sent after the cut: rate %v, want %v", r.rate, want)
	}
}

// While the API answers, the rate climbs back in a line, aimdClimb of
// rate_limit a second, to rate_limit and no higher.
func TestAdaptiveRate_climbsBack(t *testing.T) {
	t.Parallel()
	r := newAdaptiveRate(10)
	r.throttled(clockAt(0), clockAt(0)) // to 5
	r.answered(clockAt(200 * time.Millisecond))
	if want := 5 + aimdClimb*10*0.2; !near(r.rate, want) {
		t.Errorf("200ms after the cut: rate %v, want %v", r.rate, want)
	}
	r.answered(clockAt(time.Minute))
	if r.rate != 10 {
		t.Errorf("a minute after the cut: rate %v, want back at 10", r.rate)
	}
}

// However often the API refuses, the rate stays at minRate or above.
func TestAdaptiveRate_floor(t *testing.T) {
	t.Parallel()
	r := newAdaptiveRate(10)
	for i := range 100 {
		now := clockAt(time.Duration(i) * time.Second)
		r.throttled(now, now)
	}
	if !near(r.rate, minRate) {
		t.Errorf("rate %v after 100 refusals, want the floor %v", r.rate, minRate)
	}
}

// Calls leave one at a time, 1/rate apart; after a pause the first leaves
// at once, but only one (a bucket of burst 1); a new rate applies to the
// next departure at once.
func TestPace(t *testing.T) {
	t.Parallel()
	var p pace
	if got := p.next(clockAt(0), 10); !got.Equal(clockAt(0)) {
		t.Fatalf("first call leaves at %v, want at once", got.Sub(epoch))
	}
	p.last, p.started = clockAt(0), true
	if got := p.next(clockAt(10*time.Millisecond), 10); !got.Equal(clockAt(100 * time.Millisecond)) {
		t.Errorf("second call leaves at %v, want 100ms", got.Sub(epoch))
	}
	if got := p.next(clockAt(10*time.Millisecond), 5); !got.Equal(clockAt(200 * time.Millisecond)) {
		t.Errorf("after a cut to 5/s, the second call leaves at %v, want 200ms", got.Sub(epoch))
	}
	if got := p.next(clockAt(5*time.Second), 10); !got.Equal(clockAt(5 * time.Second)) {
		t.Errorf("after a pause, a call leaves at %v, want at once (5s)", got.Sub(epoch))
	}
}

// Calls leave in the order they asked; one whose context ends while it
// waits leaves the queue without holding up those behind it.
func TestLimiter_orderAndCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := New(1000, false)
		queued := func(n int) {
			t.Helper()
			for range 1000 {
				l.mu.Lock()
				got := len(l.queue)
				l.mu.Unlock()
				if got == n {
					return
				}
				time.Sleep(time.Millisecond)
			}
			t.Fatalf("the queue never held %d calls", n)
		}
		// Hold the queue: the first call waits for a departure far ahead.
		l.mu.Lock()
		l.pace.last, l.pace.started = time.Now().Add(time.Hour), true
		l.mu.Unlock()

		var mu sync.Mutex
		var order []string
		var wg sync.WaitGroup
		wait := func(name string, ctx context.Context) {
			defer wg.Done()
			if _, err := l.Wait(ctx); err != nil {
				mu.Lock()
				order = append(order, name+" failed")
				mu.Unlock()
				return
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
		}
		cancelled, cancel := context.WithCancel(context.Background())
		wg.Add(3)
		go wait("a", context.Background())
		queued(1)
		go wait("b", cancelled)
		queued(2)
		go wait("c", context.Background())
		queued(3)
		cancel()
		queued(2)
		// Release the queue as a rate change does.
		l.mu.Lock()
		l.pace.last = time.Now().Add(-time.Hour)
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
		wg.Wait()
		if fmt.Sprint(order) != "[b failed a c]" {
			t.Errorf("order %v, want [b failed a c]", order)
		}
	})
}

// WaitTelling tells the calls that are expected to wait at least the
// notice, with their expected wait, and no other: at 2 calls per second,
// of four calls that ask together, the third (1 s) and the fourth (1.5 s),
// whose waits then come out as told.
func TestLimiter_waitTelling(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := New(2, true)
		start := time.Now()
		var mu sync.Mutex
		told := map[int]time.Duration{}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sentAt, err := l.WaitTelling(context.Background(), time.Second, func(expected time.Duration, rate float64) {
					if rate != 2 {
						t.Errorf("call %d: told rate %v, want 2", i, rate)
					}
					mu.Lock()
					told[i] = expected
					mu.Unlock()
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if expected, ok := told[i]; ok && sentAt.Sub(start) != expected {
					t.Errorf("call %d: told %v, left after %v", i, expected, sentAt.Sub(start))
				}
			}()
			// The calls ask in order.
			synctest.Wait()
		}
		wg.Wait()
		want := map[int]time.Duration{2: time.Second, 3: 1500 * time.Millisecond}
		if fmt.Sprint(told) != fmt.Sprint(want) {
			t.Errorf("told %v, want %v", told, want)
		}
	})
}

// A call whose deadline would pass before its turn fails at once, and
// gives its turn to the next.
func TestLimiter_deadline(t *testing.T) {
	t.Parallel()
	l := New(0.1, false) // one call every 10 s
	if _, err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := l.Wait(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the limiter's refusal before the deadline", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) != 0 {
		t.Errorf("%d calls left in the queue", len(l.queue))
	}
}

// The limiter's rate follows the API only when it adapts.
func TestLimiter_fixed(t *testing.T) {
	t.Parallel()
	for _, fixed := range []bool{false, true} {
		l := New(10, fixed)
		l.Throttled(time.Now())
		if got, want := l.Rate(), map[bool]float64{false: 10 * aimdBeta, true: 10}[fixed]; !near(got, want) {
			t.Errorf("fixed %v: rate %v after a refusal, want %v", fixed, got, want)
		}
	}
}

// clientMaxThrottledDelay is the client's cap on the backoff after a
// refusal (maxThrottledDelay in internal/client), which the simulation
// mirrors.
const clientMaxThrottledDelay = time.Second

// sharedAccount simulates processes that share one account's rate limit,
// in steps of a millisecond of simulated time: each of k processes makes n
// calls, slots at a time (Terraform's parallelism), through its own pace
// and rate; the API allows apiRate calls a second with a burst of apiRate
// (a token bucket, as the emulator's); a refused call is sent again after
// the client's backoff (full jitter from 200 ms, from a seeded source); an
// accepted one holds its slot for hold more (the wait for the new key
// pair to show) before the slot takes the next call. It returns the
// refused calls and when the last process was done.
func sharedAccount(k, n, slots int, rateLimit, apiRate float64, adaptive bool, hold time.Duration, seed uint64) (refused int, done time.Duration) {
	const step, latency = time.Millisecond, 5 * time.Millisecond
	rng := rand.New(rand.NewPCG(seed, 0))
	type call struct {
		attempt  int
		ready    time.Duration // when it (re)joins its process's queue; <0 once done
		waiting  bool
		answerAt time.Duration // when its answer arrives; 0 when none is due
		sentAt   time.Duration
		refused  bool
	}
	type process struct {
		rate        adaptiveRate
		pace        pace
		queue       []*call
		slots       []*call
		left, doneN int
	}
	procs := make([]*process, k)
	for i := range procs {
		p := &process{rate: newAdaptiveRate(rateLimit), left: n}
		// Processes start within half a second of each other, as
		// terraform runs started together do.
		start := time.Duration(rng.Int64N(int64(500 * time.Millisecond)))
		for range min(slots, n) {
			p.slots = append(p.slots, &call{ready: start})
			p.left--
		}
		procs[i] = p
	}
	tokens, refilled := apiRate, time.Duration(0)
	for now := time.Duration(0); now < 10*time.Minute; now += step {
		finished := true
		for _, p := range procs {
			for _, c := range p.slots {
				if c.answerAt != 0 && c.answerAt <= now {
					c.answerAt = 0
					if c.refused {
						if adaptive {
							p.rate.throttled(epoch.Add(now), epoch.Add(c.sentAt))
						}
						// The client's backoff after a refusal (retry.Policy.Delay),
						// from the seeded source.
						ceiling := min(200*time.Millisecond<<min(c.attempt, 16), clientMaxThrottledDelay)
						c.ready = now + time.Duration(rng.Int64N(int64(ceiling)+1))
						c.attempt++
						continue
					}
					if adaptive {
						p.rate.answered(epoch.Add(now))
					}
					p.doneN++
					if p.left > 0 {
						p.left--
						*c = call{ready: now + hold}
					} else {
						c.ready = -1
					}
				}
				if c.ready >= 0 && c.ready <= now && !c.waiting && c.answerAt == 0 {
					c.waiting = true
					p.queue = append(p.queue, c)
				}
			}
			if p.doneN < n {
				finished = false
			}
			if len(p.queue) == 0 || p.pace.next(epoch.Add(now), p.rate.rate).After(epoch.Add(now)) {
				continue
			}
			p.pace.last, p.pace.started = epoch.Add(now), true
			c := p.queue[0]
			p.queue = p.queue[1:]
			c.waiting, c.sentAt, c.answerAt = false, now, now+latency
			tokens = min(apiRate, tokens+(now-refilled).Seconds()*apiRate)
			refilled = now
			c.refused = tokens < 1
			if c.refused {
				refused++
			} else {
				tokens--
			}
		}
		if finished {
			return refused, now
		}
	}
	return refused, -1
}

// Processes that share an account's limit, each with the account's limit
// as its rate_limit: with adaptive rates they are refused a fraction of
// the calls that fixed rates are, and take little longer (about a tenth:
// the cuts leave some of the limit unused for a while). A process alone is
// never refused and runs at its rate_limit. The simulation is
// deterministic: the same seeds give the same counts on every run.
func TestAdaptiveRate_sharedAccount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ k, n int }{{1, 100}, {2, 50}, {4, 25}, {8, 25}} {
		var fixedRefused, adaptiveRefused int
		var fixedDone, adaptiveDone time.Duration
		const seeds = 10
		for seed := range uint64(seeds) {
			refused, done := sharedAccount(tt.k, tt.n, 10, 10, 10, false, time.Second, seed)
			fixedRefused, fixedDone = fixedRefused+refused, fixedDone+done
			refused, done = sharedAccount(tt.k, tt.n, 10, 10, 10, true, time.Second, seed)
			adaptiveRefused, adaptiveDone = adaptiveRefused+refused, adaptiveDone+done
			if done < 0 {
				t.Fatalf("%d processes of %d calls, seed %d: not done in 10 minutes", tt.k, tt.n, seed)
			}
		}
		floor := time.Duration(float64(tt.k*tt.n) / 10 * float64(time.Second))
		t.Logf("%d processes of %d calls (floor %v): fixed rate %.1f refused, done in %v; adaptive %.1f refused, done in %v",
			tt.k, tt.n, floor, float64(fixedRefused)/seeds, (fixedDone / seeds).Round(10*time.Millisecond),
			float64(adaptiveRefused)/seeds, (adaptiveDone / seeds).Round(10*time.Millisecond))
		if tt.k == 1 {
			if adaptiveRefused != 0 || fixedRefused != 0 {
				t.Errorf("a process alone was refused %d calls (fixed rate: %d), want none", adaptiveRefused, fixedRefused)
			}
			if adaptiveDone != fixedDone {
				t.Errorf("a process alone took %v adaptive, %v fixed: want the same", adaptiveDone/seeds, fixedDone/seeds)
			}
			continue
		}
		if adaptiveRefused*4 > fixedRefused {
			t.Errorf("%d processes: adaptive rates were refused %d calls, fixed rates %d: want at most a quarter", tt.k, adaptiveRefused, fixedRefused)
		}
		if adaptiveDone > fixedDone*5/4 {
			t.Errorf("%d processes: adaptive rates took %v, fixed rates %v: want at most a quarter longer", tt.k, adaptiveDone/seeds, fixedDone/seeds)
		}
	}
}
