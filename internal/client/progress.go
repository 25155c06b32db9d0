package client

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Progress: a create or delete that waits, for an action's rate limit or
// for DescribeKeyPairs to show what it did, says so at INFO, so that an
// apply whose key pairs each take seconds ("Creation complete after 7s")
// tells why at TF_LOG=info. Only waits long enough to notice are told, one
// line as each starts (and one as a wait for DescribeKeyPairs ends): the
// many short waits of a busy apply would bury the lines that matter. The
// lines name actions, key pair ids and times, never a key or a credential.
// Nothing is built for a wait shorter than noticeWait, so that the calls
// pay nothing for it when nobody reads the logs.

// noticeWait is the shortest wait that is told at INFO.
const noticeWait = time.Second

// tellRateLimitWait tells a call's wait for its action's rate limit: the
// expected wait, the rate and what shares it. rate is the limiter's rate
// now, lower than the action's share of rate_limit after the API refused
// calls for the account's limit.
func (c *Client) tellRateLimitWait(ctx context.Context, a apiAction, expected time.Duration, rate float64) {
	limit := a.ratePerSecond(c.rateLimit)
	why := fmt.Sprintf("%s calls/s, shared by this provider's %s calls", formatRate(rate), a.name)
	if rate < limit {
		why = fmt.Sprintf("%s calls/s, lowered from %s after the API refused calls for the account's rate limit; shared by this provider's %s calls",
			formatRate(rate), formatRate(limit), a.name)
	}
	tflog.Info(ctx, fmt.Sprintf("Tencent Cloud API: waiting %s for the %s rate limit (%s)", roundWait(expected), a.name, why), map[string]any{
		"action": a.name, "wait_ms": expected.Milliseconds(), "rate_per_s": rate, "rate_limit_per_s": limit,
	})
}

// consistencyWait tells a wait for DescribeKeyPairs to show a write, such
// as "key pair skey-3glfot13 to show in DescribeKeyPairs", once it is long
// enough to notice, and how long it took when it ends.
type consistencyWait struct {
	ctx   context.Context
	what  string // "key pair skey-3glfot13 to show in DescribeKeyPairs"
	start time.Time
	told  bool
}

// sleeping is called before the wait sleeps for sleep, after waiting
// waited: it tells the wait when the two make noticeWait or more.
func (w *consistencyWait) sleeping(waited, sleep time.Duration) {
	if w.told || waited+sleep < noticeWait || w.what == "" {
		return
	}
	w.told = true
	msg := fmt.Sprintf("Tencent Cloud API: waiting for %s (the API is eventually consistent): not yet after %s, reading again in %s",
		w.what, roundWait(waited), roundWait(sleep))
	if waited == 0 {
		msg = fmt.Sprintf("Tencent Cloud API: waiting %s for %s (the API is eventually consistent: the time recent writes took to show)",
			roundWait(sleep), w.what)
	}
	tflog.Info(w.ctx, msg, map[string]any{"waited_ms": waited.Milliseconds(), "next_read_in_ms": sleep.Milliseconds()})
}

// ended tells how long a wait that was told took.
func (w *consistencyWait) ended(err error) {
	if !w.told {
		return
	}
	took := time.Since(w.start)
	if err != nil {
		tflog.Info(w.ctx, fmt.Sprintf("Tencent Cloud API: stopped waiting for %s after %s", w.what, roundWait(took)),
			map[string]any{"waited_ms": took.Milliseconds()})
		return
	}
	tflog.Info(w.ctx, fmt.Sprintf("Tencent Cloud API: done waiting for %s, after %s", w.what, roundWait(took)),
		map[string]any{"waited_ms": took.Milliseconds()})
}

// roundWait rounds a wait to what a reader needs: tenths of a second.
func roundWait(d time.Duration) time.Duration {
	return d.Round(100 * time.Millisecond)
}

// formatRate writes a rate without needless decimals: 10, 2.5.
func formatRate(r float64) string {
	return fmt.Sprintf("%.3g", r)
}
