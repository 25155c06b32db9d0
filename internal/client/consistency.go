package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// The API is eventually consistent: a key pair that a call made may show
// in DescribeKeyPairs only a moment later, tags set on it later still, and
// one that a call deleted may go on showing for a while.
//
// The rule of every write of this package: it returns once
// DescribeKeyPairs shows what it did (a new key pair with its tags, a new
// name or description, tags set or removed, bindings made or undone, a key
// pair gone), so that what Terraform reads next (the refresh of the next
// plan, in another process) agrees with what it wrote. Writes wait with
// shown; deletes, for which "shows" means "no longer shows", with waitGone.
// A write whose effect does not show within the operation's time fails
// with a *NotShownError, which holds what the answer gave that the caller
// must keep (the id; for a create, the private key).

// waitPolicy paces the reads of a wait; the context bounds it.
var waitPolicy = retry.Policy{MaxRetries: -1, Base: 200 * time.Millisecond, MaxDelay: 2 * time.Second}

// defaultSettle is how long a key pair may take to show in, or leave,
// DescribeKeyPairs after the call that made or deleted it answered, before
// the client stops waiting for it: a lost create concluded not made; a key
// pair that a successful DeleteKeyPairs named, still showing, given a call
// of its own, as the API may delete only some of several ids ("you must
// check yourself whether every key pair was deleted", the SDK's
// DeleteKeyPairs comment). Client.settle holds it; tests shorten it.
const defaultSettle = 5 * time.Second

// errNotYet says that a wait's condition does not hold yet.
var errNotYet = errors.New("not yet")

func isNotYet(err error) bool { return errors.Is(err, errNotYet) }

// shown is the rule's wait for a write about made.ID: it reads the key
// pair until ready accepts it (nil: until it shows), following lag when
// it is not nil.
func (c *Client) shown(ctx context.Context, made *KeyPair, ready func(*KeyPair) bool, lag *lagEstimate) (*KeyPair, error) {
	kp, err := c.waitFor(ctx, made.ID, ready, 0, lag)
	if err != nil {
		return nil, &NotShownError{KeyPair: made, Err: err}
	}
	return kp, nil
}

// WaitForKeyPair reads a key pair that was just changed until it shows
// and ready (nil: any state) accepts it, for as long as ctx allows.
func (c *Client) WaitForKeyPair(ctx context.Context, id string, ready func(*KeyPair) bool) (*KeyPair, error) {
	return c.waitFor(ctx, id, ready, 0, nil)
}

