package emulator

import (
	"slices"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The Tag API's reads (version 2018-08-13). Only key pairs (cvm,
// keypair) and SSM secrets (ssm, secret) exist here: asked about another
// service type or resource prefix, the reads answer an empty list rather
// than an error, as they would for resources that the account does not
// have (guessed). See tagstore.go for the labels.

type (
	describeResourceTagsByResourceIdsParams struct {
		ServiceType    *string   `json:"ServiceType"`
		ResourcePrefix *string   `json:"ResourcePrefix"`
		ResourceIds    []*string `json:"ResourceIds"`
		ResourceRegion *string   `json:"ResourceRegion"`
		Offset         *int64    `json:"Offset"`
		Limit          *int64    `json:"Limit"`
		Category       *string   `json:"Category"`
	}
	describeResourceTagsParams struct {
		CreateUin      *uint64 `json:"CreateUin"`
		ResourceRegion *string `json:"ResourceRegion"`
		ServiceType    *string `json:"ServiceType"`
		ResourcePrefix *string `json:"ResourcePrefix"`
		ResourceId     *string `json:"ResourceId"`
		Offset         *int64  `json:"Offset"`
		Limit          *int64  `json:"Limit"`
		CosResourceId  *uint64 `json:"CosResourceId"`
	}
	describeResourceTagsByTagKeysParams struct {
		ServiceType    *string   `json:"ServiceType"`
		ResourcePrefix *string   `json:"ResourcePrefix"`
		ResourceRegion *string   `json:"ResourceRegion"`
		ResourceIds    []*string `json:"ResourceIds"`
		TagKeys        []*string `json:"TagKeys"`
		Limit          *int64    `json:"Limit"`
		Offset         *int64    `json:"Offset"`
	}
	tagFilterParam struct {
		TagKey   *string   `json:"TagKey"`
		TagValue []*string `json:"TagValue"`
	}
	getResourcesParams struct {
		ResourceList    []*string         `json:"ResourceList"`
		TagFilters      []*tagFilterParam `json:"TagFilters"`
		PaginationToken *string           `json:"PaginationToken"`
		MaxResults      *int64            `json:"MaxResults"`
	}
	getTagsParams struct {
		PaginationToken *string   `json:"PaginationToken"`
		MaxResults      *int64    `json:"MaxResults"`
		TagKeys         []*string `json:"TagKeys"`
		Category        *string   `json:"Category"`
	}
	getTagKeysParams struct {
		PaginationToken *string `json:"PaginationToken"`
		MaxResults      *int64  `json:"MaxResults"`
		Category        *string `json:"Category"`
	}
	describeTagsParams struct {
		TagKey      *string   `json:"TagKey"`
		TagValue    *string   `json:"TagValue"`
		Offset      *int64    `json:"Offset"`
		Limit       *int64    `json:"Limit"`
		CreateUin   *uint64   `json:"CreateUin"`
		TagKeys     []*string `json:"TagKeys"`
		ShowProject *uint64   `json:"ShowProject"`
	}
)

// describeResourceTagsByResourceIds answers the tags of the given
// resources, one row (TagResource) per tag, in the order of ResourceIds
// and then of the tags on each; TotalCount counts rows, and Offset and
// Limit page them. This is what the official provider reads a key pair's
// tags with (observed: service_tencentcloud_tag.go, DescribeResourceTags,
// with ServiceType cvm, ResourcePrefix keypair, one id, ResourceRegion,
// Limit 20, and Offset moved by the rows read until a page is short).
//
// Documented (the SDK's DescribeResourceTagsByResourceIdsRequestParams and
// page 651/33022): ServiceType, ResourcePrefix, ResourceIds (at most 50)
// and ResourceRegion required; Limit default 15; Offset a multiple of
// Limit; the codes RegionInvalid, ResourceIdInvalid. Guessed: a missing
// one is MissingParameter; more than 50 ids
// LimitExceeded.ResourceNumPerRequest (the Tag API's code for too many
// resources; this action documents none); a malformed key id
// ResourceIdInvalid; an empty ResourceRegion for key pairs, which are
// regional, RegionInvalid; a well-formed id of no key pair adds no rows,
// as DescribeKeyPairs answers such ids with an empty set.
func (s *Server) describeResourceTagsByResourceIds(_ string, body []byte) (map[string]any, *apiError) {
	var p describeResourceTagsByResourceIdsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.ServiceType == nil || *p.ServiceType == "":
		return nil, missing("ServiceType")
	case p.ResourcePrefix == nil || *p.ResourcePrefix == "":
		return nil, missing("ResourcePrefix")
	case len(p.ResourceIds) == 0:
		return nil, missing("ResourceIds")
	case p.ResourceRegion == nil:
		return nil, missing("ResourceRegion")
	case len(p.ResourceIds) > apicontract.MaxResourceIdsPerDescribe:
		return nil, newError(apicontract.CodeResourceNumPerRequest, "ResourceIds may hold at most %d ids, not %d.", apicontract.MaxResourceIdsPerDescribe, len(p.ResourceIds))
	}
	custom, apiErr := categoryShows(p.Category)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, limit, apiErr := offsetPage(p.Offset, p.Limit, apicontract.DefaultTagPageLimit)
	if apiErr != nil {
		return nil, apiErr
	}
	region := *p.ResourceRegion
	kind, ids, apiErr := resourcesNamed(region, *p.ServiceType, *p.ResourcePrefix, p.ResourceIds)
	if apiErr != nil {
		return nil, apiErr
	}
	rows := []tagResourceView{}
	if kind.known() && custom {
		rows = s.tagRowsOf(region, kind, distinct(ids))
	}
	return map[string]any{"TotalCount": len(rows), "Offset": offset, "Limit": limit, "Tags": pageOf(rows, offset, limit)}, nil
}

