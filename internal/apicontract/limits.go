package apicontract

// Limits of the key pair actions and the Tag API. Lengths are counted in
// characters (Unicode code points, what utf8.RuneCountInString counts), not
// in bytes: the pages say characters, and the Tag API says UTF-8 characters.
const (
	// RateLimitPerAction is the documented request rate of every key pair
	// action: "A maximum of 10 requests can be initiated per second for
	// this API" (CreateKeyPair 213/15702, and the same on the page of each
	// other key pair action).
	RateLimitPerAction = 10

	// MaxKeyNameLength is the longest KeyName: "with a maximum length of
	// 25 characters" (CreateKeyPair 213/15702, ImportKeyPair 213/15703,
	// ModifyKeyPairAttribute 213/15701).
	MaxKeyNameLength = 25

	// MaxDescriptionLength is the longest Description of a key pair: "at
	// most 60 characters" (ModifyKeyPairAttribute 213/15701).
	MaxDescriptionLength = 60

	// MaxIDsPerCall is the most ids in one KeyIds or InstanceIds list: "The
	// maximum number of key pairs in each request is 100" (DeleteKeyPairs
	// 213/15700, AssociateInstancesKeyPairs 213/15698,
	// DisassociateInstancesKeyPairs 213/15697, which say the same of
	// instances). More are answered with
	// InvalidParameterValue.LimitExceeded (DeleteKeyPairs 213/15700).
	MaxIDsPerCall = 100

	// MaxDescribeLimit and DefaultDescribeLimit bound the Limit of
	// DescribeKeyPairs: "default value: 20; maximum: 100" (DescribeKeyPairs
	// 213/15699). A Limit of 0 counts as absent.
	MaxDescribeLimit     = 100
	DefaultDescribeLimit = 20

	// MaxFiltersPerDescribe and MaxValuesPerFilter bound the Filters of
	// DescribeKeyPairs. Its own page (213/15699) gives no number; the
	// other CVM Describe actions document "每次请求的`Filters`的上限为10，
	// `Filter.Values`的上限为5" (at most 10 filters per request and 5
	// values per filter), for example DescribeInstancesRequestParams.Filters
	// and DescribeHostsRequestParams.Filters in the SDK's
	// tencentcloud/cvm/v20170312/models.go. That these hold for key pairs is
	// inferred.
	MaxFiltersPerDescribe = 10
	MaxValuesPerFilter    = 5

	// MaxKeyPairs is the key pair quota: "each Tencent Cloud account can
	// have up to 100 SSH keys" (product documentation 213/6092). Whether it
	// counts per account or per region is not settled; code must work under
	// both.
	MaxKeyPairs = 100

	// MaxTagsPerResource is the most tags on one key pair, as on any
	// resource (Tag use limits 651/13354).
	MaxTagsPerResource = 50

	// MaxTagKeyLength and MaxTagValueLength bound tag keys (1 to 127
	// characters) and values (1 to 255) (Tag use limits 651/13354).
	MaxTagKeyLength   = 127
	MaxTagValueLength = 255

	// MaxTagsPerModify is the most entries in each of ReplaceTags and
	// DeleteTags of one ModifyResourceTags call: "标签数量不超过10个" (at
	// most 10 tags), the SDK's tencentcloud/tag/v20180813/models.go v1.1.0,
	// ModifyResourceTagsRequestParams (its page 651/33012 gives no number).
	// That more is answered with LimitExceeded.TagNumPerRequest (the Tag
	// API's errors.go) is inferred.
	MaxTagsPerModify = 10

	// ProjectsPageLimit is the Limit of the Tag API's DescribeProjects:
	// "分页条数，固定值1000" (entries per page, a fixed value of 1000), with
	// Offset counting entries (DescribeProjects 651/78725, and the SDK's
	// tencentcloud/tag/v20180813/models.go). AllList, Limit and Offset are
	// all required.
	ProjectsPageLimit = 1000
)
