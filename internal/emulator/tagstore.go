package emulator

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// This file holds what the Tag API actions share: resource names, the
// account's tag list, what the reads see of the resources, the answers'
// objects and paging. The Tag API reads and writes the tags that the key
// pairs hold (keyPair.Tags), the same store that CreateKeyPair,
// ImportKeyPair and DescribeKeyPairs use, so a tag written through one is
// read through all; and the tags of the SSM secrets (secret.Tags), which
// CreateSSHKeyPairSecret sets and ListSecrets filters by.
//
// Each behaviour is labelled in its comment: documented (the SDK's
// tencentcloud/tag/v20180813 comments or a page, cited), observed (what the
// official provider, tencentcloudstack/terraform-provider-tencentcloud,
// does against the real API) or guessed.

const (
	// serviceCVM and the keypair prefix, serviceSSM and the secret
	// prefix, are the service types and resource prefixes whose resources
	// exist here.
	serviceCVM         = "cvm"
	serviceSSM         = "ssm"
	secretResourceType = "secret"
	// customCategory is the Category of every tag here: the tags that
	// users make are "Custom"; "System" ones are made by the service
	// (documented: the SDK's Tag.Category).
	customCategory = "Custom"
)

// resourceName is a parsed six-segment resource name,
// qcs::<service>:<region>:<account>:<prefix>/<id> (documented: the
// SDK's GetResourcesRequestParams.ResourceList, "qcs::${ServiceType}:
// ${Region}:${Account}:${ResourcePreifx}/${ResourceId}"). Account is
// uin/<uin> (uid/<uid> for COS, as the official provider's
// BuildTagResourceName writes it); the uin may be empty (observed: the
// official provider writes qcs::cvm:<region>:uin/:keypair/<id>).
type resourceName struct {
	Service, Region, Account, Uin, Prefix, ID string
}

// parseResourceName parses a six-segment name; ok is false for anything
// else. The region may be empty (resources without one); the id may hold
// colons and slashes.
func parseResourceName(name string) (resourceName, bool) {
	seg := strings.SplitN(name, ":", 6)
	if len(seg) != 6 || seg[0] != "qcs" || seg[1] != "" || seg[2] == "" {
		return resourceName{}, false
	}
	account, uin, ok := strings.Cut(seg[4], "/")
	if !ok || (account != "uin" && account != "uid") {
		return resourceName{}, false
	}
	prefix, id, ok := strings.Cut(seg[5], "/")
	if !ok || prefix == "" || id == "" {
		return resourceName{}, false
	}
	return resourceName{Service: seg[2], Region: seg[3], Account: account, Uin: uin, Prefix: prefix, ID: id}, true
}

// tagKind is a kind of resource, by service type and resource prefix.
type tagKind struct{ service, prefix string }

// The kinds of resource that hold tags here.
var (
	keyPairKind = tagKind{serviceCVM, keyPairResourceType}
	secretKind  = tagKind{serviceSSM, secretResourceType}
)

// known reports whether resources of the kind exist here.
func (k tagKind) known() bool { return k == keyPairKind || k == secretKind }

// kind is the kind of resource that the name names.
func (r resourceName) kind() tagKind { return tagKind{r.Service, r.Prefix} }

// taggedResource is a resource that holds tags, a key pair or an SSM
// secret, with the tags that a read shows of it (for a write, its current
// ones).
type taggedResource struct {
	kp   *keyPair
	sec  *secret
	tags []tag
}

func (r taggedResource) kind() tagKind {
	if r.kp != nil {
		return keyPairKind
	}
	return secretKind
}

// id is the resource id of the resource's name: a key id, or
// creatorUin/<uin>/<name> for a secret.
func (r taggedResource) id() string {
	if r.kp != nil {
		return r.kp.ID
	}
	return r.sec.resourceID()
}

func (r taggedResource) region() string {
	if r.kp != nil {
		return r.kp.Region
	}
	return r.sec.Region
}

// name is the name by which the Tag API answers the resource, with the
// account's uin filled in (guessed: no source shows an answer's Resource
// for a name asked with an empty uin).
func (r taggedResource) name() string {
	k := r.kind()
	return "qcs::" + k.service + ":" + r.region() + ":uin/" + DemoUin + ":" + k.prefix + "/" + r.id()
}

