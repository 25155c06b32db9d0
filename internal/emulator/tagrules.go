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

// tagPairs checks n tags given as TagKey and TagValue, pair giving the
// i-th one's ("" for an omitted one): each by the tag rules, with the Tag
// API's codes, and no key twice, which is answered with dupCode.
func tagPairs(n int, pair func(i int) (key, value string), dupCode string) ([]tag, *apiError) {
	tags := []tag{}
	for i := range n {
		key, value := pair(i)
		if apiErr := checkTag(key, value); apiErr != nil {
			return nil, apiErr
		}
		if indexOfTag(tags, key) >= 0 {
			return nil, newError(dupCode, "The tag key `%s` is given more than once.", key)
		}
		tags = append(tags, tag{Key: key, Value: value})
	}
	return tags, nil
}

// pair is the key and the value of a tag parameter, "" for omitted ones.
func pair(key, value *string) (string, string) {
	var k, v string
	if key != nil {
		k = *key
	}
	if value != nil {
		v = *value
	}
	return k, v
}
