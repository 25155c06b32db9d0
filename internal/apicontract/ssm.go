package apicontract

// Secrets Manager (service ssm, version 2019-09-23): the SSH key pair
// secrets, which host a CVM key pair and keep its private key. The
// sources, each action's page on www.tencentcloud.com/document/api/1078/
// (the English API reference; the Chinese pages on
// cloud.tencent.com/document/api/1140/ carry the same texts):
//
//   - CreateSSHKeyPairSecret 42262, GetSSHKeyPairValue 42261,
//     DescribeSecret 38653, ListSecrets 38646, UpdateDescription 38643,
//     EnableSecret 38651, DisableSecret 38652, DeleteSecret 38655,
//     RestoreSecret 38644;
//   - the SDK's tencentcloud/ssm/v20190923 (models.go: the request and
//     answer fields and their comments; client.go: each action's error
//     codes; errors.go: what each code means), read at v1.0.691, the
//     version that the official provider vendors;
//   - what the official provider (tencentcloudstack/terraform-provider-
//     tencentcloud, tencentcloud/services/ssm) sends and reads, marked
//     observed.
//
// A value that none of these gives is marked inferred.

// Rate limits of the SSM actions, in requests per second: "A maximum of N
// requests can be initiated per second for this API", on each action's
// page. They differ per action; the reference's "20 per second per
// action" holds for three of them only.
const (
	// SSMCreateRateLimit: CreateSSHKeyPairSecret (42262).
	SSMCreateRateLimit = 20
	// SSMGetValueRateLimit: GetSSHKeyPairValue (42261).
	SSMGetValueRateLimit = 20
	// SSMUpdateDescriptionRateLimit: UpdateDescription (38643).
	SSMUpdateDescriptionRateLimit = 20
	// SSMDescribeRateLimit: DescribeSecret (38653).
	SSMDescribeRateLimit = 40
	// SSMListRateLimit: ListSecrets (38646).
	SSMListRateLimit = 30
	// SSMStateRateLimit: EnableSecret (38651), DisableSecret (38652),
	// DeleteSecret (38655) and RestoreSecret (38644).
	SSMStateRateLimit = 50
)

// Limits of the SSM actions.
const (
	// MaxSecretNameBytes is the longest SecretName: "最长128字节"
	// (at most 128 bytes; CreateSSHKeyPairSecretRequestParams).
	MaxSecretNameBytes = 128
	// MaxSecretDescriptionBytes is the longest Description of a secret:
	// "最大支持2048字节" (CreateSSHKeyPairSecretRequestParams), "最大长度2048
	// 个字节" (UpdateDescriptionRequestParams).
	MaxSecretDescriptionBytes = 2048
	// MaxRecoveryWindowInDays bounds RecoveryWindowInDays of DeleteSecret:
	// "0（默认）表示立即删除， 1-30 表示预留的天数" (0, the default, deletes at
	// once; 1 to 30 are the days kept). "当凭据类型为SSH密钥对凭据时，此字段只能
	// 取值只能为0" (for an SSH key pair secret it can only be 0;
	// DeleteSecretRequestParams, and page 38655: "For an SSH key secret,
	// this field can only be 0").
	MaxRecoveryWindowInDays = 30
	// DefaultSecretsLimit is the default Limit of ListSecrets: "0或不设置则
	// 使用默认值 20" (0 or absent is 20). No maximum is documented; the
	// official provider pages with 200 (observed: extension_ssm.go,
	// SSM_PAGE_LIMIT).
	DefaultSecretsLimit = 20
)

// The statuses of a secret: "凭据状态：Enabled、Disabled、PendingDelete,
// Creating, Failed" (DescribeSecretResponseParams.Status). Creating and
// Failed are those of cloud product secrets, whose creation is
// asynchronous; an SSH key pair secret is Enabled once
// CreateSSHKeyPairSecret answers (inferred: it answers the key id at once).
const (
	SecretEnabled       = "Enabled"
	SecretDisabled      = "Disabled"
	SecretPendingDelete = "PendingDelete"
	SecretCreating      = "Creating"
	SecretFailed        = "Failed"
)

// The values of SecretType: "0 -- 用户自定义凭据；1 -- 云产品凭据；2 -- SSH
// 密钥对凭据；3 -- 云API密钥对凭据" (SecretMetadata.SecretType, and
// ListSecretsRequestParams.SecretType, whose default is 0).
const (
	SecretTypeCustom     = 0
	SecretTypeProduct    = 1
	SecretTypeSSHKeyPair = 2
	SecretTypeAPIKey     = 3
)

// The values of ListSecrets' State filter: "默认为0表示查询全部。1 -- 表示查
// 询Enabled 凭据列表。2 -- Disabled。3 -- PendingDelete。4 -- PendingCreate。
// 5 -- CreateFailed", the last two only for cloud product secrets
// (ListSecretsRequestParams.State).
const (
	SecretStateAll           = 0
	SecretStateEnabled       = 1
	SecretStateDisabled      = 2
	SecretStatePendingDelete = 3
	SecretStatePendingCreate = 4
	SecretStateCreateFailed  = 5
)

// KMS key types of SecretMetadata.KmsKeyType: "DEFAULT 表示SecretsManager
// 创建的默认密钥， CUSTOMER 表示用户指定的密钥".
const (
	KmsKeyTypeDefault  = "DEFAULT"
	KmsKeyTypeCustomer = "CUSTOMER"
)