// tagRowsOf is the rows of the resources of a kind and of ids that the
// reads see in region, in the order of ids.
func (s *Server) tagRowsOf(region string, kind tagKind, ids []string) []tagResourceView {
	now := s.lockState()
	defer s.mu.Unlock()
	shown := s.shownResources(region, now)
	rows := []tagResourceView{}
	for _, id := range ids {
		for _, r := range shown {
			if r.kind() != kind || r.id() != id {
				continue
			}
			for _, t := range r.tags {
				rows = append(rows, tagResourceRow(r, t))
			}
		}
	}
	return rows
}

// checkResourceRegion checks the ResourceRegion of a read: a region that
// is not served is InvalidParameterValue.RegionInvalid (documented code);
// so is an empty one for key pairs and secrets, which are regional ("不区
// 分地域的资源该字段传空字符串，区分地域的资源必填", empty only for resources
// without a region; documented), when regional is set.
func checkResourceRegion(region string, regional bool) *apiError {
	if region == "" && regional {
		return newError(apicontract.CodeTagRegionInvalid, "ResourceRegion is required for key pairs and secrets, which are regional.")
	}
	if region != "" && !regions[region] {
		return newError(apicontract.CodeTagRegionInvalid, "The region `%s` is not supported.", region)
	}
	return nil
}

// checkKeyPairIDs refuses ids that are not key ids with
// InvalidParameterValue.ResourceIdInvalid (the code is documented, that it
// answers malformed ids is guessed).
func checkKeyPairIDs(ids []string) *apiError {
	for _, id := range ids {
		if v := apicontract.KeyPairID(id); v != nil {
			return newError(apicontract.CodeResourceIDInvalid, "The resource id `%s` is not a key pair id. %s", id, v.Rule)
		}
	}
	return nil
}

