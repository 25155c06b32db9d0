package client

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Retries counts the calls this process sent again after a throttle, a
// server fault, a network failure or a lost answer. The fault suite reports
// it; expvar publishes it wherever a program serves /debug/vars.
var Retries = expvar.NewInt("tencentcloud_api_retries")

// ErrorCode returns the Tencent Cloud error code of err, or "" when err did
// not come from the API or the SDK.
func ErrorCode(err error) string {
	var sdkErr *sdkerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return sdkErr.Code
	}
	return ""
}

// isThrottled reports whether the API refused the call for its rate limit.
// A refused call was never executed, so it is always safe to send again.
func isThrottled(err error) bool {
	return strings.HasPrefix(ErrorCode(err), "RequestLimitExceeded")
}

// isTransient reports whether the call failed in a way that may not recur:
// a server fault or a network failure. The call may or may not have taken
// effect, so only calls that are safe to repeat are retried for it.
func isTransient(err error) bool {
	switch ErrorCode(err) {
	case "InternalError", "InternalServerError", "ClientError.NetworkError":
		return true
	}
	return false
}

// IsLostResponse reports whether a call may have taken effect although no
// answer arrived: the connection broke or the server failed mid-way.
func IsLostResponse(err error) bool {
	return isTransient(err)
}

// do sends one API call through the action's rate limiter and retries it
// with exponential backoff and full jitter while the failure is retryable,
// the retry budget lasts, and ctx is alive. send returns the RequestId of
// the answer so that it can be logged; it must build a fresh SDK request
// on every attempt, because a request object remembers its first endpoint.
func (c *Client) do(ctx context.Context, action string, idempotent bool, send func(context.Context) (*string, error)) error {
	limiter := c.limiter(action)
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := limiter.Wait(ctx); err != nil {
			if ctx.Err() == nil {
				// The limiter refuses to wait past the deadline.
				err = fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
			}
			return errors.Join(lastErr, err)
		}
		start := time.Now()
		c.calls.Add(1)
		requestID, err := send(ctx)
		if action != "DescribeKeyPairs" {
			// Every other action writes, or may have written even when it
			// failed: the region's listing no longer holds.
			c.listing.wrote()
		}
		fields := map[string]any{
			"action":     action,
			"region":     c.region,
			"attempt":    attempt + 1,
			"latency_ms": time.Since(start).Milliseconds(),
		}
		if requestID != nil {
			fields["request_id"] = *requestID
		}
		if err == nil {
			tflog.Debug(ctx, "Tencent Cloud API call", fields)
			return nil
		}
		fields["error_code"] = ErrorCode(err)
		var sdkErr *sdkerrors.TencentCloudSDKError
		if errors.As(err, &sdkErr) && sdkErr.RequestId != "" {
			fields["request_id"] = sdkErr.RequestId
		}
		lastErr = err
		retryable := isThrottled(err) || (idempotent && isTransient(err))
		if !retryable || attempt >= c.maxRetries {
			tflog.Debug(ctx, "Tencent Cloud API call failed", fields)
			return err
		}
		Retries.Add(1)
		c.retries.Add(1)
		delay := c.backoff(attempt)
		fields["retry_in_ms"] = delay.Milliseconds()
		tflog.Debug(ctx, "Tencent Cloud API call failed, retrying", fields)
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return errors.Join(err, ctx.Err())
		case <-timer.C:
		}
	}
}

// backoff is exponential with full jitter, capped at 10 seconds, so that
// callers throttled together do not come back together.
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.retryBase << min(attempt, 6)
	ceiling = min(ceiling, 10*time.Second)
	return ceiling/2 + rand.N(ceiling/2+1)
}
