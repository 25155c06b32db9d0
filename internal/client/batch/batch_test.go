package batch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The tests of the batcher run in a synctest bubble, whose clock moves
// only when every goroutine waits: callers started together all join the
// batch before its window closes, however busy the machine.

// countingBatcher answers every key with itself and counts the combined
// calls and the keys each carried.
func countingBatcher(fail func(keys []string) error) (*Batcher[string], *atomic.Int32, *sync.Map, *atomic.Int32) {
	var calls, singles atomic.Int32
	var sizes sync.Map
	b := &Batcher[string]{
		Window: 20 * time.Millisecond,
		Max:    100,
		Send: func(_ context.Context, keys []string) (map[string]string, error) {
			n := calls.Add(1)
			sizes.Store(n, len(keys))
			if fail != nil {
				if err := fail(keys); err != nil {
					return nil, err
				}
			}
			out := map[string]string{}
			for _, k := range keys {
				out[k] = "v-" + k
			}
			return out, nil
		},
		Single: func(_ context.Context, key string) (string, bool, error) {
			singles.Add(1)
			if key == "bad" {
				return "", false, errors.New("bad key")
			}
			return "single-" + key, true, nil
		},
	}
	return b, &calls, &sizes, &singles
}

func TestBatcher_splitsAbove100(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, calls, sizes, _ := countingBatcher(nil)
		var wg sync.WaitGroup
		for i := range 250 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := fmt.Sprint(i)
				v, found, err := b.Do(context.Background(), key)
				if err != nil || !found || v != "v-"+key {
					t.Errorf("key %s: %q %v %v", key, v, found, err)
				}
			}()
		}
		wg.Wait()
		if got := calls.Load(); got != 3 {
			t.Errorf("250 concurrent keys took %d calls, want 3", got)
		}
		sizes.Range(func(_, size any) bool {
			if n, _ := size.(int); n > 100 {
				t.Errorf("a call carried %d keys, more than 100", n)
			}
			return true
		})
	})
}

func TestBatcher_sameKeyOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, calls, sizes, _ := countingBatcher(nil)
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := b.Do(context.Background(), "k"); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if size, _ := sizes.Load(int32(1)); calls.Load() != 1 || size != 1 {
			t.Errorf("5 reads of one key: %d calls, first with %v keys; want 1 call with 1 key", calls.Load(), size)
		}
	})
}

var (
	errOneKey   = errors.New("one bad key fails them all")
	errThrottle = errors.New("throttled")
)

func oneKeyOnly(err error) bool { return errors.Is(err, errOneKey) }

// runBatch sends keys through b at once and returns each caller's error.
func runBatch(t *testing.T, b *Batcher[string], keys ...string) []error {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]error, len(keys))
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := b.Do(context.Background(), key)
			results[i] = err
			if err == nil && v != "single-"+key && v != "v-"+key {
				t.Errorf("key %s: %q", key, v)
			}
		}()
	}
	wg.Wait()
	return results
}

// A batch of several keys that fails because of one of them falls back to
// one call per key, and only that key's caller fails.
func TestBatcher_failedBatchFallsBackToSingles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, calls, _, singles := countingBatcher(func([]string) error { return errOneKey })
		b.AboutOneKey = oneKeyOnly
		results := runBatch(t, b, "a", "bad", "c")
		if calls.Load() != 1 || singles.Load() != 3 {
			t.Errorf("%d combined and %d single calls, want 1 and 3", calls.Load(), singles.Load())
		}
		if results[0] != nil || results[1] == nil || results[2] != nil {
			t.Errorf("errors %v: only the bad key should fail", results)
		}
	})
}

// A batch of one has nothing to tell apart: its error is the answer, with
// no second, identical call.
func TestBatcher_failedBatchOfOneDoesNotRepeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, calls, _, singles := countingBatcher(func([]string) error { return errOneKey })
		b.AboutOneKey = oneKeyOnly
		results := runBatch(t, b, "bad")
		if calls.Load() != 1 || singles.Load() != 0 {
			t.Errorf("%d combined and %d single calls, want 1 and 0", calls.Load(), singles.Load())
		}
		if !errors.Is(results[0], errOneKey) {
			t.Errorf("error %v, want the batch's", results[0])
		}
	})
}

// Throttling (or credentials, or a timeout) would fail every single call
// too: every caller gets the batch's error, and no more calls are made.
func TestBatcher_failureOfAllKeysDoesNotFallBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, calls, _, singles := countingBatcher(func([]string) error { return errThrottle })
		b.AboutOneKey = oneKeyOnly
		results := runBatch(t, b, "a", "b", "c")
		if calls.Load() != 1 || singles.Load() != 0 {
			t.Errorf("%d combined and %d single calls, want 1 and 0", calls.Load(), singles.Load())
		}
		for i, err := range results {
			if !errors.Is(err, errThrottle) {
				t.Errorf("caller %d: %v, want the batch's error", i, err)
			}
		}
	})
}

func TestBatcher_missingKeyIsNotFound(t *testing.T) {
	b := &Batcher[string]{
		Window: time.Millisecond, Max: 100,
		Send: func(context.Context, []string) (map[string]string, error) { return map[string]string{}, nil },
		Single: func(context.Context, string) (string, bool, error) {
			t.Error("no fallback expected")
			return "", false, nil
		},
	}
	if _, found, err := b.Do(context.Background(), "gone"); found || err != nil {
		t.Errorf("found=%v err=%v, want not found", found, err)
	}
}

// The caller that opened a batch gives up: it gets its context's error at
// once, and the combined call goes on for the others, on a context that
// keeps the opener's values but not its cancellation.
func TestBatcher_contextCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		b := &Batcher[string]{
			Window: 50 * time.Millisecond, Max: 100,
			Send: func(ctx context.Context, keys []string) (map[string]string, error) {
				<-release
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return map[string]string{"other": "v"}, nil
			},
			AboutOneKey: func(error) bool { return false },
		}
		joined := func(n int) {
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				b.mu.Lock()
				ok := b.pending != nil && len(b.pending.keys) == n
				b.mu.Unlock()
				if ok {
					return
				}
			}
			t.Fatalf("the batch never held %d keys", n)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, _, err := b.Do(ctx, "k")
			done <- err
		}()
		joined(1) // "k" opened the batch: the combined call starts from its context
		otherDone := make(chan error, 1)
		go func() {
			_, found, err := b.Do(context.Background(), "other")
			if err == nil && !found {
				err = errors.New("not found")
			}
			otherDone <- err
		}()
		joined(2)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a cancelled caller kept waiting for its batch")
		}
		close(release)
		if err := <-otherDone; err != nil {
			t.Errorf("the other caller of the batch failed after the first was cancelled: %v", err)
		}
	})
}

// BenchmarkBatcher measures the coalescer alone: the cost per caller of
// joining a batch and getting its answer, with 100 callers per CPU, and
// how many keys each combined call carried.
func BenchmarkBatcher(b *testing.B) {
	var calls atomic.Int64
	bt := &Batcher[string]{
		Window: 50 * time.Microsecond,
		Max:    100,
		Send: func(_ context.Context, keys []string) (map[string]string, error) {
			calls.Add(1)
			out := make(map[string]string, len(keys))
			for _, k := range keys {
				out[k] = k
			}
			return out, nil
		},
	}
	var n atomic.Int64
	b.SetParallelism(100)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprint(n.Add(1))
			if _, found, err := bt.Do(context.Background(), key); err != nil || !found {
				b.Fatal(found, err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/float64(calls.Load()), "keys/call")
}