// seenIn reports whether a call about region finds the resource: a key
// pair where the CVM actions find it (in account scope, from any region),
// a secret in its own region.
func (s *Server) seenIn(r taggedResource, region string) bool {
	if r.kp != nil {
		return s.inScope(r.kp, region)
	}
	return r.sec.Region == region
}

// setResourceTags changes a resource's tags at now: a key pair's through
// setTags, under the tag lag; a secret's at once (guessed: no lag is
// known of SSM), joining the account's tag list.
func (s *Server) setResourceTags(r taggedResource, tags []tag, now time.Time) {
	if r.kp != nil {
		s.setTags(r.kp, tags, now)
		return
	}
	r.sec.Tags = tags
	s.rememberTags(tags)
}

// ours reports whether the name is of this account: an empty uin or the
// account's.
func (r resourceName) ours() bool {
	return r.Account == "uin" && (r.Uin == "" || r.Uin == DemoUin)
}

// rememberTags adds tags to the account's tag list. A tag attached to a
// resource joins the list and stays there when it is detached, until
// DeleteTag deletes it (guessed from the documented TagResources, "如果
// 标签不存在会为您自动创建标签", a tag that does not exist is created, and
// DeleteTag refusing tags that resources hold,
// FailedOperation.TagAttachedResource).
func (s *Server) rememberTags(tags []tag) {
	for _, t := range tags {
		i, found := slices.BinarySearchFunc(s.st.Tags, t, compareTags)
		if !found {
			s.st.Tags = slices.Insert(s.st.Tags, i, t)
		}
	}
}

func compareTags(a, b tag) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

// accountTags is the account's tag list, sorted by key and value: the
// remembered tags and the current tags of every key pair and secret
// (which a state file from before the list existed holds only there). The list shows a
// tag from the moment it is created or attached, whatever the tag lag:
// the lag delays which resources show a tag, not the tag (guessed).
func (s *Server) accountTags() []tag {
	all := slices.Clone(s.st.Tags)
	for _, kp := range s.st.KeyPairs {
		if kp.Deleted.IsZero() {
			all = append(all, kp.Tags...)
		}
	}
	for _, sec := range s.st.Secrets {
		all = append(all, sec.Tags...)
	}
	slices.SortFunc(all, compareTags)
	return slices.Compact(all)
}

// attached reports whether a key pair or a secret holds the tag now: the
// writes see the current tags at once, as they find new key pairs at
// once.
func (s *Server) attached(t tag) bool {
	for _, kp := range s.st.KeyPairs {
		if kp.Deleted.IsZero() && slices.Contains(kp.Tags, t) {
			return true
		}
	}
	return slices.ContainsFunc(s.st.Secrets, func(sec *secret) bool { return slices.Contains(sec.Tags, t) })
}

// checkTagQuota refuses tags that would take the account past
// MaxTagKeysPerAccount keys (LimitExceeded.TagKey) or a key past
// MaxValuesPerTagKey values (LimitExceeded.TagValue) (documented: the
// SDK's errors.go, "用户创建标签键达到上限数 1000" and "单个标签键对应标签值
// 达到上限数 1000"; CreateTag, AddResourceTag and ModifyResourceTags list
// both, TagResources the second; that TagResources also answers the first
// is guessed).
func (s *Server) checkTagQuota(tags []tag) *apiError {
	list := s.accountTags()
	keys := map[string]int{}
	for _, t := range list {
		keys[t.Key]++
	}
	for _, t := range tags {
		if _, found := slices.BinarySearchFunc(list, t, compareTags); found {
			continue
		}
		if _, ok := keys[t.Key]; !ok && len(keys) >= apicontract.MaxTagKeysPerAccount {
			return newError(apicontract.CodeTagKeyQuota, "The account has the maximum of %d tag keys: `%s` would be one more.", apicontract.MaxTagKeysPerAccount, t.Key)
		}
		if keys[t.Key] >= apicontract.MaxValuesPerTagKey {
			return newError(apicontract.CodeTagValueQuota, "The tag key `%s` has the maximum of %d values.", t.Key, apicontract.MaxValuesPerTagKey)
		}
		keys[t.Key]++
		list = append(list, t)
		slices.SortFunc(list, compareTags)
	}
	return nil
}