// Error codes of the SSM actions, in the SDK's
// tencentcloud/ssm/v20190923/errors.go; client.go lists which action
// answers which. The common codes (InvalidParameterValue,
// MissingParameter, ResourceNotFound, ...) are in codes.go.
const (
	// CodeFailedOperation: "操作失败" (the operation failed), listed by
	// every SSM write served here.
	CodeFailedOperation = "FailedOperation"
	// CodeOperationDenied: "操作被拒绝" (the operation is denied), listed by
	// CreateSSHKeyPairSecret and GetSSHKeyPairValue.
	CodeOperationDenied = "OperationDenied"
	// CodeSecretExists: "凭据名已存在" (the secret name exists), listed by
	// CreateSSHKeyPairSecret.
	CodeSecretExists = "ResourceInUse.SecretExists"
	// CodeResourceUnavailable: "资源不可用" (the resource is unavailable),
	// listed by GetSSHKeyPairValue and DescribeSecret.
	CodeResourceUnavailable = "ResourceUnavailable"
	// CodeSecretDisabled and CodeSecretPendingDeleted: "凭据被禁用" and
	// "凭据处于计划删除状态"; GetSecretValue lists them, GetSSHKeyPairValue
	// only the plain CodeResourceUnavailable.
	CodeSecretDisabled       = "ResourceUnavailable.ResourceDisabled"
	CodeSecretPendingDeleted = "ResourceUnavailable.ResourcePendingDeleted"
	// CodeSecretNotExist: "凭据不存在"; GetSecretValue lists it, the actions
	// served here the plain CodeResourceNotFound, which is also what the
	// official provider tests for (observed: extension_ssm.go,
	// SSMResourceNotFound).
	CodeSecretNotExist = "ResourceNotFound.SecretNotExist"
	// CodeSecretTagKeysDuplicated: "标签键重复" (a tag key twice), listed by
	// CreateSSHKeyPairSecret.
	CodeSecretTagKeysDuplicated = "InvalidParameterValue.TagKeysDuplicated"
	// CodeSecretTagsNotExisted: "标签键或标签值不存在", listed by
	// CreateSSHKeyPairSecret.
	CodeSecretTagsNotExisted = "InvalidParameterValue.TagsNotExisted"
	// CodeSSMAccessKmsError: "KMS操作失败", listed by CreateSSHKeyPairSecret
	// and GetSSHKeyPairValue.
	CodeSSMAccessKmsError = "FailedOperation.AccessKmsError"
	// CodeSSMNotPurchased: "服务未购买" (the service is not bought), listed
	// by every SSM action.
	CodeSSMNotPurchased = "ResourceUnavailable.NotPurchased"
)

// SecretNameRule states the secret name rule whole: "凭据名称，同一region内
// 不可重复，最长128字节，使用字母、数字或者 - _ 的组合，第一个字符必须为字母或者数字"
// (unique in a region, at most 128 bytes of letters, digits, - and _, the
// first a letter or a digit; CreateSSHKeyPairSecretRequestParams, page
// 42262). Letters are the ASCII ones (inferred, as for key names).
const SecretNameRule = "Secret names have 1 to 128 bytes: letters, digits, hyphens and underscores (A-Z, a-z, 0-9, - and _), starting with a letter or a digit."

// SecretName checks a SecretName of CreateSSHKeyPairSecret. Uniqueness in
// the region is not part of it. The code is InvalidParameterValue, the
// one that CreateSSHKeyPairSecret lists for a bad value (that it answers
// a bad name is inferred).
func SecretName(name string) *Violation {
	if name == "" || len(name) > MaxSecretNameBytes {
		return violation(CodeInvalidParameterValue, "Secret name length must be between 1 and 128 bytes.")
	}
	if !asciiAlnum(name[0]) {
		return violation(CodeInvalidParameterValue, "Secret names must start with a letter or a digit.")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !asciiAlnum(c) && c != '-' && c != '_' {
			return violation(CodeInvalidParameterValue, "Secret names may contain only letters, digits, hyphens and underscores (A-Z, a-z, 0-9, - and _).")
		}
	}
	return nil
}

func asciiAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// SecretDescription checks a Description of CreateSSHKeyPairSecret or
// UpdateDescription: at most MaxSecretDescriptionBytes bytes, the empty
// text included (InvalidParameterValue; the code is inferred).
func SecretDescription(description string) *Violation {
	if len(description) > MaxSecretDescriptionBytes {
		return violation(CodeInvalidParameterValue, "Secret descriptions may have at most 2048 bytes.")
	}
	return nil
}

// SSHKeyName checks an SSHKeyName of CreateSSHKeyPairSecret: the key name
// rule of CVM (KeyName, with its codes), and "只能以数字和字母开头" (it
// must start with a digit or a letter; CreateSSHKeyPairSecretRequestParams,
// page 42262), which CVM's own rule does not ask. That SSM answers CVM's
// codes, and InvalidKeyPairNameIncludeIllegalChar for a leading
// underscore, is inferred: SSM makes the key pair through CVM.
func SSHKeyName(name string) *Violation {
	if v := KeyName(name); v != nil {
		return v
	}
	if !asciiAlnum(name[0]) {
		return violation(CodeKeyNameIllegalChar, "SSH key names of Secrets Manager must start with a letter or a digit.")
	}
	return nil
}

// RecoveryWindow checks RecoveryWindowInDays of DeleteSecret for a secret
// of the given SecretType: 0 to MaxRecoveryWindowInDays, and only 0 for an
// SSH key pair secret (documented; the code InvalidParameterValue, which
// DeleteSecret lists, is inferred).
func RecoveryWindow(days uint64, secretType int64) *Violation {
	switch {
	case days > MaxRecoveryWindowInDays:
		return violation(CodeInvalidParameterValue, "RecoveryWindowInDays must be from 0 to 30.")
	case days > 0 && secretType == SecretTypeSSHKeyPair:
		return violation(CodeInvalidParameterValue, "RecoveryWindowInDays can only be 0 for an SSH key pair secret.")
	}
	return nil
}
