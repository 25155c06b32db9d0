// Package batch coalesces concurrent calls about single keys into calls
// about many. It knows nothing of the API it batches for: the caller
// supplies the combined call, the single-key fallback and which errors
// are about one key only. It does not retry, rate-limit or cache; the
// calls it is given do that.
package batch

import (
	"context"
	"sync"
	"time"
)

// Batcher coalesces concurrent calls about single keys into calls
// about many, in the manner of google's request batcher: a call joins the
// open batch and waits a few milliseconds for company; one timer sends the
// combined request; each caller gets its own answer. The batch leaves once
// no caller has joined for a window (callers that Terraform starts one
// after another keep it open), when it is full, or at the latest after
// MaxWait. A batch of several keys that fails because of one of them
// falls back to one call per caller, so that each gets its own answer; any
// other failure (throttling, credentials, timeouts) is every caller's, as
// single calls would only multiply it.
type Batcher[V any] struct {
	// Window is how long a batch waits for another caller after the last
	// one joined.
	Window time.Duration
	// MaxWait bounds how long the first caller waits for company.
	MaxWait time.Duration
	// Max is the most keys one call may carry; a full batch leaves at once.
	Max int
	// Send makes the combined call. A key absent from a successful answer
	// is reported to its caller as not found.
	Send func(ctx context.Context, keys []string) (map[string]V, error)
	// Single is the fallback for one key when the combined call failed.
	Single func(ctx context.Context, key string) (V, bool, error)
	// AboutOneKey reports whether the combined call's error may be about
	// one of its keys only, so that single calls tell the keys apart.
	AboutOneKey func(error) bool
	// Hold, when set, says how long the combined call would wait for the
	// rate limiter: the batch stays open that long, so that callers who
	// come meanwhile share the call instead of queueing for calls of
	// their own.
	Hold func() time.Duration

	mu      sync.Mutex
	pending *batch[V]
}

type batch[V any] struct {
	ctx     context.Context
	first   time.Time
	last    time.Time
	keys    []string
	seen    map[string]bool
	done    chan struct{}
	results map[string]V
	err     error
}

// batchTimeout bounds a combined call that no single caller's context
// bounds: the first caller's cancellation must not fail the others.
const batchTimeout = 5 * time.Minute

// Do returns the answer for key: its value and whether it was found.
func (b *Batcher[V]) Do(ctx context.Context, key string) (V, bool, error) {
	b.mu.Lock()
	bt := b.pending
	if bt == nil {
		bt = &batch[V]{ctx: ctx, first: time.Now(), seen: map[string]bool{}, done: make(chan struct{})}
		b.pending = bt
		time.AfterFunc(b.Window, func() { b.flush(bt) })
	}
	bt.last = time.Now()
	if !bt.seen[key] {
		bt.seen[key] = true
		bt.keys = append(bt.keys, key)
	}
	if len(bt.keys) >= b.Max {
		b.pending = nil
		go b.run(bt)
	}
	b.mu.Unlock()

	select {
	case <-bt.done:
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
	if bt.err != nil {
		if len(bt.keys) > 1 && b.AboutOneKey(bt.err) {
			return b.Single(ctx, key)
		}
		var zero V
		return zero, false, bt.err
	}
	v, ok := bt.results[key]
	return v, ok, nil
}

// flush sends a batch whose window has passed, unless it filled up and
// left before; a batch that may still wait is looked at again later.
func (b *Batcher[V]) flush(bt *batch[V]) {
	b.mu.Lock()
	if b.pending != bt {
		b.mu.Unlock()
		return
	}
	now := time.Now()
	wait := bt.last.Add(b.Window).Sub(now)
	if b.MaxWait > 0 {
		wait = min(wait, bt.first.Add(b.MaxWait).Sub(now))
	}
	if b.Hold != nil {
		// The call could not leave before the rate limiter allows it
		// anyway: meanwhile, more callers may join.
		wait = max(wait, b.Hold())
	}
	if wait > 0 {
		b.mu.Unlock()
		time.AfterFunc(wait, func() { b.flush(bt) })
		return
	}
	b.pending = nil
	b.mu.Unlock()
	b.run(bt)
}

func (b *Batcher[V]) run(bt *batch[V]) {
	// Keep the first caller's values (its logger) but not its deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(bt.ctx), batchTimeout)
	defer cancel()
	bt.results, bt.err = b.Send(ctx, bt.keys)
	close(bt.done)
}
