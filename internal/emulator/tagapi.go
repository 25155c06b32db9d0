package emulator

import (
	"slices"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

type (
	tagParam struct {
		TagKey   *string `json:"TagKey"`
		TagValue *string `json:"TagValue"`
		Category *string `json:"Category"`
	}
	tagKeyParam struct {
		TagKey *string `json:"TagKey"`
	}
	// The lists are pointers because the Tag API tells an omitted list
	// (allowed) from an empty one (rejected).
	modifyResourceTagsParams struct {
		Resource    *string         `json:"Resource"`
		ReplaceTags *[]*tagParam    `json:"ReplaceTags"`
		DeleteTags  *[]*tagKeyParam `json:"DeleteTags"`
	}
)

func (s *Server) modifyResourceTags(_ string, body []byte) (map[string]any, *apiError) {
	var p modifyResourceTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if p.Resource == nil {
		return nil, missing("Resource")
	}
	region, keyID, apiErr := parseKeyPairResource(*p.Resource)
	if apiErr != nil {
		return nil, apiErr
	}
	if p.ReplaceTags == nil && p.DeleteTags == nil {
		return nil, missing("ReplaceTags` or `DeleteTags")
	}
	var replace []tag
	var remove []string
	if p.ReplaceTags != nil {
		if len(*p.ReplaceTags) == 0 {
			return nil, newError(apicontract.CodeInvalidParameterValue, "ReplaceTags may be omitted but not empty.")
		}
		if len(*p.ReplaceTags) > apicontract.MaxTagsPerModify {
			return nil, newError(apicontract.CodeTagsPerRequest, "ReplaceTags may hold at most %d tags.", apicontract.MaxTagsPerModify)
		}
		for _, t := range *p.ReplaceTags {
			var key, value string
			if t != nil && t.TagKey != nil {
				key = *t.TagKey
			}
			if t != nil && t.TagValue != nil {
				value = *t.TagValue
			}
			if apiErr := checkTag(key, value); apiErr != nil {
				return nil, apiErr
			}
			for _, r := range replace {
				if r.Key == key {
					return nil, newError(apicontract.CodeTagKeyDuplicate, "The tag key `%s` is given more than once.", key)
				}
			}
			replace = append(replace, tag{Key: key, Value: value})
		}
	}
	if p.DeleteTags != nil {
		if len(*p.DeleteTags) == 0 {
			return nil, newError(apicontract.CodeInvalidParameterValue, "DeleteTags may be omitted but not empty.")
		}
		if len(*p.DeleteTags) > apicontract.MaxTagsPerModify {
			return nil, newError(apicontract.CodeTagsPerRequest, "DeleteTags may hold at most %d tags.", apicontract.MaxTagsPerModify)
		}
		for _, t := range *p.DeleteTags {
			if t == nil || t.TagKey == nil || *t.TagKey == "" {
				return nil, newError(apicontract.CodeTagKeyEmpty, "A tag key in DeleteTags is empty.")
			}
			for _, r := range replace {
				if r.Key == *t.TagKey {
					return nil, newError(apicontract.CodeDeleteTagsConflict, "The tag key `%s` is both replaced and deleted.", r.Key)
				}
			}
			remove = append(remove, *t.TagKey)
		}
	}

	now := s.lockState()
	defer s.mu.Unlock()
	// In account scope the key pair is found whatever region the name
	// gives, as the CVM actions find it.
	kp := s.findKeyPair(region, keyID)
	if kp == nil {
		return nil, newError(apicontract.CodeResourceNotFound, "The resource `%s` does not exist.", *p.Resource)
	}
	// Work on a copy so that a rejected call changes nothing. Replaced
	// keys keep their place; new ones go at the end.
	tags := make([]tag, 0, len(kp.Tags)+len(replace))
	for _, t := range kp.Tags {
		if !slices.Contains(remove, t.Key) {
			tags = append(tags, t)
		}
	}
	for _, r := range replace {
		i := indexOfTag(tags, r.Key)
		if i >= 0 {
			tags[i].Value = r.Value
		} else {
			tags = append(tags, r)
		}
	}
	if len(tags) > apicontract.MaxTagsPerResource {
		return nil, newError(apicontract.CodeResourceTagsLimit, "A resource may have at most %d tags; this change would leave %d.", apicontract.MaxTagsPerResource, len(tags))
	}
	s.setTags(kp, tags, now)
	s.changed()
	return nil, nil
}

// parseKeyPairResource parses qcs::cvm:<region>:uin/<uin>:keypair/<key-id>,
// where the uin may be empty. The reference leaves the codes for bad
// resource names open; these are the Tag API's own codes:
//   - a name that is not a six-segment CVM key pair name, or names an
//     unknown region or a malformed key id:
//     InvalidParameterValue.ResourceDescriptionError;
//   - a uin other than the account's: InvalidParameterValue.UinInvalid;
//   - a well-formed name of a key pair that does not exist (answered by
//     the caller): ResourceNotFound.
func parseKeyPairResource(name string) (region, keyID string, _ *apiError) {
	bad := newError(apicontract.CodeResourceDescription,
		"The resource `%s` is not a key pair resource name qcs::cvm:<region>:uin/<uin>:keypair/<key-id>.", name)
	seg := strings.Split(name, ":")
	if len(seg) != 6 || seg[0] != "qcs" || seg[1] != "" || seg[2] != "cvm" || !regions[seg[3]] {
		return "", "", bad
	}
	uin, ok := strings.CutPrefix(seg[4], "uin/")
	if !ok {
		return "", "", bad
	}
	if uin != "" && uin != DemoUin {
		return "", "", newError(apicontract.CodeUinInvalid, "The uin `%s` in the resource name is not this account's.", uin)
	}
	keyID, ok = strings.CutPrefix(seg[5], keyPairResourceType+"/")
	if !ok || !apicontract.KeyPairIDPattern.MatchString(keyID) {
		return "", "", bad
	}
	return seg[3], keyID, nil
}

func indexOfTag(tags []tag, key string) int {
	return slices.IndexFunc(tags, func(t tag) bool { return t.Key == key })
}
