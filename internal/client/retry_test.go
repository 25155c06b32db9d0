package client

import (
	"testing"
	"time"
)

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
		longestThrottled = max(longestThrottled, p.Delay(9, throttled))
		longestLost = max(longestLost, p.Delay(9, lost))
	}
	if longestThrottled > maxThrottledDelay || longestThrottled < maxThrottledDelay/2 {
		t.Errorf("the 10th retry of a throttled call: longest of 500 delays %s, want up to %s", longestThrottled, maxThrottledDelay)
	}
	if longestLost <= maxThrottledDelay || longestLost > maxRetryDelay {
		t.Errorf("the 10th retry of a lost answer: longest of 500 delays %s, want up to %s", longestLost, maxRetryDelay)
	}
}
