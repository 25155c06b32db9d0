package emulator

import (
	"sync"
	"testing"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// TestRateLimit is timing-sensitive, so it does not run in parallel with
// the other tests and sends its calls all at once.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, Config{RateLimit: 10})
	burst := func(region string, n int) (throttled int) {
		c := e.cvm(region)
		codes := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := c.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
				codes <- errCode(err)
			})
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			switch code {
			case "":
			case "RequestLimitExceeded":
				throttled++
			default:
				t.Fatalf("describe: %s", code)
			}
		}
		return throttled
	}
	// A burst of 10 passes; of the other 30, only those after a refill
	// (one every 100ms) can pass. 40 calls leave room for a slow machine.
	throttled := burst(testRegion, 40)
	if throttled == 0 || throttled > 30 {
		t.Errorf("%d of 40 quick calls throttled at 10/s, want 1 to 30", throttled)
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
	if st.Throttled["DescribeKeyPairs"] != throttled || st.Calls["DescribeKeyPairs"] != 50 {
		t.Errorf("stats = %+v, want %d throttled of 50 calls", st, throttled)
	}
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