// distinct is ids without repeats, in order.
func distinct(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// describeResourceTags answers the tags of the resources that its
// optional filters match, one row per tag, key pairs in creation order;
// Offset and Limit page the rows.
//
// Documented (the SDK's DescribeResourceTagsRequestParams, page
// 651/37097): every parameter optional; Limit default 15; Offset a
// multiple of Limit; CosResourceId 1 asks for COS resources and needs
// ResourceId. Guessed: a CreateUin other than the account's, a region not
// served, or a service type or prefix of no resource here match
// nothing (the action documents only FailedOperation); CosResourceId 1
// matches nothing, there being no COS here; a CosResourceId other than 0
// or 1 is InvalidParameter.
func (s *Server) describeResourceTags(_ string, body []byte) (map[string]any, *apiError) {
	var p describeResourceTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	cos := p.CosResourceId != nil && *p.CosResourceId == 1
	switch {
	case p.CosResourceId != nil && *p.CosResourceId > 1:
		return nil, newError(apicontract.CodeInvalidParameter, "CosResourceId must be 0 or 1, not %d.", *p.CosResourceId)
	case cos && (p.ResourceId == nil || *p.ResourceId == ""):
		return nil, missing("ResourceId")
	}
	offset, limit, apiErr := offsetPage(p.Offset, p.Limit, apicontract.DefaultTagPageLimit)
	if apiErr != nil {
		return nil, apiErr
	}
	matches := !cos && (p.CreateUin == nil || *p.CreateUin == demoUinNumber)
	var want tagKind
	if p.ServiceType != nil {
		want.service = *p.ServiceType
	}
	if p.ResourcePrefix != nil {
		want.prefix = *p.ResourcePrefix
	}
	region := ""
	if p.ResourceRegion != nil {
		region = *p.ResourceRegion
		matches = matches && (region == "" || regions[region])
	}
	rows := []tagResourceView{}
	if matches {
		var ids []string
		if p.ResourceId != nil && *p.ResourceId != "" {
			ids = []string{*p.ResourceId}
		}
		rows = s.tagRowsIn(region, want, ids)
	}
	return map[string]any{"TotalCount": len(rows), "Offset": offset, "Limit": limit, "Rows": pageOf(rows, offset, limit)}, nil
}

// tagRowsIn is the rows of the resources that the reads see in region,
// in the order of shownResources: those of want's service type and
// prefix where they are not empty, and of ids when ids is not empty.
func (s *Server) tagRowsIn(region string, want tagKind, ids []string) []tagResourceView {
	now := s.lockState()
	defer s.mu.Unlock()
	rows := []tagResourceView{}
	for _, r := range s.shownResources(region, now) {
		k := r.kind()
		if (want.service != "" && want.service != k.service) || (want.prefix != "" && want.prefix != k.prefix) ||
			(len(ids) > 0 && !slices.Contains(ids, r.id())) {
			continue
		}
		for _, t := range r.tags {
			rows = append(rows, tagResourceRow(r, t))
		}
	}
	return rows
}

// describeResourceTagsByTagKeys answers, for each given resource that
// holds one of the given tag keys, a row (ResourceIdTag) of those of its
// tags, in the order of ResourceIds; TotalCount counts rows, and Offset and
// Limit page them.
//
// Documented (the SDK's DescribeResourceTagsByTagKeysRequestParams, page
// 651/35705): ServiceType, ResourcePrefix, ResourceRegion, ResourceIds (at
// most 20) and TagKeys (at most 20) required; Limit default 400; Offset a
// multiple of Limit; the codes RegionInvalid, ResourceIdInvalid and the
// tag key rule's. Guessed: a missing one is MissingParameter; too many ids
// LimitExceeded.ResourceNumPerRequest, too many keys
// LimitExceeded.TagNumPerRequest; a resource that holds none of the keys
// has no row.
func (s *Server) describeResourceTagsByTagKeys(_ string, body []byte) (map[string]any, *apiError) {
	var p describeResourceTagsByTagKeysParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.ServiceType == nil || *p.ServiceType == "":
		return nil, missing("ServiceType")
	case p.ResourcePrefix == nil || *p.ResourcePrefix == "":
		return nil, missing("ResourcePrefix")
	case p.ResourceRegion == nil:
		return nil, missing("ResourceRegion")
	case len(p.ResourceIds) == 0:
		return nil, missing("ResourceIds")
	case len(p.TagKeys) == 0:
		return nil, missing("TagKeys")
	case len(p.ResourceIds) > apicontract.MaxResourceIdsByTagKeys:
		return nil, newError(apicontract.CodeResourceNumPerRequest, "ResourceIds may hold at most %d ids, not %d.", apicontract.MaxResourceIdsByTagKeys, len(p.ResourceIds))
	case len(p.TagKeys) > apicontract.MaxTagKeysByTagKeys:
		return nil, newError(apicontract.CodeTagsPerRequest, "TagKeys may hold at most %d keys, not %d.", apicontract.MaxTagKeysByTagKeys, len(p.TagKeys))
	}
	keys := stringsOf(p.TagKeys)
	for _, k := range keys {
		if apiErr := checkTagKeyFilter(k); apiErr != nil {
			return nil, apiErr
		}
	}
	offset, limit, apiErr := offsetPage(p.Offset, p.Limit, apicontract.DefaultByTagKeysLimit)
	if apiErr != nil {
		return nil, apiErr
	}
	region := *p.ResourceRegion
	kind, ids, apiErr := resourcesNamed(region, *p.ServiceType, *p.ResourcePrefix, p.ResourceIds)
	if apiErr != nil {
		return nil, apiErr
	}
	rows := []resourceIDTagView{}
	if kind.known() {
		rows = s.rowsByTagKeys(region, kind, distinct(ids), keys)
	}
	return map[string]any{"TotalCount": len(rows), "Offset": offset, "Limit": limit, "Rows": pageOf(rows, offset, limit)}, nil
}