// shownResources lists, each kind in creation order, the key pairs and
// then the secrets that the Tag API's reads see at now, in region ("" for
// every region). The key pairs are those that DescribeKeyPairs in that
// region lists, with the tags it shows. So under --strict a new key
// pair's tags, and a change of them, show in the Tag API when they show
// in DescribeKeyPairs (guessed: the official provider reads tags through
// the Tag API, and no source says that the two differ). In account scope
// every region sees every key pair, as DescribeKeyPairs does. The secrets
// are those of the region, PendingDelete ones included (guessed), with
// their current tags.
func (s *Server) shownResources(region string, now time.Time) []taggedResource {
	var out []taggedResource
	for _, kp := range s.st.KeyPairs {
		if (region != "" && !s.inScope(kp, region)) || !s.visible(kp, now) {
			continue
		}
		out = append(out, taggedResource{kp: kp, tags: s.shownTags(kp, now)})
	}
	for _, sec := range s.st.Secrets {
		if region == "" || sec.Region == region {
			out = append(out, taggedResource{sec: sec, tags: sec.Tags})
		}
	}
	return out
}

// The objects of the answers (documented: the SDK's models.go).
type (
	// tagPairView is a Tag.
	tagPairView struct {
		TagKey   string
		TagValue string
		Category string
	}
	// tagResourceView is a TagResource: one tag of one resource.
	tagResourceView struct {
		TagKey      string
		TagValue    string
		ResourceId  string
		TagKeyMd5   string
		TagValueMd5 string
		ServiceType string
		Category    string
	}
	// resourceIDTagView is a ResourceIdTag.
	resourceIDTagView struct {
		ResourceId   string
		TagKeyValues []tagPairView
	}
	// resourceTagMappingView is a ResourceTagMapping.
	resourceTagMappingView struct {
		Resource string
		Tags     []tagPairView
	}
	// tagWithDeleteView is a TagWithDelete.
	tagWithDeleteView struct {
		TagKey    string
		TagValue  string
		CanDelete uint64
		Category  string
	}
	// failedResourceView is a FailedResource.
	failedResourceView struct {
		Resource string
		Code     string
		Message  string
	}
)

func tagViews(tags []tag) []tagPairView {
	out := make([]tagPairView, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagPairView{TagKey: t.Key, TagValue: t.Value, Category: customCategory})
	}
	return out
}

