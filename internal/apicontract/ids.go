package apicontract

import "regexp"

var (
	// KeyPairIDPattern is the form of a key pair id: "in the format of
	// skey-11112222" (DescribeKeyPairs 213/15699), skey- and 8 lower-case
	// letters or digits, as every id the API returns. The API checks the
	// form before it looks for the key pair (InvalidKeyPairId.Malformed,
	// DeleteKeyPairs 213/15700).
	KeyPairIDPattern = regexp.MustCompile(`^skey-[a-z0-9]{8}$`)

	// InstanceIDPattern is the form of a CVM instance id, ins- and 8
	// lower-case letters or digits: "实例ID形如：ins-xxxxxxxx" (instance ids
	// look like ins-xxxxxxxx, the SDK's tencentcloud/cvm/v20170312/models.go;
	// DescribeInstances https://cloud.tencent.com/document/api/213/15728).
	// AssociateInstancesKeyPairs (213/15698) answers other ids with
	// InvalidInstanceId.Malformed.
	InstanceIDPattern = regexp.MustCompile(`^ins-[a-z0-9]{8}$`)
)

// KeyPairIDRule and InstanceIDRule state the id rules whole.
const (
	KeyPairIDRule  = "A key pair id must be skey- followed by 8 lowercase letters or digits, such as skey-3glfot13."
	InstanceIDRule = "An instance id must be ins- followed by 8 lowercase letters or digits, such as ins-r8hr2upy."
)

// KeyPairID checks the form of a key pair id.
func KeyPairID(id string) *Violation {
	if KeyPairIDPattern.MatchString(id) {
		return nil
	}
	return violation(CodeKeyPairIDMalformed, KeyPairIDRule)
}

// InstanceID checks the form of an instance id.
func InstanceID(id string) *Violation {
	if InstanceIDPattern.MatchString(id) {
		return nil
	}
	return violation(CodeInstanceIDMalformed, InstanceIDRule)
}

// ImageIDPattern is the form of a CVM image id, img- and 8 lower-case
// letters or digits: "镜像ID，格式形如img-xxx" (image ids look like
// img-xxx, the SDK's tencentcloud/cvm/v20170312/models.go, RunInstances
// ImageId); the 8 characters are those of every image id the API returns
// (inferred, as for instance ids).
var ImageIDPattern = regexp.MustCompile(`^img-[a-z0-9]{8}$`)