// rowsByTagKeys is, for each resource of a kind and of ids that the
// reads see in region and that holds one of keys, a row of those of its
// tags.
func (s *Server) rowsByTagKeys(region string, kind tagKind, ids, keys []string) []resourceIDTagView {
	now := s.lockState()
	defer s.mu.Unlock()
	shown := s.shownResources(region, now)
	rows := []resourceIDTagView{}
	for _, id := range ids {
		for _, r := range shown {
			if r.kind() != kind || r.id() != id {
				continue
			}
			var held []tag
			for _, t := range r.tags {
				if slices.Contains(keys, t.Key) {
					held = append(held, t)
				}
			}
			if len(held) > 0 {
				rows = append(rows, resourceIDTagView{ResourceId: id, TagKeyValues: tagViews(held)})
			}
		}
	}
	return rows
}

// getResources lists the resources that hold tags, with their tags
// (ResourceTagMapping), sorted by resource name and paged by
// PaginationToken and MaxResults.
//
// Documented (the SDK's GetResourcesRequestParams, page 651/46539): it
// lists resources bound to tags ("查询绑定了标签的资源列表"); ResourceList at
// most 10 names, and with it every match is answered and MaxResults is
// ignored; TagFilters at most 6, each with at most 10 values, and a
// resource must match every filter, a value any of the filter's; MaxResults
// default 50, at most 200; the codes ResourceNumPerRequest,
// ResourceDescriptionError, TagKeyEmpty, TagKeyDuplicate,
// PaginationTokenInvalid. Guessed: a filter without values matches any
// value of its key; too many filters or values is
// LimitExceeded.TagNumPerRequest; a well-formed name of another kind of
// resource or of another account matches nothing; a key pair without tags
// is not listed, even when named; the answered names carry the account's
// uin.
func (s *Server) getResources(_ string, body []byte) (map[string]any, *apiError) {
	var p getResourcesParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if len(p.ResourceList) > apicontract.MaxResourcesPerTagCall {
		return nil, newError(apicontract.CodeResourceNumPerRequest, "ResourceList may hold at most %d names, not %d.", apicontract.MaxResourcesPerTagCall, len(p.ResourceList))
	}
	if len(p.TagFilters) > apicontract.MaxTagFilters {
		return nil, newError(apicontract.CodeTagsPerRequest, "TagFilters may hold at most %d filters, not %d.", apicontract.MaxTagFilters, len(p.TagFilters))
	}
	var named []resourceName
	for _, raw := range stringsOf(p.ResourceList) {
		rn, ok := parseResourceName(raw)
		if !ok {
			return nil, newError(apicontract.CodeResourceDescription, "The resource `%s` is not a six-segment name qcs::<service>:<region>:uin/<uin>:<prefix>/<id>.", raw)
		}
		named = append(named, rn)
	}
	filters := map[string][]string{}
	for i, f := range p.TagFilters {
		if f == nil || f.TagKey == nil || *f.TagKey == "" {
			return nil, newError(apicontract.CodeTagKeyEmpty, "TagFilters.%d has no TagKey.", i)
		}
		if apiErr := checkTagKeyFilter(*f.TagKey); apiErr != nil {
			return nil, apiErr
		}
		if _, dup := filters[*f.TagKey]; dup {
			return nil, newError(apicontract.CodeTagKeyDuplicate, "The tag key `%s` is in more than one of TagFilters.", *f.TagKey)
		}
		if len(f.TagValue) > apicontract.MaxValuesPerTagFilter {
			return nil, newError(apicontract.CodeTagsPerRequest, "TagFilters.%d may hold at most %d values, not %d.", i, apicontract.MaxValuesPerTagFilter, len(f.TagValue))
		}
		values := stringsOf(f.TagValue)
		for _, v := range values {
			if apiErr := checkTagValueFilter(*f.TagKey, v); apiErr != nil {
				return nil, apiErr
			}
		}
		filters[*f.TagKey] = values
	}
	size, apiErr := pageSize(p.MaxResults, apicontract.DefaultResourcesPage, apicontract.MaxResourcesPage)
	if apiErr != nil {
		return nil, apiErr
	}

	found := s.taggedResources(named, filters)
	slices.SortFunc(found, func(a, b resourceTagMappingView) int { return strings.Compare(a.Resource, b.Resource) })
	if len(named) > 0 {
		return map[string]any{"PaginationToken": "", "ResourceTagMappingList": found}, nil
	}
	key := func(r resourceTagMappingView) []string { return []string{r.Resource} }
	page, next, apiErr := tokenPage("GetResources", found, key, p.PaginationToken, size)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"PaginationToken": next, "ResourceTagMappingList": page}, nil
}

