package apicontract

// The Tag API's read and write actions beyond ModifyResourceTags: their
// rate limits, list and page limits, and error codes. The sources:
//
//   - the SDK's tencentcloud/tag/v20180813/models.go, whose comments on
//     the request fields state the limits and defaults;
//   - the SDK's tencentcloud/tag/v20180813/client.go and errors.go, which
//     list each action's codes;
//   - the API category page (651/33003,
//     https://www.tencentcloud.com/document/product/651/33003), which
//     gives each action's rate limit, and each action's own page, on
//     www.tencentcloud.com/document/api/651/: GetResources 46539, GetTags
//     46536, GetTagKeys 46538, GetTagValues 46537, DescribeTags 35316,
//     DescribeResourceTags 37097, DescribeResourceTagsByResourceIds
//     33022, DescribeResourceTagsByTagKeys 35705, AddResourceTag 33016.
//
// A value that none of these gives is marked inferred.

// Rate limits of the Tag API actions, in requests per second (the API
// category page 651/33003, and the page of each action).
const (
	// TagRateLimit is the limit of every Tag API action served here but
	// the two below: AddResourceTag, CreateTag, DeleteResourceTag,
	// DeleteTag, ModifyResourceTags, TagResources, UnTagResources,
	// DescribeResourceTags, DescribeResourceTagsByTagKeys, GetResources,
	// GetTags, GetTagKeys and GetTagValues.
	TagRateLimit = 20
	// DescribeResourceTagsByResourceIdsRateLimit: "A maximum of 100
	// requests can be initiated per second for this API" (651/33022).
	DescribeResourceTagsByResourceIdsRateLimit = 100
	// DescribeTagsRateLimit: "A maximum of 60 requests can be initiated
	// per second for this API" (651/35316).
	DescribeTagsRateLimit = 60
)

// Limits of the Tag API actions.
const (
	// MaxResourceIdsPerDescribe bounds ResourceIds of
	// DescribeResourceTagsByResourceIds: "资源ID数组，大小不超过50" (an
	// array of resource ids, at most 50).
	MaxResourceIdsPerDescribe = 50
	// MaxResourceIdsByTagKeys and MaxTagKeysByTagKeys bound the lists of
	// DescribeResourceTagsByTagKeys: "列表容量不超过20" (at most 20) for
	// both ResourceIds and TagKeys.
	MaxResourceIdsByTagKeys = 20
	MaxTagKeysByTagKeys     = 20
	// MaxResourcesPerTagCall bounds ResourceList of TagResources,
	// UnTagResources and GetResources: "N取值范围：0~9" (N from 0 to 9,
	// ten entries).
	MaxResourcesPerTagCall = 10
	// MaxTagsPerTagResources bounds Tags of TagResources and TagKeys of
	// UnTagResources: "N取值范围：0~9" and "取值范围：0~9".
	MaxTagsPerTagResources = 10
	// MaxTagFilters and MaxValuesPerTagFilter bound TagFilters of
	// GetResources: "N取值范围：0~5" (six filters) and "每个TagFilters中的
	// TagValue最多支持10个" (at most 10 values in each).
	MaxTagFilters         = 6
	MaxValuesPerTagFilter = 10
	// MaxTagKeysPerGet bounds TagKeys of GetTags and GetTagValues: "最大
	// 长度：20" (at most 20).
	MaxTagKeysPerGet = 20

	// DefaultTagPageLimit is the default Limit of DescribeResourceTags,
	// DescribeResourceTagsByResourceIds and DescribeTags: "每页大小，默认为
	// 15" (page size, default 15). Their Offset "必须为Limit参数的整数倍"
	// (must be a multiple of Limit).
	DefaultTagPageLimit = 15
	// DefaultByTagKeysLimit is the default Limit of
	// DescribeResourceTagsByTagKeys: "每页大小，默认为 400".
	DefaultByTagKeysLimit = 400
	// MaxTagPageLimit bounds the Limit of the Offset/Limit actions above.
	// No source gives a maximum: 1000 is inferred, the largest page that
	// the token-paged actions document.
	MaxTagPageLimit = 1000

	// DefaultResourcesPage and MaxResourcesPage are the default and the
	// maximum MaxResults of GetResources: "每一页返回的数据最大条数，最大
	// 200。缺省值：50".
	DefaultResourcesPage = 50
	MaxResourcesPage     = 200
	// DefaultTagsPage and MaxTagsPage are those of GetTags, GetTagKeys and
	// GetTagValues: "最大1000。缺省值：50".
	DefaultTagsPage = 50
	MaxTagsPage     = 1000

	// MaxTagKeysPerAccount and MaxValuesPerTagKey bound the account's tag
	// list: "用户创建标签键达到上限数 1000" (LimitExceeded.TagKey) and "单个
	// 标签键对应标签值达到上限数 1000" (LimitExceeded.TagValue), the SDK's
	// errors.go.
	MaxTagKeysPerAccount = 1000
	MaxValuesPerTagKey   = 1000
)

// Error codes of the Tag API actions, in the SDK's
// tencentcloud/tag/v20180813/errors.go. Which action answers which is
// listed in client.go; where the emulator answers one for a case that no
// source names, the emulator's comment says so.
const (
	// CodeLimitExceeded is the plain quota code that GetTags, GetTagKeys
	// and GetTagValues document.
	CodeLimitExceeded = "LimitExceeded"
	// CodeTagRegionInvalid: "地域错误" (a wrong region).
	CodeTagRegionInvalid = "InvalidParameterValue.RegionInvalid"
	// CodeResourceIDInvalid: "资源Id错误" (a wrong resource id).
	CodeResourceIDInvalid = "InvalidParameterValue.ResourceIdInvalid"
	// CodeOffsetInvalid: "offset error", documented for the Seq variants
	// of the Offset/Limit reads.
	CodeOffsetInvalid = "InvalidParameterValue.OffsetInvalid"
	// CodePaginationTokenInvalid: "PaginationToken参数非法" (an invalid
	// PaginationToken).
	CodePaginationTokenInvalid = "InvalidParameter.PaginationTokenInvalid"
	// CodeResourceNumPerRequest: "单次请求的资源数达到上限" (too many
	// resources in one request).
	CodeResourceNumPerRequest = "LimitExceeded.ResourceNumPerRequest"
	// CodeTagKeyQuota: the account has MaxTagKeysPerAccount keys.
	CodeTagKeyQuota = "LimitExceeded.TagKey"
	// CodeTagValueQuota: a key has MaxValuesPerTagKey values.
	CodeTagValueQuota = "LimitExceeded.TagValue"
	// CodeTagDuplicate: "标签已存在" (CreateTag of a tag that exists).
	CodeTagDuplicate = "ResourceInUse.TagDuplicate"
	// CodeTagKeyAttached: "对应的标签键和资源已关联" (AddResourceTag of a
	// key that the resource already has).
	CodeTagKeyAttached = "ResourceInUse.TagKeyAttached"
	// CodeAttachedTagKeyNotFound: "资源关联的标签键不存在"
	// (DeleteResourceTag of a key that the resource does not have).
	CodeAttachedTagKeyNotFound = "ResourceNotFound.AttachedTagKeyNotFound"
	// CodeTagNotExist: "标签不存在" (DeleteTag of a tag that does not
	// exist).
	CodeTagNotExist = "ResourceNotFound.TagNonExist"
	// CodeTagAttachedResource: "已关联资源的标签无法删除" (DeleteTag of a
	// tag that a resource has).
	CodeTagAttachedResource = "FailedOperation.TagAttachedResource"
)
