package emulator

import (
	"context"
	"testing"
	"time"
)

// The pool fills to its configured size in the background, and the control
// API says how full it is.
func TestKeyPool_fillsAndReports(t *testing.T) {
	t.Parallel()
	_, url := NewTestServer(t, Config{KeyBits: 1024, KeyPool: 3})
	ctl := ControlClient{URL: url}
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := ctl.KeyPool(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if p.Size != 3 {
			t.Fatalf("pool size %d, want 3", p.Size)
		}
		if p.Ready == p.Size {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pool holds %d of %d keys after 30 s", p.Ready, p.Size)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