// taggedResources is the key pairs and secrets that the reads see, with
// tags, that match filters and, when named is not empty, one of its
// names.
func (s *Server) taggedResources(named []resourceName, filters map[string][]string) []resourceTagMappingView {
	now := s.lockState()
	defer s.mu.Unlock()
	found := []resourceTagMappingView{}
	for _, r := range s.shownResources("", now) {
		if len(r.tags) == 0 || !matchTagFilters(r.tags, filters) {
			continue
		}
		if len(named) > 0 && !slices.ContainsFunc(named, func(rn resourceName) bool {
			return rn.kind() == r.kind() && rn.ours() && rn.ID == r.id() && regions[rn.Region] && s.seenIn(r, rn.Region)
		}) {
			continue
		}
		found = append(found, resourceTagMappingView{Resource: r.name(), Tags: tagViews(r.tags)})
	}
	return found
}

// checkTagValueFilter checks a tag value given to find resources, with
// the tag value rule's codes (documented for GetResources).
func checkTagValueFilter(key, value string) *apiError {
	if v := apicontract.TagValue(value); v != nil {
		return newError(v.Code, "The value `%s` of tag filter `%s` is invalid. %s", value, key, v.Rule)
	}
	return nil
}

// matchTagFilters reports whether tags hold every filter's key, with one
// of its values when it lists any.
func matchTagFilters(tags []tag, filters map[string][]string) bool {
	for key, values := range filters {
		if !slices.ContainsFunc(tags, func(t tag) bool {
			return t.Key == key && (len(values) == 0 || slices.Contains(values, t.Value))
		}) {
			return false
		}
	}
	return true
}

