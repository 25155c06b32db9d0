package emulator

import "github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"

// checkTag applies the tag rules of apicontract to one tag and words the
// error. The codes are the Tag API's; CreateKeyPair and ImportKeyPair
// answer a reserved key with a code of their own (see tagsFromSpecs).
func checkTag(key, value string) *apiError {
	if v := apicontract.TagKey(key); v != nil {
		return newError(v.Code, "The tag key `%s` is invalid. %s", key, v.Rule)
	}
	if v := apicontract.TagValue(value); v != nil {
		return newError(v.Code, "The value of tag `%s` is invalid. %s", key, v.Rule)
	}
	return nil
}
