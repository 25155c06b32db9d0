package emulator

import (
	"slices"
	"strconv"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The Tag API's writes besides ModifyResourceTags (tagapi.go). They change
// the tags that the key pairs and secrets hold, through setResourceTags,
// so the tag lag hides their changes to key pairs from the reads as it
// hides ModifyResourceTags'. See
// tagstore.go for the labels.

type (
	tagResourcesParams struct {
		ResourceList []*string   `json:"ResourceList"`
		Tags         []*tagParam `json:"Tags"`
	}
	unTagResourcesParams struct {
		ResourceList []*string `json:"ResourceList"`
		TagKeys      []*string `json:"TagKeys"`
	}
	addResourceTagParams struct {
		TagKey   *string `json:"TagKey"`
		TagValue *string `json:"TagValue"`
		Resource *string `json:"Resource"`
	}
	deleteResourceTagParams struct {
		TagKey   *string `json:"TagKey"`
		Resource *string `json:"Resource"`
	}
	tagPairParams struct {
		TagKey   *string `json:"TagKey"`
		TagValue *string `json:"TagValue"`
	}
)

// tagResources attaches tags to key pairs and secrets: a key that a
// resource has gets the new value, another is added, and tags that the
// account does not have are created.
//
// Documented (the SDK's TagResourcesRequestParams and
// TagResourcesResponseParams): ResourceList and Tags each 1 to 10 ("N取值
// 范围：0~9"); "如果您尝试添加已有标签键，则对应的标签值会更新为新值" (an
// existing key gets the new value); "如果标签不存在会为您自动创建标签" (tags
// that do not exist are created); a resource that fails is listed in
// FailedResources, which is empty when all succeed; the codes
// ResourceNumPerRequest, TagNumPerRequest, TagKeyDuplicate, the tag
// rule's, ResourceDescriptionError. Guessed: an empty list is
// MissingParameter; a name that is not a key pair's or a secret's fails
// the whole call (parseTaggedResource); a resource that does not exist
// fails alone, in FailedResources with ResourceNotFound, and so does one
// that would pass 50 tags, with LimitExceeded.ResourceAttachedTags; the
// same resource named twice counts once.
func (s *Server) tagResources(_ string, body []byte) (map[string]any, *apiError) {
	var p tagResourcesParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	names, apiErr := resourceList(p.ResourceList)
	if apiErr != nil {
		return nil, apiErr
	}
	switch {
	case len(p.Tags) == 0:
		return nil, missing("Tags")
	case len(p.Tags) > apicontract.MaxTagsPerTagResources:
		return nil, newError(apicontract.CodeTagsPerRequest, "Tags may hold at most %d tags, not %d.", apicontract.MaxTagsPerTagResources, len(p.Tags))
	}
	add, apiErr := tagPairs(len(p.Tags), func(i int) (string, string) { return p.Tags[i].pair() }, apicontract.CodeTagKeyDuplicate)
	if apiErr != nil {
		return nil, apiErr
	}

	now := s.lockState()
	defer s.mu.Unlock()
	if apiErr := s.checkTagQuota(add); apiErr != nil {
		return nil, apiErr
	}
	failed := []failedResourceView{}
	for _, n := range names {
		r, ok := s.findTagged(n.ref)
		if !ok {
			failed = append(failed, notFoundResource(n))
			continue
		}
		tags := slices.Clone(r.tags)
		for _, a := range add {
			if i := indexOfTag(tags, a.Key); i >= 0 {
				tags[i].Value = a.Value
			} else {
				tags = append(tags, a)
			}
		}
		if len(tags) > apicontract.MaxTagsPerResource {
			failed = append(failed, failedResourceView{Resource: n.name, Code: apicontract.CodeResourceTagsLimit,
				Message: "A resource may have at most " + strconv.Itoa(apicontract.MaxTagsPerResource) + " tags; this change would leave " + strconv.Itoa(len(tags)) + "."})
			continue
		}
		s.setResourceTags(r, tags, now)
	}
	s.changed()
	return map[string]any{"FailedResources": failed}, nil
}

// notFoundResource is the FailedResource of a named resource that does
// not exist.
func notFoundResource(n namedResource) failedResourceView {
	return failedResourceView{Resource: n.name, Code: apicontract.CodeResourceNotFound, Message: "The resource " + n.ref.id + " does not exist."}
}

// unTagResources detaches tag keys from key pairs; a key that a key pair
// does not have is skipped.
//
// Documented (the SDK's UnTagResourcesRequestParams and
// UnTagResourcesResponseParams): ResourceList and TagKeys each 1 to 10;
// FailedResources as TagResources'; the codes ResourceNumPerRequest,
// TagNumPerRequest, TagKeyDuplicate, the tag key rule's. Guessed: as
// TagResources, and a key that the key pair does not have is no failure.
func (s *Server) unTagResources(_ string, body []byte) (map[string]any, *apiError) {
	var p unTagResourcesParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	names, apiErr := resourceList(p.ResourceList)
	if apiErr != nil {
		return nil, apiErr
	}
	switch {
	case len(p.TagKeys) == 0:
		return nil, missing("TagKeys")
	case len(p.TagKeys) > apicontract.MaxTagsPerTagResources:
		return nil, newError(apicontract.CodeTagsPerRequest, "TagKeys may hold at most %d keys, not %d.", apicontract.MaxTagsPerTagResources, len(p.TagKeys))
	}
	keys := stringsOf(p.TagKeys)
	for i, k := range keys {
		if apiErr := checkTagKeyFilter(k); apiErr != nil {
			return nil, apiErr
		}
		if slices.Contains(keys[:i], k) {
			return nil, newError(apicontract.CodeTagKeyDuplicate, "The tag key `%s` is given more than once.", k)
		}
	}

	now := s.lockState()
	defer s.mu.Unlock()
	failed := []failedResourceView{}
	for _, n := range names {
		r, ok := s.findTagged(n.ref)
		if !ok {
			failed = append(failed, notFoundResource(n))
			continue
		}
		tags := slices.DeleteFunc(slices.Clone(r.tags), func(t tag) bool { return slices.Contains(keys, t.Key) })
		if len(tags) != len(r.tags) {
			s.setResourceTags(r, tags, now)
		}
	}
	s.changed()
	return map[string]any{"FailedResources": failed}, nil
}

// namedResource is one entry of a ResourceList: the name as given and
// what it names.
type namedResource struct {
	name string
	ref  resourceRef
}

// resourceList checks the ResourceList of TagResources and
// UnTagResources: 1 to MaxResourcesPerTagCall names (documented; more is
// LimitExceeded.ResourceNumPerRequest, documented; none is
// MissingParameter, guessed), each a key pair's or a secret's
// (parseTaggedResource). A resource named twice counts once.
func resourceList(raw []*string) ([]namedResource, *apiError) {
	switch {
	case len(raw) == 0:
		return nil, missing("ResourceList")
	case len(raw) > apicontract.MaxResourcesPerTagCall:
		return nil, newError(apicontract.CodeResourceNumPerRequest, "ResourceList may hold at most %d names, not %d.", apicontract.MaxResourcesPerTagCall, len(raw))
	}
	var out []namedResource
	for _, name := range stringsOf(raw) {
		ref, apiErr := parseTaggedResource(name)
		if apiErr != nil {
			return nil, apiErr
		}
		if !slices.ContainsFunc(out, func(n namedResource) bool { return n.ref.kind == ref.kind && n.ref.id == ref.id }) {
			out = append(out, namedResource{name: name, ref: ref})
		}
	}
	return out, nil
}

// addResourceTag attaches one tag to one key pair.
//
// Documented (the SDK's AddResourceTagRequestParams, page 651/33016):
// TagKey, TagValue and Resource required; the codes TagKeyAttached ("对应
// 的标签键和资源已关联", the key is already on the resource), the tag rule's,
// ResourceDescriptionError, ResourceAttachedTags, TagKey, TagValue.
// Guessed: TagKeyAttached whatever the value the key pair has; a key pair
// that does not exist is ResourceNotFound, as in ModifyResourceTags.
func (s *Server) addResourceTag(_ string, body []byte) (map[string]any, *apiError) {
	var p addResourceTagParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.TagKey == nil:
		return nil, missing("TagKey")
	case p.TagValue == nil:
		return nil, missing("TagValue")
	case p.Resource == nil:
		return nil, missing("Resource")
	}
	if apiErr := checkTag(*p.TagKey, *p.TagValue); apiErr != nil {
		return nil, apiErr
	}
	ref, apiErr := parseTaggedResource(*p.Resource)
	if apiErr != nil {
		return nil, apiErr
	}
	now := s.lockState()
	defer s.mu.Unlock()
	r, ok := s.findTagged(ref)
	switch {
	case !ok:
		return nil, newError(apicontract.CodeResourceNotFound, "The resource `%s` does not exist.", *p.Resource)
	case indexOfTag(r.tags, *p.TagKey) >= 0:
		return nil, newError(apicontract.CodeTagKeyAttached, "The resource %s already has the tag key `%s`: change its value with ModifyResourceTags.", ref.id, *p.TagKey)
	case len(r.tags) >= apicontract.MaxTagsPerResource:
		return nil, newError(apicontract.CodeResourceTagsLimit, "A resource may have at most %d tags; %s has %d.", apicontract.MaxTagsPerResource, ref.id, len(r.tags))
	}
	t := tag{Key: *p.TagKey, Value: *p.TagValue}
	if apiErr := s.checkTagQuota([]tag{t}); apiErr != nil {
		return nil, apiErr
	}
	s.setResourceTags(r, append(slices.Clone(r.tags), t), now)
	s.changed()
	return nil, nil
}