// waitFor is WaitForKeyPair that also gives up after bound (0: no bound),
// with an error that isNotYet accepts, and that learns from and follows
// lag when it is not nil. The bound only stops further reads: it never
// cuts a call short.
func (c *Client) waitFor(ctx context.Context, id string, ready func(*KeyPair) bool, bound time.Duration, lag *lagEstimate) (*KeyPair, error) {
	var kp *KeyPair
	err := c.waitLearning(ctx, lag, within(bound, isNotYet), "key pair "+id+" to show in DescribeKeyPairs", func(ctx context.Context) error {
		var found bool
		var err error
		kp, found, err = c.reads.Do(ctx, id)
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("key pair %s does not show yet: %w", id, errNotYet)
		case ready != nil && !ready(kp):
			return fmt.Errorf("key pair %s does not show the change yet: %w", id, errNotYet)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kp, nil
}

// waitLearning reads with read until it succeeds, backing off with
// waitPolicy while retryable accepts its error. With lag, the first read
// comes when the estimate says (lag.go), and the wait is the estimate's
// next sample. what says what it waits for ("key pair skey-3glfot13 to
// show in DescribeKeyPairs"), for the logs: a wait long enough to notice
// is told at INFO (progress.go).
func (c *Client) waitLearning(ctx context.Context, lag *lagEstimate, retryable func(error) bool, what string, read func(ctx context.Context) error) error {
	start := time.Now()
	reads := 0
	var firstReadAt time.Duration
	var err error
	told := &consistencyWait{ctx: ctx, what: what, start: start}
	defer func() { told.ended(err) }()
	if lag != nil {
		w := lag.start(start)
		defer func() { lag.end(w, err == nil, reads, firstReadAt, time.Since(start)) }()
		told.sleeping(0, w.first)
		if err = retry.Sleep(ctx, w.first); err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
	}
	count := c.countWait(ctx, "wait for "+what)
	err = retry.When(ctx, waitPolicy, retryTransientInRecovery(ctx, retryable), func(attempt int, readErr error, delay time.Duration) {
		count(attempt, readErr, delay)
		told.sleeping(time.Since(start), delay)
	}, func(ctx context.Context, _ int) error {
		if reads++; reads == 1 {
			firstReadAt = time.Since(start)
		}
		return read(ctx)
	})
	return err
}

// within limits a retry predicate to bound from now (0: no limit).
func within(bound time.Duration, retryable func(error) bool) func(error) bool {
	if bound == 0 {
		return retryable
	}
	deadline := time.Now().Add(bound)
	return func(err error) bool { return retryable(err) && time.Now().Before(deadline) }
}

// HasTags returns a condition of WaitForKeyPair: the key pair's tags are
// exactly tags.
func HasTags(tags map[string]string) func(*KeyPair) bool {
	return func(kp *KeyPair) bool { return maps.Equal(kp.Tags, tags) }
}

// waitGone reads a deleted key pair until it no longer shows, and reports
// whether it went within bound (0: as long as ctx allows). With lag, it
// learns from and follows how long deletes take to show.
func (c *Client) waitGone(ctx context.Context, id string, bound time.Duration, lag *lagEstimate) (bool, error) {
	err := c.waitLearning(ctx, lag, within(bound, isNotYet), "key pair "+id+" to leave DescribeKeyPairs", func(ctx context.Context) error {
		_, found, err := c.reads.Do(ctx, id)
		if err == nil && found {
			return fmt.Errorf("key pair %s still shows: %w", id, errNotYet)
		}
		return err
	})
	if isNotYet(err) && ctx.Err() == nil {
		return false, nil
	}
	return err == nil, err
}

// DeleteKeyPair deletes one key pair and returns once DescribeKeyPairs no
// longer shows it. Concurrent deletes share DeleteKeyPairs calls. A key
// pair that is already gone counts as deleted, also when an earlier
// attempt whose answer was lost removed it. One that still shows a while
// after a successful call gets a call of its own, and its own error; one
// that instances or images use gives an *InUseError that names them.
func (c *Client) DeleteKeyPair(ctx context.Context, id string) error {
	var err error
	if inRecovery(ctx) {
		// A batch may leave on another caller's context, without the
		// recovery's persistence: a recovery sends its own call.
		_, err = c.deleteMany(ctx, []string{id})
	} else {
		_, _, err = c.deletes.Do(ctx, id)
	}
	if err == nil {
		var gone bool
		if gone, err = c.waitGone(ctx, id, c.settle, &c.goneLag); err != nil || gone {
			return err
		}
		// The call answered success, yet the key pair stays: it may not
		// have been deleted at all. A call of its own tells.
		if _, err = c.deleteMany(ctx, []string{id}); err == nil {
			_, err = c.waitGone(ctx, id, 0, nil)
			return err
		}
	}
	if c := code(err); c != apicontract.CodeKeyPairInUse && c != apicontract.CodeKeyPairNotSupportedLegacy {
		return err
	}
	inUse := &InUseError{KeyID: id, ImageIDs: imageIDPattern.FindAllString(errorMessage(err), -1), Err: err}
	if kp, readErr := c.describeOne(ctx, id); readErr == nil {
		inUse.InstanceIDs = kp.AssociatedInstanceIDs
	}
	return inUse
}

// imageIDPattern finds the images that the API names when it refuses to
// delete a key pair they use.
var imageIDPattern = regexp.MustCompile(`\bimg-[a-z0-9]{8}\b`)

func errorMessage(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	return ""
}

// DeleteKeyPairUnbinding deletes a key pair, unbinding it first from the
// instances it is bound to; forceStop lets the API stop running instances
// for it. A terminated instance stays bound for a while, and unbinding it
// answers that it does not exist: the delete is then tried again, with
// backoff, until the binding clears or ctx ends. An instance that must be
// stopped gives an *InstanceRunningError that names the instances, and
// the running ones among them when DescribeInstances tells.
//
// It returns the instances it unbound the key pair from, also when it
// fails afterwards: with forceStop, those of them that were running were
// stopped for it.
func (c *Client) DeleteKeyPairUnbinding(ctx context.Context, id string, forceStop bool) ([]string, error) {
	var lastInUse *InUseError
	var unbound []string
	cleared := 0
	err := retry.When(ctx, waitPolicy, isNotYet, c.countWait(ctx, "delete key pair "+id+" bound to terminated instances"), func(ctx context.Context, _ int) error {
		err := c.DeleteKeyPair(ctx, id)
		var inUse *InUseError
		if errors.As(err, &inUse) && len(inUse.InstanceIDs) == 0 && len(inUse.ImageIDs) == 0 && cleared < maxClearedRetries {
			// Refused for users that no longer show: a binding to a
			// terminated instance cleared between the refusal and the
			// read that names them. The delete is tried again, a few
			// times, not forever: something else may hold the key pair.
			cleared++
			return fmt.Errorf("key pair %s was refused for users that no longer show: %w", id, errNotYet)
		}
		if !errors.As(err, &inUse) || len(inUse.InstanceIDs) == 0 || len(inUse.ImageIDs) > 0 {
			return err
		}
		lastInUse = inUse
		terminated, err := c.unbind(ctx, id, inUse.InstanceIDs, forceStop)
		if err != nil {
			return err
		}
		for _, instance := range inUse.InstanceIDs {
			if !slices.Contains(terminated, instance) && !slices.Contains(unbound, instance) {
				unbound = append(unbound, instance)
			}
		}
		if len(terminated) > 0 {
			return fmt.Errorf("key pair %s is still bound to terminated instances %v: %w", id, terminated, errNotYet)
		}
		return c.DeleteKeyPair(ctx, id)
	})
	if isNotYet(err) && lastInUse != nil {
		// The wait ran out: the binding to a terminated instance never
		// cleared.
		return unbound, &InUseError{KeyID: id, InstanceIDs: lastInUse.InstanceIDs, Err: err}
	}
	return unbound, err
}

// maxClearedRetries bounds the deletes tried again after a refusal for
// instances that no longer show when read.
const maxClearedRetries = 3

// unbind unbinds a key pair from instances, and returns those that no
// longer exist (terminated, still listed as bound).
func (c *Client) unbind(ctx context.Context, id string, instanceIDs []string, forceStop bool) ([]string, error) {
	err := c.DisassociateInstances(ctx, []string{id}, instanceIDs, forceStop)
	switch {
	case err == nil:
		return nil, nil
	case code(err) != apicontract.CodeInstanceNotFound:
		var running *InstanceRunningError
		if errors.As(err, &running) {
			// The API names one running instance in its message, at
			// most: DescribeInstances tells which of them run. When it
			// cannot, the error says "some of" them.
			running.InstanceIDs = instanceIDs
			if ids, _, readErr := c.RunningInstances(ctx, instanceIDs); readErr == nil {
				running.Running = ids
			}
		}
		return nil, err
	case len(instanceIDs) == 1:
		return instanceIDs, nil
	}
	// One of several does not exist, and the call did nothing: one call
	// each tells which.
	var terminated []string
	for _, instance := range instanceIDs {
		gone, err := c.unbind(ctx, id, []string{instance}, forceStop)
		if err != nil {
			return nil, err
		}
		terminated = append(terminated, gone...)
	}
	return terminated, nil
}

// findAfterLostAnswer looks up the key pair of a name that may have been
// made a moment ago: by a call whose answer was lost, or by whoever holds
// a name the API called taken. A key pair just made may not show yet, so
// "none" is the answer only after the settle time of not finding it.
func (c *Client) findAfterLostAnswer(ctx context.Context, name string) (*KeyPair, error) {
	isNotFound := func(err error) bool {
		var notFound *NotFoundError
		return errors.As(err, &notFound)
	}
	var kp *KeyPair
	err := retry.When(ctx, waitPolicy, retryTransientInRecovery(ctx, within(c.settle, isNotFound)), c.countWait(ctx, "look up key pair "+name), func(ctx context.Context, _ int) error {
		var err error
		kp, err = c.FindKeyPairByName(ctx, name)
		return err
	})
	return kp, err
}

// ConfirmGone asks again about a key pair that a read did not find, before
// anyone forgets it: an empty or stale answer (a fault, a lag) must not
// make a refresh drop a key pair that exists, and with it the only copy
// of its private key. It waits the settle time, then asks by id with a
// call of its own; a *NotFoundError means gone, a key pair that it shows
// after all.
func (c *Client) ConfirmGone(ctx context.Context, id string) (*KeyPair, error) {
	if err := retry.Sleep(ctx, c.settle); err != nil {
		return nil, err
	}
	return c.describeOne(ctx, id)
}
