package client

import "testing"

// The batchers send the actions declared batchable, and the listing
// survives only the actions that write nothing.
func TestActions_properties(t *testing.T) {
	for _, a := range []apiAction{actDescribeKeyPairs, actDeleteKeyPairs} {
		if !a.batchable {
			t.Errorf("%s is sent by a batcher but not declared batchable", a.name)
		}
	}
	for _, a := range []apiAction{actDescribeKeyPairs, actDescribeProjects} {
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