// getTags lists the account's tags (Tag), sorted by key and value, those
// of TagKeys when it is given, paged by PaginationToken and MaxResults.
//
// Documented (the SDK's GetTagsRequestParams, page 651/46536): TagKeys at
// most 20; MaxResults default 50, at most 1000; Category; the codes
// TagKeyEmpty, PaginationTokenInvalid, LimitExceeded, InvalidParameter.
// Guessed: more than 20 keys is LimitExceeded. The list holds tags made
// by CreateTag and those attached to key pairs (see accountTags).
func (s *Server) getTags(_ string, body []byte) (map[string]any, *apiError) {
	var p getTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	keys, apiErr := tagKeysFilter(p.TagKeys)
	if apiErr != nil {
		return nil, apiErr
	}
	return s.tagList("GetTags", keys, p.Category, p.PaginationToken, p.MaxResults)
}

// getTagValues is getTags with TagKeys required (documented: page
// 651/46537 marks TagKeys.N required, and the action lists
// MissingParameter).
func (s *Server) getTagValues(_ string, body []byte) (map[string]any, *apiError) {
	var p getTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if len(p.TagKeys) == 0 {
		return nil, missing("TagKeys")
	}
	keys, apiErr := tagKeysFilter(p.TagKeys)
	if apiErr != nil {
		return nil, apiErr
	}
	return s.tagList("GetTagValues", keys, p.Category, p.PaginationToken, p.MaxResults)
}

// tagKeysFilter checks the TagKeys of GetTags and GetTagValues: at most
// MaxTagKeysPerGet (documented), more is LimitExceeded (guessed), an empty
// key InvalidParameterValue.TagKeyEmpty (documented for GetTags).
func tagKeysFilter(raw []*string) ([]string, *apiError) {
	if len(raw) > apicontract.MaxTagKeysPerGet {
		return nil, newError(apicontract.CodeLimitExceeded, "TagKeys may hold at most %d keys, not %d.", apicontract.MaxTagKeysPerGet, len(raw))
	}
	keys := stringsOf(raw)
	for _, k := range keys {
		if k == "" {
			return nil, newError(apicontract.CodeTagKeyEmpty, "A key in TagKeys is empty.")
		}
	}
	return keys, nil
}

// tagList is the page of the account's tags of keys (every key when keys
// is empty) that GetTags and GetTagValues answer.
func (s *Server) tagList(action string, keys []string, category, token *string, maxResults *int64) (map[string]any, *apiError) {
	custom, apiErr := categoryShows(category)
	if apiErr != nil {
		return nil, apiErr
	}
	size, apiErr := pageSize(maxResults, apicontract.DefaultTagsPage, apicontract.MaxTagsPage)
	if apiErr != nil {
		return nil, apiErr
	}
	var tags []tag
	if custom {
		for _, t := range s.lockedAccountTags() {
			if len(keys) == 0 || slices.Contains(keys, t.Key) {
				tags = append(tags, t)
			}
		}
	}
	page, next, apiErr := tokenPage(action, tags, func(t tag) []string { return []string{t.Key, t.Value} }, token, size)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"PaginationToken": next, "Tags": tagViews(page)}, nil
}

// getTagKeys lists the keys of the account's tags, sorted, paged by
// PaginationToken and MaxResults (documented: the SDK's
// GetTagKeysRequestParams and page 651/46538, MaxResults default 50, at
// most 1000).
func (s *Server) getTagKeys(_ string, body []byte) (map[string]any, *apiError) {
	var p getTagKeysParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	custom, apiErr := categoryShows(p.Category)
	if apiErr != nil {
		return nil, apiErr
	}
	size, apiErr := pageSize(p.MaxResults, apicontract.DefaultTagsPage, apicontract.MaxTagsPage)
	if apiErr != nil {
		return nil, apiErr
	}
	var keys []string
	if custom {
		for _, t := range s.lockedAccountTags() {
			if !slices.Contains(keys, t.Key) {
				keys = append(keys, t.Key)
			}
		}
	}
	page, next, apiErr := tokenPage("GetTagKeys", keys, func(k string) []string { return []string{k} }, p.PaginationToken, size)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"PaginationToken": next, "TagKeys": page}, nil
}

