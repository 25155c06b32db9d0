package emulator

import (
	"testing"
	"testing/synctest"
)

// The pool fills to its configured size in the background, and the control
// API says how full it is. In a synctest bubble, synctest.Wait returns
// once the worker has filled the pool and waits for room, however long the
// keys took to generate.
func TestKeyPool_fillsAndReports(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e, _ := newBubbleEnv(t, Config{KeyBits: 1024, KeyPool: 3})
		synctest.Wait()
		p, err := (ControlClient{URL: e.url, HTTPClient: e.httpClient()}).KeyPool(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if p.Size != 3 || p.Ready != 3 {
			t.Errorf("pool holds %d of %d keys, want 3 of 3", p.Ready, p.Size)
		}
		// A create takes a key, and the worker makes another.
		e.create(testRegion, "takes_one")
		synctest.Wait()
		if ready := len(e.srv.pool.keys); ready != 3 {
			t.Errorf("after a create the pool holds %d keys, want it refilled to 3", ready)
		}
	})
}
