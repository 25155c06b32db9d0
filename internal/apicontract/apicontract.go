// Package apicontract is the Tencent Cloud key pair API's contract, and
// that of the Secrets Manager actions that host key pairs: rules, limits,
// error codes.
//
// It is the one place where the provider's plan-time validators and the
// emulator read what the API accepts and how it refuses the rest, so that
// the two cannot drift apart. Every rule and limit cites the page it comes
// from. The pages, on cloud.tencent.com unless said otherwise:
//
//   - CreateKeyPair: https://cloud.tencent.com/document/api/213/15702
//   - ImportKeyPair: https://cloud.tencent.com/document/api/213/15703
//   - DescribeKeyPairs: https://cloud.tencent.com/document/api/213/15699
//   - DeleteKeyPairs: https://cloud.tencent.com/document/api/213/15700
//   - ModifyKeyPairAttribute: https://cloud.tencent.com/document/api/213/15701
//   - AssociateInstancesKeyPairs: https://cloud.tencent.com/document/api/213/15698
//   - DisassociateInstancesKeyPairs: https://cloud.tencent.com/document/api/213/15697
//   - DescribeInstances (instances.go): https://cloud.tencent.com/document/api/213/15728
//   - Data types, the instance states: https://cloud.tencent.com/document/api/213/15753#InstanceStatus
//   - CVM API frequency limits: https://www.tencentcloud.com/document/product/213/568
//   - API introduction (ids, Offset, Limit): https://cloud.tencent.com/document/api/213/15688
//   - Common error codes: https://cloud.tencent.com/document/api/213/15694
//   - SSH keys (product documentation): https://cloud.tencent.com/document/product/213/6092
//   - Tag use limits: https://intl.cloud.tencent.com/document/product/651/13354
//   - Tag API ModifyResourceTags: https://www.tencentcloud.com/document/api/651/33012
//   - Tag API UpdateResourceTagValue (reserved keys): https://www.tencentcloud.com/document/api/651/33011
//   - Tag API DescribeProjects: https://cloud.tencent.com/document/api/651/78725
//     (in English: https://www.tencentcloud.com/document/api/651/54679)
//   - CVM API request structure (the regions): https://cloud.tencent.com/document/api/213/15692
//   - Secrets Manager (ssm.go), on https://www.tencentcloud.com/document/api/1078/:
//     CreateSSHKeyPairSecret 42262, GetSSHKeyPairValue 42261, DescribeSecret
//     38653, ListSecrets 38646, UpdateDescription 38643, EnableSecret 38651,
//     DisableSecret 38652, DeleteSecret 38655, RestoreSecret 38644
//
// The request models and error code lists of the Go SDK
// (github.com/tencentcloud/tencentcloud-sdk-go, tencentcloud/cvm/v20170312,
// tencentcloud/tag/v20180813 and tencentcloud/ssm/v20190923, files
// models.go, client.go and errors.go) carry the
// same texts; they are cited where a page does not say it.
package apicontract

// Violation is a value that the API refuses: the error code that the real
// service answers, and a sentence that states the rule the value breaks.
// Callers word their own errors from it (the emulator as an API error, the
// provider as a plan-time diagnostic) but take the code and the rule from
// here.
type Violation struct {
	// Code is the error code of the real service, such as
	// InvalidKeyPairNameTooLong.
	Code string
	// Rule is one sentence, ending with a period, that states the part of
	// the rule the value breaks.
	Rule string
}

// Error returns the code and the rule.
func (v *Violation) Error() string { return v.Code + ": " + v.Rule }

func violation(code, rule string) *Violation {
	return &Violation{Code: code, Rule: rule}
}
