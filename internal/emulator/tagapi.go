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

// modifyResourceTags replaces and deletes tags of one key pair or
// secret. The
// official provider writes a key pair's tags with it (observed:
// resource_tc_key_pair.go, through service_tencentcloud_tag.go's
// ModifyTags, with the name qcs::cvm:<region>:uin/:keypair/<key-id>).
//
// Documented (the SDK's ModifyResourceTagsRequestParams): ReplaceTags or
// DeleteTags must be given, may be omitted but not empty, may not share a
// key, and hold at most 10 tags each ("标签数量不超过10个"); a replaced key
// that the resource has gets the new value, another is added; the codes
// DeleteTagsParamError, ResourceDescriptionError, the tag rule's,
// ResourceAttachedTags, TagKey and TagValue. Guessed: the code of the
// empty lists (InvalidParameterValue), of more than 10
// (LimitExceeded.TagNumPerRequest) and of a resource that does not exist
// (ResourceNotFound). Observed: the official provider writes an SSM
// secret's tags with it too (resource_tc_ssm_ssh_key_pair_secret.go, the
// name qcs::ssm:<region>:uin/:secret/creatorUin/<uin>/<name>).
func (s *Server) modifyResourceTags(_ string, body []byte) (map[string]any, *apiError) {
	var p modifyResourceTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if p.Resource == nil {
		return nil, missing("Resource")
	}
	ref, apiErr := parseTaggedResource(*p.Resource)
	if apiErr != nil {
		return nil, apiErr
	}
	if p.ReplaceTags == nil && p.DeleteTags == nil {
		return nil, missing("ReplaceTags` or `DeleteTags")
	}
	var replace []tag
	var remove []string
	if p.ReplaceTags != nil {
		list := *p.ReplaceTags
		if len(list) == 0 {
			return nil, newError(apicontract.CodeInvalidParameterValue, "ReplaceTags may be omitted but not empty.")
		}
		if len(list) > apicontract.MaxTagsPerModify {
			return nil, newError(apicontract.CodeTagsPerRequest, "ReplaceTags may hold at most %d tags.", apicontract.MaxTagsPerModify)
		}
		if replace, apiErr = tagPairs(len(list), func(i int) (string, string) { return list[i].pair() }, apicontract.CodeTagKeyDuplicate); apiErr != nil {
			return nil, apiErr
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
	// In account scope a key pair is found whatever region the name
	// gives, as the CVM actions find it.
	r, ok := s.findTagged(ref)
	if !ok {
		return nil, newError(apicontract.CodeResourceNotFound, "The resource `%s` does not exist.", *p.Resource)
	}
	// Work on a copy so that a rejected call changes nothing. Replaced
	// keys keep their place; new ones go at the end.
	tags := make([]tag, 0, len(r.tags)+len(replace))
	for _, t := range r.tags {
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
	if apiErr := s.checkTagQuota(replace); apiErr != nil {
		return nil, apiErr
	}
	s.setResourceTags(r, tags, now)
	s.changed()
	return nil, nil
}

// resourceRef is what a resource name of a Tag API write names: a key
// pair or an SSM secret, by region and resource id.
type resourceRef struct {
	kind       tagKind
	region, id string
}

// parseTaggedResource parses the name of a key pair,
// qcs::cvm:<region>:uin/<uin>:keypair/<key-id>, or of an SSM secret,
// qcs::ssm:<region>:uin/<uin>:secret/creatorUin/<uin>/<secret-name>,
// where the first uin may be empty (observed: the official provider's
// BuildTagResourceName leaves it empty, and its SSM resources name a
// secret so). Every Tag API write takes only these names: a name of any
// other resource is refused, as no other resource exists here. The
// reference leaves the codes for bad resource names open; these are the
// Tag API's own codes (documented in its errors.go; which case answers
// which is guessed):
//   - a name that is not a six-segment name of a key pair or a secret, or
//     names an unknown region, a malformed key id or a secret id not of
//     the form above: InvalidParameterValue.ResourceDescriptionError;
//   - a uin other than the account's, in either place:
//     InvalidParameterValue.UinInvalid;
//   - a well-formed name of a resource that does not exist (answered by
//     the caller): ResourceNotFound.
func parseTaggedResource(name string) (resourceRef, *apiError) {
	bad := newError(apicontract.CodeResourceDescription,
		"The resource `%s` is neither a key pair resource name qcs::cvm:<region>:uin/<uin>:keypair/<key-id> nor a secret's qcs::ssm:<region>:uin/<uin>:secret/creatorUin/<uin>/<name>.", name)
	rn, ok := parseResourceName(name)
	if !ok || !rn.kind().known() || !regions[rn.Region] || rn.Account != "uin" {
		return resourceRef{}, bad
	}
	uinInvalid := func(uin string) *apiError {
		return newError(apicontract.CodeUinInvalid, "The uin `%s` in the resource name is not this account's.", uin)
	}
	if !rn.ours() {
		return resourceRef{}, uinInvalid(rn.Uin)
	}
	switch rn.kind() {
	case keyPairKind:
		if !apicontract.KeyPairIDPattern.MatchString(rn.ID) {
			return resourceRef{}, bad
		}
	default:
		creator, secretName, ok := strings.Cut(strings.TrimPrefix(rn.ID, "creatorUin/"), "/")
		if !ok || !strings.HasPrefix(rn.ID, "creatorUin/") || apicontract.SecretName(secretName) != nil {
			return resourceRef{}, bad
		}
		if creator != DemoUin {
			return resourceRef{}, uinInvalid(creator)
		}
	}
	return resourceRef{kind: rn.kind(), region: rn.Region, id: rn.ID}, nil
}

// findTagged finds the resource that a write names, with its current
// tags: a key pair as findKeyPair finds it, a secret in its region, in
// any status (guessed).
func (s *Server) findTagged(ref resourceRef) (taggedResource, bool) {
	if ref.kind == keyPairKind {
		kp := s.findKeyPair(ref.region, ref.id)
		return taggedResource{kp: kp, tags: tagsOf(kp)}, kp != nil
	}
	i := slices.IndexFunc(s.st.Secrets, func(sec *secret) bool { return sec.Region == ref.region && sec.resourceID() == ref.id })
	if i < 0 {
		return taggedResource{}, false
	}
	return taggedResource{sec: s.st.Secrets[i], tags: s.st.Secrets[i].Tags}, true
}

// tagsOf is a key pair's current tags, none for nil.
func tagsOf(kp *keyPair) []tag {
	if kp == nil {
		return nil
	}
	return kp.Tags
}

// pair is the tag's key and value, "" for omitted ones (and a nil tag).
func (t *tagParam) pair() (string, string) {
	if t == nil {
		return "", ""
	}
	return pair(t.TagKey, t.TagValue)
}

func indexOfTag(tags []tag, key string) int {
	return slices.IndexFunc(tags, func(t tag) bool { return t.Key == key })
}
