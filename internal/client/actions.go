package client

// apiAction is an API action that this client sends, declared once with
// the properties that decide how do sends it: retries, the listing and
// batching follow this table, never the match of an action's name.
type apiAction struct {
	// name is the action's name in the API (X-TC-Action); each action has
	// a rate limiter of its own.
	name string
	// write is true when a call changes what the API holds, or may have
	// changed it even though it failed.
	write bool
	// idempotent is true when a call sent twice does what one does: do
	// sends it again when its answer is lost. Creates and imports are
	// not, and read back instead (recovery.go).
	idempotent bool
	// batchable is true when a batcher combines the calls of several key
	// pairs into one; batcherFor (client.go) builds batchers only for
	// these.
	batchable bool
}

// invalidatesListing reports whether a call of the action, answered or
// not, ends the region's listing (listing.go): every write does.
func (a apiAction) invalidatesListing() bool { return a.write }

// The actions of this client. A new action is declared here, with its
// properties, and sent through do.
var (
	actCreateKeyPair                 = apiAction{name: "CreateKeyPair", write: true}
	actImportKeyPair                 = apiAction{name: "ImportKeyPair", write: true}
	actDescribeKeyPairs              = apiAction{name: "DescribeKeyPairs", idempotent: true, batchable: true}
	actModifyKeyPairAttribute        = apiAction{name: "ModifyKeyPairAttribute", write: true, idempotent: true}
	actModifyResourceTags            = apiAction{name: "ModifyResourceTags", write: true, idempotent: true}
	actDeleteKeyPairs                = apiAction{name: "DeleteKeyPairs", write: true, idempotent: true, batchable: true}
	actAssociateInstancesKeyPairs    = apiAction{name: "AssociateInstancesKeyPairs", write: true, idempotent: true}
	actDisassociateInstancesKeyPairs = apiAction{name: "DisassociateInstancesKeyPairs", write: true, idempotent: true}
	// The Tag API's reading of projects.
	actDescribeProjects = apiAction{name: "DescribeProjects", idempotent: true}
)
