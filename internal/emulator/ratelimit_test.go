package emulator

import (
	"testing"
	"testing/synctest"
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// TestRateLimit runs in a synctest bubble, whose clock the token buckets
// read: the calls of a burst all arrive at one instant of it, however busy
// the machine, and the buckets refill only when the test lets time pass.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e, _ := newBubbleEnv(t, Config{RateLimit: 10})
		burst := func(region string, n int) (throttled int) {
			c := e.cvm(region)
			return throttledOf(t, n, func() error {
				_, err := c.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
				return err
			})
		}
		// A burst of 10 passes, the other 30 are refused.
		if n := burst(testRegion, 40); n != 30 {
			t.Errorf("%d of 40 calls at one instant throttled at 10/s, want 30", n)
		}
		// One token comes back every 100ms.
		time.Sleep(100 * time.Millisecond)
		if n := burst(testRegion, 2); n != 1 {
			t.Errorf("100ms later: %d of 2 calls throttled, want 1", n)
		}
		time.Sleep(time.Second)
		if n := burst(testRegion, 10); n != 0 {
			t.Errorf("a second later: %d of 10 calls throttled, want 0 (a full bucket)", n)
		}
		// Other regions and other actions have buckets of their own.
		if n := burst("ap-shanghai", 10); n != 0 {
			t.Errorf("another region: %d calls throttled", n)
		}
		req := cvm.NewModifyKeyPairAttributeRequest()
		req.KeyId, req.KeyName = ptr("skey-zzzzzzzz"), ptr("x")
		_, err := e.cvm(testRegion).ModifyKeyPairAttribute(req)
		wantCode(t, err, "InvalidKeyPairId.NotFound")

		st := e.stats()
		if st.Throttled["DescribeKeyPairs"] != 31 || st.Calls["DescribeKeyPairs"] != 62 {
			t.Errorf("stats = %+v, want 31 throttled of 62 calls", st)
		}
	})
}

func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{RateLimit: 0})
	c := e.cvm(testRegion)
	for i := range 40 {
		if _, err := c.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest()); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
}
