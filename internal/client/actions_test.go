package client

import (
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/ratelimit"
)

// Only an action declared batchable gets a batcher.
func TestActions_batcherOnlyForBatchable(t *testing.T) {
	c := &Client{limiters: map[string]*ratelimit.Limiter{}}
	if b := batcherFor(c, actDescribeKeyPairs, time.Millisecond, 100, c.describeMany, c.describeSingle); b.Hold == nil {
		t.Error("the batcher of DescribeKeyPairs does not wait for its rate limiter")
	}
	defer func() {
		if recover() == nil {
			t.Error("a batcher was built for ModifyKeyPairAttribute, which is not declared batchable")
		}
	}()
	batcherFor(c, actModifyKeyPairAttribute, time.Millisecond, 100, c.deleteMany, c.deleteSingle)
}

// The listing survives only the actions that write nothing.
func TestActions_properties(t *testing.T) {
	for _, a := range []apiAction{actDescribeKeyPairs, actDescribeProjects, actDescribeInstances} {
		if a.invalidatesListing() || !a.idempotent {
			t.Errorf("%s reads: it must keep the listing and be sent again when its answer is lost", a.name)
		}
	}
	for _, a := range []apiAction{actCreateKeyPair, actImportKeyPair} {
		if a.idempotent || !a.invalidatesListing() {
			t.Errorf("%s makes a key pair: it must not be sent again blindly, and it ends the listing", a.name)
		}
	}
}