// describeTags lists the account's tags (TagWithDelete), sorted by key and
// value, paged by Offset and Limit.
//
// Documented (the SDK's DescribeTagsRequestParams, page 651/35316): TagKey
// and TagValue come together or not at all, and without them every tag is
// listed; TagKeys, when given, is used instead of TagKey; Limit default
// 15; Offset a multiple of Limit; CreateUin and ShowProject ("是否展现项目
// 标签", 1 to show project tags). Guessed: TagKey or TagValue alone is
// MissingParameter for the other; TagValue with TagKeys narrows to that
// value; a CreateUin other than the account's matches nothing; project
// tags do not exist here; CanDelete is 1 when no key pair holds the tag,
// as DeleteTag then deletes it, else 0.
func (s *Server) describeTags(_ string, body []byte) (map[string]any, *apiError) {
	var p describeTagsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.TagKey != nil && p.TagValue == nil && len(p.TagKeys) == 0:
		return nil, missing("TagValue")
	case p.TagValue != nil && p.TagKey == nil && len(p.TagKeys) == 0:
		return nil, missing("TagKey")
	case p.ShowProject != nil && *p.ShowProject > 1:
		return nil, newError(apicontract.CodeInvalidParameter, "ShowProject must be 0 or 1, not %d.", *p.ShowProject)
	}
	offset, limit, apiErr := offsetPage(p.Offset, p.Limit, apicontract.DefaultTagPageLimit)
	if apiErr != nil {
		return nil, apiErr
	}
	match := func(t tag) bool {
		if len(p.TagKeys) > 0 {
			return slices.Contains(stringsOf(p.TagKeys), t.Key) && (p.TagValue == nil || *p.TagValue == t.Value)
		}
		return p.TagKey == nil || (*p.TagKey == t.Key && *p.TagValue == t.Value)
	}
	rows := []tagWithDeleteView{}
	if p.CreateUin == nil || *p.CreateUin == demoUinNumber {
		rows = s.tagsWithDelete(match)
	}
	return map[string]any{"TotalCount": len(rows), "Offset": offset, "Limit": limit, "Tags": pageOf(rows, offset, limit)}, nil
}

// lockedAccountTags is accountTags, taking the lock.
func (s *Server) lockedAccountTags() []tag {
	s.lockState()
	defer s.mu.Unlock()
	return s.accountTags()
}

// tagsWithDelete is the account's tags that match, as DescribeTags
// answers them.
func (s *Server) tagsWithDelete(match func(tag) bool) []tagWithDeleteView {
	s.lockState()
	defer s.mu.Unlock()
	rows := []tagWithDeleteView{}
	for _, t := range s.accountTags() {
		if !match(t) {
			continue
		}
		row := tagWithDeleteView{TagKey: t.Key, TagValue: t.Value, CanDelete: 1, Category: customCategory}
		if s.attached(t) {
			row.CanDelete = 0
		}
		rows = append(rows, row)
	}
	return rows
}

// resourcesNamed checks the resources that a Tag API read names by
// service, prefix and ids in region: the region must be one the service
// is in, and key pair ids well formed. It returns their kind and ids.
func resourcesNamed(region, service, prefix string, resourceIDs []*string) (tagKind, []string, *apiError) {
	kind := tagKind{service, prefix}
	if apiErr := checkResourceRegion(region, kind.known()); apiErr != nil {
		return kind, nil, apiErr
	}
	ids := stringsOf(resourceIDs)
	if kind == keyPairKind {
		if apiErr := checkKeyPairIDs(ids); apiErr != nil {
			return kind, nil, apiErr
		}
	}
	return kind, ids, nil
}