// deleteResourceTag detaches one tag key from one key pair.
//
// Documented (the SDK's DeleteResourceTagRequestParams): TagKey and
// Resource; the codes AttachedTagKeyNotFound ("资源关联的标签键不存在", the
// resource does not have the key), the tag key rule's,
// ResourceDescriptionError. Guessed: both required (MissingParameter); a
// key pair that does not exist is ResourceNotFound.
func (s *Server) deleteResourceTag(_ string, body []byte) (map[string]any, *apiError) {
	var p deleteResourceTagParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.TagKey == nil:
		return nil, missing("TagKey")
	case p.Resource == nil:
		return nil, missing("Resource")
	}
	if apiErr := checkTagKeyFilter(*p.TagKey); apiErr != nil {
		return nil, apiErr
	}
	ref, apiErr := parseTaggedResource(*p.Resource)
	if apiErr != nil {
		return nil, apiErr
	}
	now := s.lockState()
	defer s.mu.Unlock()
	r, ok := s.findTagged(ref)
	if !ok {
		return nil, newError(apicontract.CodeResourceNotFound, "The resource `%s` does not exist.", *p.Resource)
	}
	i := indexOfTag(r.tags, *p.TagKey)
	if i < 0 {
		return nil, newError(apicontract.CodeAttachedTagKeyNotFound, "The resource %s has no tag key `%s`.", ref.id, *p.TagKey)
	}
	s.setResourceTags(r, slices.Delete(slices.Clone(r.tags), i, i+1), now)
	s.changed()
	return nil, nil
}

