package emulator

import (
	"sync"
	"sync/atomic"
	"testing"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// TestConcurrency creates, describes and deletes from many goroutines; run
// with -race.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Quota: 100})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 8 {
		wg.Go(func() {
			c := e.cvm(testRegion)
			for i := range 8 {
				req := cvm.NewCreateKeyPairRequest()
				req.KeyName, req.ProjectId = ptr(string(rune('a'+g))+"_"+string(rune('a'+i))), ptr(int64(0))
				resp, err := c.CreateKeyPair(req)
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest()); err != nil {
					errs <- err
					return
				}
				if i%2 == 0 {
					del := cvm.NewDeleteKeyPairsRequest()
					del.KeyIds = []*string{resp.Response.KeyPair.KeyId}
					if _, err := c.DeleteKeyPairs(del); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	// Goroutines racing for one name: exactly one wins, the others see
	// the duplicate.
	var wins atomic.Int32
	for range 8 {
		wg.Go(func() {
			req := cvm.NewCreateKeyPairRequest()
			req.KeyName, req.ProjectId = ptr("contested"), ptr(int64(0))
			_, err := e.cvm(testRegion).CreateKeyPair(req)
			switch errCode(err) {
			case "":
				wins.Add(1)
			case "InvalidKeyPairName.Duplicate":
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := e.describe(testRegion)
	if len(got) != 8*4+1 {
		t.Errorf("%d key pairs left, want %d", len(got), 8*4+1)
	}
	ids := map[string]bool{}
	for _, kp := range got {
		if ids[*kp.KeyId] {
			t.Errorf("duplicate id %s", *kp.KeyId)
		}
		ids[*kp.KeyId] = true
	}
	if n := wins.Load(); n != 1 {
		t.Errorf("%d goroutines created the contested name, want 1", n)
	}
}
