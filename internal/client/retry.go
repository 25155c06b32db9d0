package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// maxRetryDelay caps the backoff of API calls, and maxThrottledDelay that
// of calls refused for the rate limit, which the adaptive rate limiter
// spaces as well (internal/client/ratelimit).
const (
	maxRetryDelay     = 10 * time.Second
	maxThrottledDelay = time.Second
)

// callPolicy is the retry policy of single API calls and of the recovery
// of lost answers.
func (c *Client) callPolicy() retry.Policy {
	return retry.Policy{MaxRetries: c.maxRetries, Base: c.retryBase, MaxDelay: maxRetryDelay, MaxThrottledDelay: maxThrottledDelay, Throttled: isThrottled}
}

// countWait counts a read again, of a wait for eventual consistency, and
// logs it.
func (c *Client) countWait(ctx context.Context, what string) func(int, error, time.Duration) {
	return func(attempt int, err error, delay time.Duration) {
		c.waits.Add(1)
		tflog.Debug(ctx, "Tencent Cloud API: waiting", map[string]any{
			"operation": what, "attempt": attempt + 1, "reason": err.Error(), "retry_in_ms": delay.Milliseconds(),
		})
	}
}

// countRetry counts a retry and logs it.
func (c *Client) countRetry(ctx context.Context, what string) func(int, error, time.Duration) {
	return func(attempt int, err error, delay time.Duration) {
		c.retries.Add(1)
		tflog.Debug(ctx, "Tencent Cloud API: retrying", map[string]any{
			"operation": what, "attempt": attempt + 1, "error": err.Error(), "retry_in_ms": delay.Milliseconds(),
		})
	}
}

// isThrottled reports whether the API refused the call for its rate limit.
// A refused call was never executed, so it is always safe to send again.
func isThrottled(err error) bool {
	return strings.HasPrefix(code(err), apicontract.CodeRequestLimitExceeded)
}

// answeredByAPI reports whether a failed call got an answer from the API
// itself, with a request id, rather than none or one it could not read.
func answeredByAPI(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.RequestID != ""
}

// isLostAnswer reports whether a call may have taken effect although no
// usable answer arrived: the connection broke, a gateway answered instead
// of the API, the body was cut, or the server failed mid-way.
func isLostAnswer(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.NotSent {
		return false
	}
	switch code(err) {
	case apicontract.CodeInternalError, apicontract.CodeInternalServerError, codeNetwork, codeParseJSON, codeHTTPStatus, codeIO, codeType, codeIncomplete:
		return true
	}
	return false
}

// isNotSent reports whether a call never left: always safe to send again.
func isNotSent(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.NotSent
}

// isTimeout reports whether a call got no answer within the request
// timeout.
func isTimeout(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Timeout
}

// maxUnreachableRetries bounds the retries of calls that could not connect
// and of calls that timed out, whatever max_retries says: an endpoint that
// is down or silent fails an operation in seconds, or in a few request
// timeouts, instead of minutes.
const maxUnreachableRetries = 2

// boundUnreachable limits a retry predicate to maxUnreachableRetries
// retries of calls that were not sent or timed out.
func boundUnreachable(retryable func(error) bool) func(error) bool {
	notSent, timeouts := 0, 0
	return func(err error) bool {
		switch {
		case isNotSent(err):
			notSent++
			if notSent > maxUnreachableRetries {
				return false
			}
		case isTimeout(err):
			timeouts++
			if timeouts > maxUnreachableRetries {
				return false
			}
		}
		return retryable(err)
	}
}

// do sends one API call through the action's rate limiter, and sends it
// again while it is throttled, when it could not connect, or, when the
// action is idempotent (actions.go), while its answer is lost. Each
// attempt has requestTimeout. send returns the RequestId of the answer so
// that it can be logged; it must build a fresh SDK request on every
// attempt, because a request object remembers its first endpoint. Errors
// come back as *APIError.
func (c *Client) do(ctx context.Context, a apiAction, send func(context.Context) (*string, error)) error {
	action, idempotent := a.name, a.idempotent
	limiter := c.limiter(a)
	policy := c.callPolicy()
	retryable := boundUnreachable(func(err error) bool {
		return isThrottled(err) || isNotSent(err) || (idempotent && isLostAnswer(err))
	})
	if inRecovery(ctx) {
		// A recovery's calls retry until its context ends (recovery.go).
		policy = c.recoveryPolicy()
		retryable = func(err error) bool {
			return isThrottled(err) || isNotSent(err) || isTimeout(err) || (idempotent && isLostAnswer(err))
		}
	}
	err := retry.When(ctx, policy, retryable, c.countRetry(ctx, action), func(ctx context.Context, attempt int) error {
		// A wait long enough to notice is told at INFO (progress.go).
		sentAt, err := limiter.WaitTelling(ctx, noticeWait, func(expected time.Duration, rate float64) {
			c.tellRateLimitWait(ctx, a, expected, rate)
		})
		if err != nil {
			if ctx.Err() == nil {
				// The limiter refuses to wait past the deadline.
				err = fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
			}
			return err
		}
		start := time.Now()
		c.calls.Add(1)
		callCtx, cancel := context.WithTimeout(ctx, c.requestTimeout)
		requestID, err := send(callCtx)
		timedOut := errors.Is(callCtx.Err(), context.DeadlineExceeded)
		cancel()
		err = fromSDK(action, err)
		if err != nil && timedOut && ctx.Err() == nil {
			// This call's own deadline ended it, not the operation's.
			err = &APIError{Action: action, Code: codeNetwork, Timeout: true,
				Message: fmt.Sprintf("no answer from %s within %s (request_timeout)", c.endpoint, c.requestTimeout)}
		}
		// The limiter's rate follows the API's answers: down when it
		// refuses a call for the rate limit, back up while it answers
		// others. A call with no answer says nothing about the limit.
		switch {
		case isThrottled(err):
			limiter.Throttled(sentAt)
		case err == nil || answeredByAPI(err):
			limiter.Answered()
		}
		if a.invalidatesListing() {
			// The action writes, or may have written even when it failed:
			// the region's listing no longer holds (actions.go).
			c.listing.wrote()
		}
		fields := map[string]any{
			"action":     action,
			"region":     c.region,
			"attempt":    attempt + 1,
			"latency_ms": time.Since(start).Milliseconds(),
			// The action's rate now, which the answer may have changed.
			"rate_per_s": limiter.Rate(),
		}
		if requestID != nil {
			fields["request_id"] = *requestID
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			fields["error_code"] = apiErr.Code
			if apiErr.RequestID != "" {
				fields["request_id"] = apiErr.RequestID
			}
		}
		if err == nil {
			tflog.Debug(ctx, "Tencent Cloud API call", fields)
		} else {
			tflog.Debug(ctx, "Tencent Cloud API call failed", fields)
		}
		return err
	})
	return c.classify(err)
}