// createTag adds a tag to the account's tag list, attached to nothing.
//
// Documented (the SDK's CreateTagRequestParams and client.go): TagKey and
// TagValue; the codes TagDuplicate ("标签已存在", the tag exists), the tag
// rule's, TagKey and TagValue (the account's limits of 1000 keys and 1000
// values a key). Guessed: both required (MissingParameter).
func (s *Server) createTag(_ string, body []byte) (map[string]any, *apiError) {
	var p tagPairParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	t, apiErr := tagPair(p)
	if apiErr != nil {
		return nil, apiErr
	}
	s.lockState()
	defer s.mu.Unlock()
	if slices.Contains(s.accountTags(), t) {
		return nil, newError(apicontract.CodeTagDuplicate, "The tag %s=%s already exists.", t.Key, t.Value)
	}
	if apiErr := s.checkTagQuota([]tag{t}); apiErr != nil {
		return nil, apiErr
	}
	s.rememberTags([]tag{t})
	s.changed()
	return nil, nil
}

// deleteTag deletes a tag from the account's tag list.
//
// Documented (the SDK's DeleteTagRequestParams and client.go): TagKey and
// TagValue; the codes TagNonExist ("标签不存在", no such tag) and
// TagAttachedResource ("已关联资源的标签无法删除", a tag that resources hold
// cannot be deleted), the tag rule's. Guessed: both required
// (MissingParameter); a tag held only by a key pair that is deleted but
// still listed in its visibility lag is held by nothing.
func (s *Server) deleteTag(_ string, body []byte) (map[string]any, *apiError) {
	var p tagPairParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	t, apiErr := tagPair(p)
	if apiErr != nil {
		return nil, apiErr
	}
	s.lockState()
	defer s.mu.Unlock()
	if !slices.Contains(s.accountTags(), t) {
		return nil, newError(apicontract.CodeTagNotExist, "The tag %s=%s does not exist.", t.Key, t.Value)
	}
	if s.attached(t) {
		return nil, newError(apicontract.CodeTagAttachedResource, "The tag %s=%s is attached to a resource: detach it first.", t.Key, t.Value)
	}
	s.st.Tags = slices.DeleteFunc(s.st.Tags, func(u tag) bool { return u == t })
	s.changed()
	return nil, nil
}

// tagPair checks the TagKey and TagValue of CreateTag and DeleteTag.
func tagPair(p tagPairParams) (tag, *apiError) {
	switch {
	case p.TagKey == nil:
		return tag{}, missing("TagKey")
	case p.TagValue == nil:
		return tag{}, missing("TagValue")
	}
	if apiErr := checkTag(*p.TagKey, *p.TagValue); apiErr != nil {
		return tag{}, apiErr
	}
	return tag{Key: *p.TagKey, Value: *p.TagValue}, nil
}
