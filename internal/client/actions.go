package client

import "github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"

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
	// rate is the action's documented limit in calls per second when it
	// is not DefaultRateLimit, the CVM key pair actions' (0: that one).
	// The provider's rate_limit scales every action alike: it is the
	// share of the documented limits that this provider uses.
	rate float64
}

// ratePerSecond is the rate of the action's limiter when the provider's
// rate_limit is rateLimit.
func (a apiAction) ratePerSecond(rateLimit float64) float64 {
	if a.rate == 0 {
		return rateLimit
	}
	return rateLimit * a.rate / DefaultRateLimit
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
	// The states of the instances a key pair is bound to, so that a plan
	// and an error name the running ones (instances.go).
	actDescribeInstances = apiAction{name: "DescribeInstances", idempotent: true, rate: apicontract.DescribeInstancesRateLimit}
	// The Tag API's reading of projects.
	actDescribeProjects = apiAction{name: "DescribeProjects", idempotent: true}
	// The Tag API's reading of a secret's tags (ssm.go): key pairs show
	// theirs in DescribeKeyPairs, secrets in no SSM answer.
	actDescribeResourceTagsByResourceIds = apiAction{name: "DescribeResourceTagsByResourceIds", idempotent: true, batchable: true,
		rate: apicontract.DescribeResourceTagsByResourceIdsRateLimit}
)

// The Secrets Manager actions of the SSH key pair secrets (ssm.go), each
// with its documented rate (apicontract/ssm.go). A create is sent once and
// recovered by the secret's name and create token after a lost answer;
// the other writes set a state, and sending them again does no harm
// (DeleteSecret of a secret already gone answers ResourceNotFound, which
// counts as done). Every write ends the region's key pair listing: a
// secret's create and delete make and delete a CVM key pair.
var (
	actCreateSSHKeyPairSecret = apiAction{name: "CreateSSHKeyPairSecret", write: true, rate: apicontract.SSMCreateRateLimit}
	actGetSSHKeyPairValue     = apiAction{name: "GetSSHKeyPairValue", idempotent: true, rate: apicontract.SSMGetValueRateLimit}
	actDescribeSecret         = apiAction{name: "DescribeSecret", idempotent: true, rate: apicontract.SSMDescribeRateLimit}
	actUpdateDescription      = apiAction{name: "UpdateDescription", write: true, idempotent: true, rate: apicontract.SSMUpdateDescriptionRateLimit}
	actEnableSecret           = apiAction{name: "EnableSecret", write: true, idempotent: true, rate: apicontract.SSMStateRateLimit}
	actDisableSecret          = apiAction{name: "DisableSecret", write: true, idempotent: true, rate: apicontract.SSMStateRateLimit}
	actDeleteSecret           = apiAction{name: "DeleteSecret", write: true, idempotent: true, rate: apicontract.SSMStateRateLimit}
)
