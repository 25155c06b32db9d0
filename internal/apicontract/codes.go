package apicontract

// Common error codes of API 3.0, which any action may answer (Common error
// codes 213/15694). Throttling may also come as a variant of
// RequestLimitExceeded (RequestLimitExceeded.UinLimitExceeded,
// .IPLimitExceeded, .GlobalRegionUinLimitExceeded): test the prefix.
const (
	CodeInternalError            = "InternalError"
	CodeInvalidAction            = "InvalidAction"
	CodeInvalidParameter         = "InvalidParameter"
	CodeInvalidParameterValue    = "InvalidParameterValue"
	CodeMissingParameter         = "MissingParameter"
	CodeNoSuchVersion            = "NoSuchVersion"
	CodeRequestLimitExceeded     = "RequestLimitExceeded"
	CodeRequestSizeLimitExceeded = "RequestSizeLimitExceeded"
	CodeResourceNotFound         = "ResourceNotFound"
	CodeUnknownParameter         = "UnknownParameter"
	CodeUnsupportedProtocol      = "UnsupportedProtocol"
	CodeUnsupportedRegion        = "UnsupportedRegion"

	// Authentication failures (Common error codes 213/15694).
	CodeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	CodeSecretIDNotFound     = "AuthFailure.SecretIdNotFound"
	CodeSignatureExpire      = "AuthFailure.SignatureExpire"
	CodeSignatureFailure     = "AuthFailure.SignatureFailure"
	CodeTokenFailure         = "AuthFailure.TokenFailure"
	// CodeUnauthorizedOperation: the request is not authorized.
	CodeUnauthorizedOperation = "AuthFailure.UnauthorizedOperation"
)

// Error codes of the CVM key pair actions, from their pages' error code
// tables (CreateKeyPair 213/15702, ImportKeyPair 213/15703,
// DescribeKeyPairs 213/15699, DeleteKeyPairs 213/15700,
// ModifyKeyPairAttribute 213/15701, AssociateInstancesKeyPairs 213/15698,
// DisassociateInstancesKeyPairs 213/15697), all in the SDK's
// tencentcloud/cvm/v20170312/errors.go.
const (
	// CodeInternalServerError is the server fault that the key pair
	// actions document, besides the common InternalError.
	CodeInternalServerError = "InternalServerError"

	// A KeyName that breaks the name rule (see KeyName).
	CodeKeyNameEmpty       = "InvalidKeyPairNameEmpty"
	CodeKeyNameTooLong     = "InvalidKeyPairNameTooLong"
	CodeKeyNameIllegalChar = "InvalidKeyPairNameIncludeIllegalChar"
	// CodeKeyNameDuplicate: another key pair already has the name.
	CodeKeyNameDuplicate = "InvalidKeyPairName.Duplicate"

	// CodeKeyPairIDMalformed: an id that is not skey- and 8 lower-case
	// letters or digits (see KeyPairID).
	CodeKeyPairIDMalformed = "InvalidKeyPairId.Malformed"
	// CodeKeyPairNotFound: a well-formed id of no key pair. DescribeKeyPairs
	// answers such ids with an empty set instead.
	CodeKeyPairNotFound = "InvalidKeyPairId.NotFound"
	// CodeKeyPairInUse: DeleteKeyPairs of a key pair that an instance or an
	// image still holds.
	CodeKeyPairInUse = "InvalidParameterValue.KeyPairNotSupported"
	// CodeKeyPairLimitExceeded: the account already has MaxKeyPairs.
	CodeKeyPairLimitExceeded = "InvalidKeyPair.LimitExceeded"
	// CodeParameterValueLimitExceeded: a list longer than MaxIDsPerCall,
	// or a Limit above MaxDescribeLimit.
	CodeParameterValueLimitExceeded = "InvalidParameterValue.LimitExceeded"
	// CodeInvalidFilter: a DescribeKeyPairs filter name that is not
	// supported.
	CodeInvalidFilter = "InvalidFilter"
	// CodeProjectNotFound: a ProjectId of no project.
	CodeProjectNotFound = "InvalidProjectId.NotFound"

	// A PublicKey of ImportKeyPair that breaks the key rule (see
	// PublicKey), or that the region already has.
	CodePublicKeyMalformed = "InvalidPublicKey.Malformed"
	CodePublicKeyDuplicate = "InvalidPublicKey.Duplicate"

	// The tags of CreateKeyPair and ImportKeyPair (TagSpecification): CVM
	// answers a reserved key and too many tags with codes of its own, and
	// the other tag rules with the Tag API's codes.
	CodeCVMTagKeyReserved = "FailedOperation.TagKeyReserved"
	CodeCVMTagQuota       = "LimitExceeded.TagResourceQuota"

	// Binding and unbinding key pairs.
	CodeInstanceIDMalformed = "InvalidInstanceId.Malformed"
	CodeInstanceNotFound    = "InvalidInstanceId.NotFound"
	// CodeInstanceRunning: the instance must be stopped, unless ForceStop.
	CodeInstanceRunning = "UnsupportedOperation.InstanceStateRunning"
	// CodeInstanceWindows: Windows instances take no key pairs.
	CodeInstanceWindows = "UnsupportedOperation.InstanceOsWindows"
)

