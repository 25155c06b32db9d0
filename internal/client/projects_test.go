package client

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The default project exists without a call; the others are looked up in
// one listing, which every later question and every concurrent caller
// shares.
func TestClient_projectExists(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{Projects: []int64{1001, 1002}}, 1000)
	ctx := context.Background()
	if ok, err := c.ProjectExists(ctx, 0); !ok || err != nil {
		t.Fatalf("ProjectExists(0) = %v, %v; want true", ok, err)
	}
	if n := stats(t, ctl).Calls["DescribeProjects"]; n != 0 {
		t.Fatalf("the default project cost %d DescribeProjects calls, want 0", n)
	}

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if ok, err := c.ProjectExists(ctx, 1002); !ok || err != nil {
				t.Errorf("ProjectExists(1002) = %v, %v; want true", ok, err)
			}
		})
	}
	wg.Wait()
	for id, want := range map[int64]bool{1001: true, 1002: true, 1003: false, 9999: false, -1: false} {
		if ok, err := c.ProjectExists(ctx, id); ok != want || err != nil {
			t.Errorf("ProjectExists(%d) = %v, %v; want %v", id, ok, err, want)
		}
	}
	if n := stats(t, ctl).Calls["DescribeProjects"]; n != 1 {
		t.Errorf("%d DescribeProjects calls, want 1", n)
	}
	if s := c.Stats(); s.Calls != 1 {
		t.Errorf("the client counts %d calls, want 1", s.Calls)
	}

	// Another client (another provider process) lists for itself.
	other := clientAt(t, endpointOf(t, c), 1000)
	if ok, err := other.ProjectExists(ctx, 1003); ok || err != nil {
		t.Errorf("another client: ProjectExists(1003) = %v, %v; want false", ok, err)
	}
	if n := stats(t, ctl).Calls["DescribeProjects"]; n != 2 {
		t.Errorf("%d DescribeProjects calls after a second client, want 2", n)
	}
}

// More projects than a page holds: the listing pages through them all.
func TestClient_projectExistsPages(t *testing.T) {
	t.Parallel()
	many := make([]int64, 2500)
	for i := range many {
		many[i] = int64(i + 1)
	}
	c, ctl := newTestClient(t, emulator.Config{Projects: many}, 1000)
	for _, id := range []int64{1, 1000, 1001, 2000, 2001, 2500} {
		if ok, err := c.ProjectExists(context.Background(), id); !ok || err != nil {
			t.Errorf("ProjectExists(%d) = %v, %v; want true", id, ok, err)
		}
	}
	if ok, _ := c.ProjectExists(context.Background(), 2501); ok {
		t.Error("ProjectExists(2501) = true")
	}
	if n := stats(t, ctl).Calls["DescribeProjects"]; n != 3 {
		t.Errorf("%d DescribeProjects calls for 2500 projects, want 3 pages", n)
	}
}

// A failed listing is an error, not a missing project, and is not sent
// again for the next key pair; a listing that the caller's context cut
// short is forgotten.
func TestClient_projectExistsFailures(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{Projects: []int64{1001}}, 1000)
	ctx := context.Background()

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.ProjectExists(cancelled, 1001); !errors.Is(err, context.Canceled) {
		t.Fatalf("ProjectExists with a cancelled context: %v, want context.Canceled", err)
	}
	if ok, err := c.ProjectExists(ctx, 1001); !ok || err != nil {
		t.Fatalf("ProjectExists after a cancelled listing = %v, %v; want true", ok, err)
	}

	failing := clientAt(t, endpointOf(t, c), 1000)
	failing.maxRetries = 1
	if err := ctl.SetFaults(ctx, emulator.Faults{Rules: []emulator.FaultRule{{Action: "DescribeProjects", InternalError: 1}}}); err != nil {
		t.Fatal(err)
	}
	before := stats(t, ctl).Calls["DescribeProjects"]
	for range 3 {
		if ok, err := failing.ProjectExists(ctx, 1001); ok || code(err) != "InternalError" {
			t.Errorf("ProjectExists while DescribeProjects fails = %v, %v; want an InternalError", ok, err)
		}
	}
	if n := stats(t, ctl).Calls["DescribeProjects"] - before; n != 2 {
		t.Errorf("%d DescribeProjects calls for 3 questions, want 2 (one listing, retried once)", n)
	}
}

// endpointOf is the emulator URL of a test client.
func endpointOf(t *testing.T, c *Client) string {
	t.Helper()
	if c.endpoint == "" {
		t.Fatal("the client has no endpoint")
	}
	return c.endpoint
}

// Asking about projects reads, it does not write: the region's listing of
// key pairs keeps answering reads, so a plan that checks a project still
// reads its key pairs with one DescribeKeyPairs call. On the bubble's
// clock, the calls take no time, and the listing stays fresh for them
// however busy the machine.
func TestProjectExists_keepsTheListing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, ctl := newBubbleClient(t, emulator.Config{Projects: []int64{1001}}, 1000)
		ctx := context.Background()
		ids := createN(t, c, 2)
		// Let the creates' writes age out of the listing's window.
		time.Sleep(listingTTL)
		if _, err := c.DescribeKeyPair(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		before := stats(t, ctl).Calls["DescribeKeyPairs"]
		if ok, err := c.ProjectExists(ctx, 1001); err != nil || !ok {
			t.Fatalf("ProjectExists(1001) = %v, %v", ok, err)
		}
		if _, err := c.DescribeKeyPair(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if got := stats(t, ctl).Calls["DescribeKeyPairs"] - before; got != 0 {
			t.Errorf("%d DescribeKeyPairs calls after DescribeProjects, want 0: the listing was dropped", got)
		}
	})
}