// tagResourceRow is one row of DescribeResourceTags and
// DescribeResourceTagsByResourceIds. TagKeyMd5 and TagValueMd5 are the
// hex MD5 of the key and the value (guessed from their names and the
// 32-digit example of DescribeResourceTagsByResourceIds, 651/33022).
func tagResourceRow(r taggedResource, t tag) tagResourceView {
	return tagResourceView{
		TagKey:      t.Key,
		TagValue:    t.Value,
		ResourceId:  r.id(),
		TagKeyMd5:   md5Hex(t.Key),
		TagValueMd5: md5Hex(t.Value),
		ServiceType: r.kind().service,
		Category:    customCategory,
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// categoryShows checks a Category parameter, Custom, System or All
// (default All; documented), and reports whether it takes in the custom
// tags, the only kind here. Another value is InvalidParameter (guessed).
func categoryShows(c *string) (bool, *apiError) {
	if c == nil {
		return true, nil
	}
	switch *c {
	case "", "All", customCategory:
		return true, nil
	case "System":
		return false, nil
	}
	return false, newError(apicontract.CodeInvalidParameter, "Category must be Custom, System or All, not `%s`.", *c)
}

// offsetPage checks the Offset and Limit of the Offset/Limit reads. An
// absent or zero Limit is the action's default (documented: "每页大小，默认
// 为 15", and 400 for DescribeResourceTagsByTagKeys; the English pages of
// DescribeTags and DescribeResourceTagsByResourceIds say "The default
// value is 0", read here as 0 meaning the default). Offset "必须为Limit参数
// 的整数倍" (must be a multiple of Limit; documented), else
// InvalidParameterValue.OffsetInvalid (guessed: the code the Seq variants
// document for a bad offset). A Limit above MaxTagPageLimit is
// InvalidParameter (guessed: no source gives a maximum).
func offsetPage(offset, limit *int64, def int) (int, int, *apiError) {
	o, l := int64(0), int64(def)
	if offset != nil {
		o = *offset
	}
	if limit != nil && *limit != 0 {
		l = *limit
	}
	switch {
	case o < 0:
		return 0, 0, newError(apicontract.CodeInvalidParameter, "Offset must not be negative, not %d.", o)
	case l < 0 || l > apicontract.MaxTagPageLimit:
		return 0, 0, newError(apicontract.CodeInvalidParameter, "Limit must be from 1 to %d, not %d.", apicontract.MaxTagPageLimit, l)
	case o%l != 0:
		return 0, 0, newError(apicontract.CodeOffsetInvalid, "Offset must be a multiple of Limit: %d is not a multiple of %d.", o, l)
	}
	return int(o), int(l), nil
}

// pageOf is the page of items from offset, at most limit long, never nil.
func pageOf[T any](items []T, offset, limit int) []T {
	page := []T{}
	for i := offset; i < len(items) && i < offset+limit; i++ {
		page = append(page, items[i])
	}
	return page
}

// pageSize checks the MaxResults of the token-paged reads: absent or 0 is
// def, more than most is InvalidParameter (documented: the maximum and the
// default; the code, and 0 meaning the default, are guessed).
func pageSize(maxResults *int64, def, most int) (int, *apiError) {
	if maxResults == nil || *maxResults == 0 {
		return def, nil
	}
	if *maxResults < 0 || *maxResults > int64(most) {
		return 0, newError(apicontract.CodeInvalidParameter, "MaxResults must be from 1 to %d, not %d.", most, *maxResults)
	}
	return int(*maxResults), nil
}

// pageToken is what a PaginationToken holds: the action it pages and the
// sort key of the last item it answered. The next page starts after that
// key, so items added or removed in between neither repeat nor shift the
// pages (the tokens are opaque in the documentation; their content is the
// emulator's own).
type pageToken struct {
	Action string   `json:"a"`
	After  []string `json:"k"`
}

func encodePageToken(action string, after []string) string {
	b, err := json.Marshal(pageToken{Action: action, After: after})
	if err != nil {
		panic(err) // Strings always marshal.
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenPage is the page of items, sorted by key, that follows the token
// ("" or absent for the first page), at most size long, and the token of
// the page after it, "" on the last page (documented for GetTags,
// GetTagKeys and GetTagValues: "如果当前是最后一页，返回为空"; the same for
// GetResources is guessed). A token that this action did not answer is
// InvalidParameter.PaginationTokenInvalid (documented code).
func tokenPage[T any](action string, items []T, key func(T) []string, token *string, size int) ([]T, string, *apiError) {
	start := 0
	if token != nil && *token != "" {
		invalid := newError(apicontract.CodePaginationTokenInvalid, "The PaginationToken `%s` was not answered by %s.", *token, action)
		b, err := base64.RawURLEncoding.DecodeString(*token)
		if err != nil {
			return nil, "", invalid
		}
		var pt pageToken
		if err := json.Unmarshal(b, &pt); err != nil || pt.Action != action || len(pt.After) == 0 {
			return nil, "", invalid
		}
		start = len(items)
		for i, it := range items {
			if slices.Compare(key(it), pt.After) > 0 {
				start = i
				break
			}
		}
	}
	end := min(start+size, len(items))
	page := append([]T{}, items[start:end]...)
	next := ""
	if end < len(items) {
		next = encodePageToken(action, key(items[end-1]))
	}
	return page, next, nil
}

// checkTagKeyFilter checks a tag key given to find tags, with the tag key
// rule's codes (documented for the reads that list them).
func checkTagKeyFilter(key string) *apiError {
	if v := apicontract.TagKey(key); v != nil {
		return newError(v.Code, "The tag key `%s` is invalid. %s", key, v.Rule)
	}
	return nil
}

// stringsOf is the values of a list of optional strings, nil ones as "".
func stringsOf(list []*string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		var v string
		if s != nil {
			v = *s
		}
		out = append(out, v)
	}
	return out
}
