package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// Recovery is what runs after a create or import whose answer was lost:
// the lookup of the key pair by name, the wait for its create token to
// show, and the delete of a key pair whose private key was lost. It must
// not give up while the operation has time left, whatever max_retries
// says: a recovery that gives up after a few throttled lookups leaves a
// key pair in the cloud that no state holds (an orphan), with a private
// key that nobody has. So calls made on a recovering context retry every
// transient failure (throttling, refused connections, timeouts, lost
// answers of idempotent calls) until the context ends, and the waits of
// recovery read again after such failures too.

type recoveryKey struct{}

// recovering marks ctx as that of a recovery.
func recovering(ctx context.Context) context.Context {
	return context.WithValue(ctx, recoveryKey{}, true)
}

// inRecovery reports whether ctx is that of a recovery.
func inRecovery(ctx context.Context) bool {
	on, _ := ctx.Value(recoveryKey{}).(bool)
	return on
}

// recoveryMaxDelay caps the backoff of recovery calls: a recovery retries
// for as long as the operation allows, and should notice soon when the API
// is back.
const recoveryMaxDelay = 2 * time.Second

// recoveryPolicy is the retry policy of calls made during a recovery:
// bounded by the context alone.
func (c *Client) recoveryPolicy() retry.Policy {
	return retry.Policy{MaxRetries: -1, Base: c.retryBase, MaxDelay: recoveryMaxDelay, MaxThrottledDelay: maxThrottledDelay, Throttled: isThrottled}
}

// isTransient reports whether a failure says nothing about the key pair,
// only that the API could not be asked just now.
func isTransient(err error) bool {
	var throttled *ThrottledError
	return errors.As(err, &throttled) || isThrottled(err) || isNotSent(err) || isTimeout(err) || isLostAnswer(err)
}

// retryTransientInRecovery extends a wait's retry predicate: during a
// recovery, a read that failed for a transient reason is read again.
func retryTransientInRecovery(ctx context.Context, retryable func(error) bool) func(error) bool {
	if !inRecovery(ctx) {
		return retryable
	}
	return func(err error) bool { return retryable(err) || (isTransient(err) && ctx.Err() == nil) }
}

// recoveryContext is the context a recovery runs on: until the
// operation's deadline, and at least c.cleanup (cleanupTimeout) from now, whether or
// not the operation's context has ended. A recovery that started just
// before its operation's deadline must still finish: the rate limiter
// refuses to wait past a deadline, and a lookup cut short leaves the key
// pair of a lost answer behind.
func (c *Client) recoveryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(c.cleanup)
	if d, ok := ctx.Deadline(); ok && d.After(deadline) {
		deadline = d
	}
	rctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	return recovering(rctx), cancel
}

// cleanupTimeout is the least time a recovery gets, also after its
// operation's context ended.
const cleanupTimeout = 2 * time.Minute

// MaybeCreatedError says that a create's answer was lost and the recovery
// could not find out, within the operation's time, whether the create made
// a key pair: one named Name, tagged CreateTokenTagKey=Token, may exist,
// with a private key that nobody holds.
type MaybeCreatedError struct {
	Name  string
	Token string
	// Imported is true for ImportKeyPair, whose key pair holds no
	// private key.
	Imported bool
	Err      error
}

func (e *MaybeCreatedError) Error() string {
	return fmt.Sprintf("a key pair named %q may have been created (tag %s=%s), and finding it failed: %v", e.Name, CreateTokenTagKey, e.Token, e.Err)
}

func (e *MaybeCreatedError) Unwrap() error { return e.Err }