// Error codes of the Tag API (version 2018-08-13), in the SDK's
// tencentcloud/tag/v20180813/errors.go; the tag rules' codes are those of
// the Tag use limits (651/13354) and ModifyResourceTags (651/33012).
const (
	// A tag key or value that breaks the tag rules (see TagKey, TagValue).
	CodeTagKeyEmpty         = "InvalidParameterValue.TagKeyEmpty"
	CodeTagKeyTooLong       = "InvalidParameterValue.TagKeyLengthExceeded"
	CodeTagKeyIllegalChar   = "InvalidParameterValue.TagKeyCharacterIllegal"
	CodeTagKeyReserved      = "InvalidParameter.ReservedTagKey"
	CodeTagValueEmpty       = "InvalidParameterValue.TagValueEmpty"
	CodeTagValueTooLong     = "InvalidParameterValue.TagValueLengthExceeded"
	CodeTagValueIllegalChar = "InvalidParameterValue.TagValueCharacterIllegal"
	// CodeTagKeyDuplicate: the same key twice in one list.
	CodeTagKeyDuplicate = "InvalidParameterValue.TagKeyDuplicate"
	// CodeResourceTagsLimit: the change would leave more than
	// MaxTagsPerResource tags.
	CodeResourceTagsLimit = "LimitExceeded.ResourceAttachedTags"
	// CodeTagsPerRequest: ReplaceTags or DeleteTags longer than
	// MaxTagsPerModify.
	CodeTagsPerRequest = "LimitExceeded.TagNumPerRequest"
	// CodeDeleteTagsConflict: a key both in ReplaceTags and DeleteTags.
	CodeDeleteTagsConflict = "InvalidParameterValue.DeleteTagsParamError"
	// CodeResourceDescription: a Resource that is not a six-segment name
	// of a key pair (qcs::cvm:<region>:uin/<uin>:keypair/<key-id>).
	CodeResourceDescription = "InvalidParameterValue.ResourceDescriptionError"
	// CodeUinInvalid: a Resource whose uin is not the caller's account.
	CodeUinInvalid = "InvalidParameterValue.UinInvalid"
)

// Error codes added for the filter limits and the key pairs that images
// hold.
const (
	// CodeTooManyFilters: DescribeKeyPairs with more than
	// MaxFiltersPerDescribe Filters. The code is
	// InvalidParameterValue.LimitExceeded, "参数值数量超过限制" (the number of
	// values of a parameter exceeds the limit), which DescribeKeyPairs
	// documents (the SDK's cvm/v20170312/client.go, DescribeKeyPairs, and
	// errors.go) and which the API answers for other lists that are too
	// long; that it is the code for too many Filters is inferred.
	CodeTooManyFilters = "InvalidParameterValue.LimitExceeded"
	// CodeFilterValueLimitExceeded: a DescribeKeyPairs filter with more
	// than MaxValuesPerFilter Values: "[`Filter`]传值超出限制" (the values
	// passed in a Filter exceed the limit), InvalidFilterValue.LimitExceeded,
	// documented for DescribeKeyPairs (the SDK's cvm/v20170312/client.go,
	// DescribeKeyPairs, and errors.go).
	CodeFilterValueLimitExceeded = "InvalidFilterValue.LimitExceeded"
	// CodeKeyPairNotSupportedLegacy is the code with which the service
	// refused, in 2019, to delete a key pair that an image holds:
	// "Code=InvalidKeyPair.NotSupported, Message=The request does not
	// support the key pair `skey-xxxxxxxx` which associastes with image."
	// (hashicorp/packer#7910). The SDK's errors.go no longer lists it;
	// DeleteKeyPairs documents CodeKeyPairInUse
	// (InvalidParameterValue.KeyPairNotSupported) instead, and Tencent's
	// Packer plugin retries both (hashicorp/packer-plugin-tencentcloud,
	// builder/tencentcloud/cvm/common.go, Retry, since 2020). The emulator
	// answers CodeKeyPairInUse; clients that classify the refusal should
	// accept both.
	CodeKeyPairNotSupportedLegacy = "InvalidKeyPair.NotSupported"
)
