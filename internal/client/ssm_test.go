package client

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// A refresh of several secrets reads their tags in one Tag API call, and
// each secret gets its own tags, the create token apart. The test runs in
// a synctest bubble: the reads that start together join one batch however
// busy the machine.
func TestClient_secretTagReadsShareCalls(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{}, 1000)
		ctx := context.Background()
		const n = 3
		for i := range n {
			spec := SecretSpec{Name: fmt.Sprintf("tags-%d", i), Tags: map[string]string{"n": fmt.Sprint(i)}}
			if _, err := c.CreateSSHKeyPairSecret(ctx, spec); err != nil {
				t.Fatal(err)
			}
		}
		before := stats(t, ctl).Calls["DescribeResourceTagsByResourceIds"]
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				s, err := c.ReadSecret(ctx, fmt.Sprintf("tags-%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				if want := map[string]string{"n": fmt.Sprint(i)}; !maps.Equal(s.Tags, want) || s.CreateToken == "" {
					t.Errorf("secret tags-%d: tags %v, token %q; want %v and a token", i, s.Tags, s.CreateToken, want)
				}
			})
		}
		wg.Wait()
		if got := stats(t, ctl).Calls["DescribeResourceTagsByResourceIds"] - before; got != 1 {
			t.Errorf("%d reads of secrets at once made %d tag calls, want 1", n, got)
		}
	})
}
