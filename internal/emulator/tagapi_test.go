package emulator

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// The Tag API actions other than ModifyResourceTags (tags_test.go), each
// through the real tag SDK client.

// kpName is a key pair's resource name with an empty uin, as the official
// provider writes it.
func kpName(region, id string) string {
	return "qcs::cvm:" + region + ":uin/:keypair/" + id
}

// kpFullName is the name of a key pair of testRegion with the account's
// uin, as the emulator answers.
func kpFullName(id string) string {
	return "qcs::cvm:" + testRegion + ":uin/" + DemoUin + ":keypair/" + id
}

// sdkTags turns key, value, key, value... into Tag API tags.
func sdkTags(kv ...string) []*tagsdk.Tag {
	var out []*tagsdk.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, &tagsdk.Tag{TagKey: ptr(kv[i]), TagValue: ptr(kv[i+1])})
	}
	return out
}

// pairs renders Tag API tags as key=value, in order.
func pairs(tags []*tagsdk.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, *t.TagKey+"="+*t.TagValue)
	}
	return strings.Join(out, ",")
}

// rows renders TagResource rows as id:key=value, in order.
func rows(tags []*tagsdk.TagResource) string {
	var out []string
	for _, t := range tags {
		out = append(out, *t.ResourceId+":"+*t.TagKey+"="+*t.TagValue)
	}
	return strings.Join(out, ",")
}

// byIDs calls DescribeResourceTagsByResourceIds as the official provider
// does for a key pair, with the given page.
func (e *testEnv) byIDs(region string, offset, limit uint64, ids ...string) (*tagsdk.DescribeResourceTagsByResourceIdsResponseParams, error) {
	req := tagsdk.NewDescribeResourceTagsByResourceIdsRequest()
	req.ServiceType, req.ResourcePrefix, req.ResourceRegion = ptr("cvm"), ptr("keypair"), ptr(region)
	req.ResourceIds = ptrs(ids...)
	req.Offset, req.Limit = ptr(offset), ptr(limit)
	resp, err := e.tag("").DescribeResourceTagsByResourceIds(req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

// providerTags reads a key pair's tags as the official provider's
// TagService.DescribeResourceTags does: pages of 20 rows, the offset moved
// by the rows read, until a page is short; rows of other ids are skipped.
func (e *testEnv) providerTags(region, id string) (map[string]string, int) {
	e.t.Helper()
	tags := map[string]string{}
	var offset uint64
	calls := 0
	for count := 20; count == 20; {
		calls++
		resp, err := e.byIDs(region, offset, 20, id)
		if err != nil {
			e.t.Fatalf("DescribeResourceTagsByResourceIds: %v", err)
		}
		count = len(resp.Tags)
		for _, t := range resp.Tags {
			if *t.ResourceId == id {
				tags[*t.TagKey] = *t.TagValue
			}
		}
		offset += uint64(count)
	}
	return tags, calls
}

func (e *testEnv) tagResources(names []string, kv ...string) (*tagsdk.TagResourcesResponseParams, error) {
	req := tagsdk.NewTagResourcesRequest()
	req.ResourceList = ptrs(names...)
	req.Tags = sdkTags(kv...)
	resp, err := e.tag("").TagResources(req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

func (e *testEnv) createTag(key, value string) error {
	req := tagsdk.NewCreateTagRequest()
	req.TagKey, req.TagValue = ptr(key), ptr(value)
	_, err := e.tag("").CreateTag(req)
	return err
}

// getTags lists the account's tags through GetTags, following the tokens.
func (e *testEnv) getTags(size uint64, keys ...string) (string, int) {
	e.t.Helper()
	var all []*tagsdk.Tag
	var token *string
	calls := 0
	for {
		calls++
		req := tagsdk.NewGetTagsRequest()
		req.MaxResults, req.PaginationToken = ptr(size), token
		if len(keys) > 0 {
			req.TagKeys = ptrs(keys...)
		}
		resp, err := e.tag("").GetTags(req)
		if err != nil {
			e.t.Fatalf("GetTags: %v", err)
		}
		all = append(all, resp.Response.Tags...)
		if resp.Response.PaginationToken == nil || *resp.Response.PaginationToken == "" {
			return pairs(all), calls
		}
		token = resp.Response.PaginationToken
	}
}

// TestTagAPISharedStore checks that CVM and the Tag API share one tag
// store both ways: tags written by CreateKeyPair read through the Tag API,
// and tags written through the Tag API read through DescribeKeyPairs.
func TestTagAPISharedStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "shared", "env", "dev", "team", "a")
	id := *kp.KeyId

	// CreateKeyPair's TagSpecification, read as the official provider reads.
	if got, calls := e.providerTags(testRegion, id); fmt.Sprint(got) != "map[env:dev team:a]" || calls != 1 {
		t.Errorf("provider read %v in %d calls, want map[env:dev team:a] in 1", got, calls)
	}
	// And through GetResources, with the account's uin in the name.
	res, err := e.tag("").GetResources(tagsdk.NewGetResourcesRequest())
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Response.ResourceTagMappingList; len(l) != 1 || *l[0].Resource != kpFullName(id) || pairs(l[0].Tags) != "env=dev,team=a" {
		t.Errorf("GetResources = %s", res.ToJsonString())
	}

	// TagResources, read through DescribeKeyPairs: a new key is added, an
	// existing one gets the new value.
	if out, err := e.tagResources([]string{kpName(testRegion, id)}, "owner", "me", "env", "prod"); err != nil || len(out.FailedResources) != 0 {
		t.Fatalf("TagResources: %v %v", err, out)
	}
	if got := tagList(e.describe(testRegion, id)[0].Tags); got != "env=prod,team=a,owner=me" {
		t.Errorf("DescribeKeyPairs after TagResources: %s", got)
	}
	// UnTagResources, AddResourceTag and DeleteResourceTag too.
	un := tagsdk.NewUnTagResourcesRequest()
	un.ResourceList, un.TagKeys = ptrs(kpName(testRegion, id)), ptrs("team", "absent")
	if _, err := e.tag("").UnTagResources(un); err != nil {
		t.Fatal(err)
	}
	add := tagsdk.NewAddResourceTagRequest()
	add.Resource, add.TagKey, add.TagValue = ptr(kpFullName(id)), ptr("cost"), ptr("42")
	if _, err := e.tag("").AddResourceTag(add); err != nil {
		t.Fatal(err)
	}
	del := tagsdk.NewDeleteResourceTagRequest()
	del.Resource, del.TagKey = ptr(kpName(testRegion, id)), ptr("owner")
	if _, err := e.tag("").DeleteResourceTag(del); err != nil {
		t.Fatal(err)
	}
	if got := tagList(e.describe(testRegion, id)[0].Tags); got != "env=prod,cost=42" {
		t.Errorf("DescribeKeyPairs after the writes: %s", got)
	}
	// DescribeKeyPairs' tag filter sees Tag API writes.
	if got := e.describeFilter(testRegion, "tag:cost", "42"); len(got) != 1 {
		t.Errorf("filter tag:cost=42 matched %v", got)
	}
	// The account's tag list keeps every tag ever attached.
	if got, _ := e.getTags(50); got != "cost=42,env=dev,env=prod,owner=me,team=a" {
		t.Errorf("GetTags = %s", got)
	}
	// The key pair's tags go with it, and the Tag API no longer sees them.
	if err := e.deleteKeys(testRegion, id); err != nil {
		t.Fatal(err)
	}
	if resp, err := e.byIDs(testRegion, 0, 20, id); err != nil || *resp.TotalCount != 0 {
		t.Errorf("after delete: %v %v", err, resp)
	}
}

// TestDescribeResourceTagsByResourceIds checks rows, paging, the shapes
// of other resource types, and the errors.
func TestDescribeResourceTagsByResourceIds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	var kv []string
	for i := range 45 {
		kv = append(kv, fmt.Sprintf("k%02d", i), "v")
	}
	many := e.create(testRegion, "many", kv...)
	few := e.create(testRegion, "few", "a", "1")
	bare := e.create(testRegion, "bare")

	// The official provider's loop reads 45 tags in 3 calls of 20.
	got, calls := e.providerTags(testRegion, *many.KeyId)
	if len(got) != 45 || calls != 3 {
		t.Errorf("provider read %d tags in %d calls, want 45 in 3", len(got), calls)
	}
	// Rows follow ResourceIds, then each key pair's tag order; TotalCount
	// counts rows, not resources.
	resp, err := e.byIDs(testRegion, 40, 10, *many.KeyId, *few.KeyId, *bare.KeyId, "skey-zzzzzzzz", *few.KeyId)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for i := 40; i < 45; i++ {
		want = append(want, fmt.Sprintf("%s:k%02d=v", *many.KeyId, i))
	}
	want = append(want, *few.KeyId+":a=1")
	if rows(resp.Tags) != strings.Join(want, ",") || *resp.TotalCount != 46 || *resp.Offset != 40 || *resp.Limit != 10 {
		t.Errorf("page from 40: %s (total %d, offset %d, limit %d)", rows(resp.Tags), *resp.TotalCount, *resp.Offset, *resp.Limit)
	}
	row := resp.Tags[len(resp.Tags)-1]
	if *row.ServiceType != "cvm" || *row.Category != "Custom" || *row.TagKeyMd5 != "0cc175b9c0f1b6a831c399e269772661" || *row.TagValueMd5 != "c4ca4238a0b923820dcc509a6f75849b" {
		t.Errorf("row = %+v", *row)
	}
	// Limit defaults to 15.
	req := tagsdk.NewDescribeResourceTagsByResourceIdsRequest()
	req.ServiceType, req.ResourcePrefix, req.ResourceRegion, req.ResourceIds = ptr("cvm"), ptr("keypair"), ptr(testRegion), ptrs(*many.KeyId)
	if r, err := e.tag("").DescribeResourceTagsByResourceIds(req); err != nil || len(r.Response.Tags) != 15 || *r.Response.Limit != 15 {
		t.Errorf("default page: %v %v", err, r)
	}

	ids51 := make([]string, 51)
	for i := range ids51 {
		ids51[i] = fmt.Sprintf("skey-%08d", i)
	}
	for _, tt := range []struct {
		name                    string
		service, prefix, region *string
		ids                     []string
		offset, limit           uint64
		category                *string
		code                    string
		total                   uint64
	}{
		{name: "instances answer empty", service: ptr("cvm"), prefix: ptr("instance"), region: ptr(testRegion), ids: []string{"ins-12345678"}, limit: 20},
		{name: "other service answers empty", service: ptr("cbs"), prefix: ptr("disk"), region: ptr(""), ids: []string{"disk-1"}, limit: 20},
		{name: "System category", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, category: ptr("System"), limit: 20},
		{name: "Custom category", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, category: ptr("Custom"), limit: 20, total: 1},
		{name: "no ServiceType", prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, code: "MissingParameter"},
		{name: "no ResourcePrefix", service: ptr("cvm"), region: ptr(testRegion), ids: []string{*few.KeyId}, code: "MissingParameter"},
		{name: "no ResourceIds", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), code: "MissingParameter"},
		{name: "no ResourceRegion", service: ptr("cvm"), prefix: ptr("keypair"), ids: []string{*few.KeyId}, code: "MissingParameter"},
		{name: "51 ids", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: ids51, code: "LimitExceeded.ResourceNumPerRequest"},
		{name: "unknown region", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr("mars-1"), ids: []string{*few.KeyId}, code: "InvalidParameterValue.RegionInvalid"},
		{name: "empty region for key pairs", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(""), ids: []string{*few.KeyId}, code: "InvalidParameterValue.RegionInvalid"},
		{name: "malformed key id", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{"key-1"}, code: "InvalidParameterValue.ResourceIdInvalid"},
		{name: "offset not a multiple", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, offset: 5, limit: 20, code: "InvalidParameterValue.OffsetInvalid"},
		{name: "limit 1001", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, limit: 1001, code: "InvalidParameter"},
		{name: "bad category", service: ptr("cvm"), prefix: ptr("keypair"), region: ptr(testRegion), ids: []string{*few.KeyId}, category: ptr("Mine"), code: "InvalidParameter"},
	} {
		req := tagsdk.NewDescribeResourceTagsByResourceIdsRequest()
		req.ServiceType, req.ResourcePrefix, req.ResourceRegion, req.Category = tt.service, tt.prefix, tt.region, tt.category
		req.ResourceIds = ptrs(tt.ids...)
		req.Offset, req.Limit = ptr(tt.offset), ptr(tt.limit)
		resp, err := e.tag("").DescribeResourceTagsByResourceIds(req)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
			continue
		}
		if err == nil && (*resp.Response.TotalCount != tt.total || len(resp.Response.Tags) != int(tt.total)) {
			t.Errorf("%s: %s, want %d rows", tt.name, resp.ToJsonString(), tt.total)
		}
	}
}

// TestDescribeResourceTags checks the filters and paging of
// DescribeResourceTags.
func TestDescribeResourceTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Scope: ScopeRegion})
	a := e.create(testRegion, "a", "env", "dev", "team", "x")
	b := e.create("ap-shanghai", "b", "env", "prod")
	e.create(testRegion, "untagged")

	call := func(mod func(*tagsdk.DescribeResourceTagsRequest)) (*tagsdk.DescribeResourceTagsResponseParams, error) {
		req := tagsdk.NewDescribeResourceTagsRequest()
		mod(req)
		resp, err := e.tag("").DescribeResourceTags(req)
		if err != nil {
			return nil, err
		}
		return resp.Response, nil
	}
	for _, tt := range []struct {
		name string
		mod  func(*tagsdk.DescribeResourceTagsRequest)
		want string
		code string
	}{
		{"all", func(*tagsdk.DescribeResourceTagsRequest) {}, *a.KeyId + ":env=dev," + *a.KeyId + ":team=x," + *b.KeyId + ":env=prod", ""},
		{"region", func(r *tagsdk.DescribeResourceTagsRequest) { r.ResourceRegion = ptr("ap-shanghai") }, *b.KeyId + ":env=prod", ""},
		{"id", func(r *tagsdk.DescribeResourceTagsRequest) { r.ResourceId = a.KeyId }, *a.KeyId + ":env=dev," + *a.KeyId + ":team=x", ""},
		{"cvm keypair", func(r *tagsdk.DescribeResourceTagsRequest) {
			r.ServiceType, r.ResourcePrefix, r.ResourceRegion = ptr("cvm"), ptr("keypair"), ptr(testRegion)
		}, *a.KeyId + ":env=dev," + *a.KeyId + ":team=x", ""},
		{"creator", func(r *tagsdk.DescribeResourceTagsRequest) { r.CreateUin = ptr(demoUinNumber) }, *a.KeyId + ":env=dev," + *a.KeyId + ":team=x," + *b.KeyId + ":env=prod", ""},
		{"other creator", func(r *tagsdk.DescribeResourceTagsRequest) { r.CreateUin = ptr(uint64(42)) }, "", ""},
		{"instances", func(r *tagsdk.DescribeResourceTagsRequest) {
			r.ServiceType, r.ResourcePrefix = ptr("cvm"), ptr("instance")
		}, "", ""},
		{"cos", func(r *tagsdk.DescribeResourceTagsRequest) {
			r.CosResourceId, r.ResourceId = ptr(uint64(1)), ptr("bucket-1")
		}, "", ""},
		{"page 2 of 2", func(r *tagsdk.DescribeResourceTagsRequest) { r.Offset, r.Limit = ptr(uint64(2)), ptr(uint64(2)) }, *b.KeyId + ":env=prod", ""},
		{"cos without id", func(r *tagsdk.DescribeResourceTagsRequest) { r.CosResourceId = ptr(uint64(1)) }, "", "MissingParameter"},
		{"cos 2", func(r *tagsdk.DescribeResourceTagsRequest) { r.CosResourceId = ptr(uint64(2)) }, "", "InvalidParameter"},
		{"offset", func(r *tagsdk.DescribeResourceTagsRequest) { r.Offset = ptr(uint64(3)) }, "", "InvalidParameterValue.OffsetInvalid"},
	} {
		resp, err := call(tt.mod)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
			continue
		}
		if err == nil && rows(resp.Rows) != tt.want {
			t.Errorf("%s: rows %s, want %s", tt.name, rows(resp.Rows), tt.want)
		}
	}
	resp, err := call(func(r *tagsdk.DescribeResourceTagsRequest) { r.Limit = ptr(uint64(2)) })
	if err != nil || *resp.TotalCount != 3 || len(resp.Rows) != 2 || *resp.Limit != 2 {
		t.Errorf("page of 2: %v %v", err, resp)
	}
}

// TestDescribeResourceTagsByTagKeys checks its rows and errors.
func TestDescribeResourceTagsByTagKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	a := e.create(testRegion, "a", "env", "dev", "team", "x", "cost", "1")
	b := e.create(testRegion, "b", "cost", "2")
	c := e.create(testRegion, "c", "other", "3")
	call := func(region string, ids, keys []string, offset, limit uint64) (*tagsdk.DescribeResourceTagsByTagKeysResponseParams, error) {
		req := tagsdk.NewDescribeResourceTagsByTagKeysRequest()
		req.ServiceType, req.ResourcePrefix, req.ResourceRegion = ptr("cvm"), ptr("keypair"), ptr(region)
		req.ResourceIds, req.TagKeys = ptrs(ids...), ptrs(keys...)
		req.Offset, req.Limit = ptr(offset), ptr(limit)
		resp, err := e.tag("").DescribeResourceTagsByTagKeys(req)
		if err != nil {
			return nil, err
		}
		return resp.Response, nil
	}
	render := func(rs []*tagsdk.ResourceIdTag) string {
		var out []string
		for _, r := range rs {
			out = append(out, *r.ResourceId+"["+pairs(r.TagKeyValues)+"]")
		}
		return strings.Join(out, " ")
	}
	resp, err := call(testRegion, []string{*b.KeyId, *a.KeyId, *c.KeyId}, []string{"cost", "env"}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(resp.Rows), *b.KeyId+"[cost=2] "+*a.KeyId+"[env=dev,cost=1]"; got != want || *resp.TotalCount != 2 || *resp.Limit != 400 {
		t.Errorf("rows %s (total %d, limit %d), want %s", got, *resp.TotalCount, *resp.Limit, want)
	}
	if resp, err := call(testRegion, []string{*b.KeyId, *a.KeyId}, []string{"cost"}, 1, 1); err != nil || render(resp.Rows) != *a.KeyId+"[cost=1]" {
		t.Errorf("second page: %v %v", err, resp)
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("skey-%08d", i)
	}
	for _, tt := range []struct {
		name       string
		region     string
		ids, keys  []string
		offset     uint64
		code       string
		emptyPrefx bool
	}{
		{name: "21 ids", region: testRegion, ids: many, keys: []string{"a"}, code: "LimitExceeded.ResourceNumPerRequest"},
		{name: "21 keys", region: testRegion, ids: []string{*a.KeyId}, keys: many, code: "LimitExceeded.TagNumPerRequest"},
		{name: "no ids", region: testRegion, keys: []string{"a"}, code: "MissingParameter"},
		{name: "no keys", region: testRegion, ids: []string{*a.KeyId}, code: "MissingParameter"},
		{name: "empty key", region: testRegion, ids: []string{*a.KeyId}, keys: []string{""}, code: "InvalidParameterValue.TagKeyEmpty"},
		{name: "illegal key", region: testRegion, ids: []string{*a.KeyId}, keys: []string{"a!"}, code: "InvalidParameterValue.TagKeyCharacterIllegal"},
		{name: "bad region", region: "mars-1", ids: []string{*a.KeyId}, keys: []string{"a"}, code: "InvalidParameterValue.RegionInvalid"},
		{name: "bad id", region: testRegion, ids: []string{"x"}, keys: []string{"a"}, code: "InvalidParameterValue.ResourceIdInvalid"},
		{name: "offset", region: testRegion, ids: []string{*a.KeyId}, keys: []string{"a"}, offset: 7, code: "InvalidParameterValue.OffsetInvalid"},
	} {
		_, err := call(tt.region, tt.ids, tt.keys, tt.offset, 0)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}
}

// TestGetResources checks token paging, ResourceList, TagFilters and the
// errors of GetResources.
func TestGetResources(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	var kps []*cvm.KeyPair
	for i := range 5 {
		kps = append(kps, e.create(testRegion, fmt.Sprintf("k%d", i), "env", []string{"dev", "prod"}[i%2], "n", fmt.Sprint(i)))
	}
	e.create(testRegion, "untagged")
	var names []string
	for _, kp := range kps {
		names = append(names, kpFullName(*kp.KeyId))
	}
	slices.Sort(names)

	list := func(req *tagsdk.GetResourcesRequest) ([]string, string, error) {
		resp, err := e.tag("").GetResources(req)
		if err != nil {
			return nil, "", err
		}
		var out []string
		for _, m := range resp.Response.ResourceTagMappingList {
			out = append(out, *m.Resource)
		}
		return out, *resp.Response.PaginationToken, nil
	}
	// Pages of 2 by token: 2, 2, 1, sorted by name; untagged key pairs are
	// not listed.
	var got []string
	var token *string
	for page := 0; ; page++ {
		req := tagsdk.NewGetResourcesRequest()
		req.MaxResults, req.PaginationToken = ptr(uint64(2)), token
		names, next, err := list(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != []int{2, 2, 1}[page] {
			t.Errorf("page %d: %d resources", page, len(names))
		}
		got = append(got, names...)
		if next == "" {
			break
		}
		token = &next
	}
	if !slices.Equal(got, names) {
		t.Errorf("paged %v, want %v", got, names)
	}
	// TagFilters: every filter must match, any of its values.
	req := tagsdk.NewGetResourcesRequest()
	req.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("env"), TagValue: ptrs("prod")}, {TagKey: ptr("n"), TagValue: ptrs("1", "2", "3")}}
	if got, _, err := list(req); err != nil || !slices.Equal(got, []string{kpFullName(*kps[1].KeyId), kpFullName(*kps[3].KeyId)}) && !slices.Equal(got, []string{kpFullName(*kps[3].KeyId), kpFullName(*kps[1].KeyId)}) {
		t.Errorf("filters: %v %v", got, err)
	}
	// ResourceList: every match, MaxResults ignored; names of other kinds or
	// accounts match nothing.
	req = tagsdk.NewGetResourcesRequest()
	req.MaxResults = ptr(uint64(1))
	req.ResourceList = ptrs(kpName(testRegion, *kps[0].KeyId), kpFullName(*kps[2].KeyId),
		"qcs::cvm:"+testRegion+":uin/999:keypair/"+*kps[4].KeyId, "qcs::cvm:"+testRegion+":uin/:instance/ins-12345678")
	if got, next, err := list(req); err != nil || len(got) != 2 || next != "" {
		t.Errorf("ResourceList: %v %q %v", got, next, err)
	}

	tooMany := make([]string, 11)
	for i := range tooMany {
		tooMany[i] = kpName(testRegion, fmt.Sprintf("skey-%08d", i))
	}
	sevenFilters := make([]*tagsdk.TagFilter, 7)
	for i := range sevenFilters {
		sevenFilters[i] = &tagsdk.TagFilter{TagKey: ptr(fmt.Sprint("k", i))}
	}
	elevenValues := make([]string, 11)
	for i := range elevenValues {
		elevenValues[i] = fmt.Sprint(i)
	}
	for _, tt := range []struct {
		name string
		mod  func(*tagsdk.GetResourcesRequest)
		code string
	}{
		{"11 names", func(r *tagsdk.GetResourcesRequest) { r.ResourceList = ptrs(tooMany...) }, "LimitExceeded.ResourceNumPerRequest"},
		{"bad name", func(r *tagsdk.GetResourcesRequest) { r.ResourceList = ptrs("keypair/skey-12345678") }, "InvalidParameterValue.ResourceDescriptionError"},
		{"7 filters", func(r *tagsdk.GetResourcesRequest) { r.TagFilters = sevenFilters }, "LimitExceeded.TagNumPerRequest"},
		{"11 values", func(r *tagsdk.GetResourcesRequest) {
			r.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("env"), TagValue: ptrs(elevenValues...)}}
		}, "LimitExceeded.TagNumPerRequest"},
		{"empty key", func(r *tagsdk.GetResourcesRequest) { r.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("")}} }, "InvalidParameterValue.TagKeyEmpty"},
		{"reserved key", func(r *tagsdk.GetResourcesRequest) { r.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("qcs:x")}} }, "InvalidParameter.ReservedTagKey"},
		{"duplicate key", func(r *tagsdk.GetResourcesRequest) {
			r.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("env")}, {TagKey: ptr("env")}}
		}, "InvalidParameterValue.TagKeyDuplicate"},
		{"MaxResults 201", func(r *tagsdk.GetResourcesRequest) { r.MaxResults = ptr(uint64(201)) }, "InvalidParameter"},
		{"bad token", func(r *tagsdk.GetResourcesRequest) { r.PaginationToken = ptr("not-a-token") }, "InvalidParameter.PaginationTokenInvalid"},
		{"token of GetTagKeys", func(r *tagsdk.GetResourcesRequest) {
			r.PaginationToken = ptr(encodePageToken("GetTagKeys", []string{"a"}))
		}, "InvalidParameter.PaginationTokenInvalid"},
	} {
		req := tagsdk.NewGetResourcesRequest()
		tt.mod(req)
		_, err := e.tag("").GetResources(req)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}
}

// TestTagList checks CreateTag, DeleteTag and the reads of the account's
// tag list: GetTags, GetTagKeys, GetTagValues and DescribeTags.
func TestTagList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "holder", "env", "dev")
	for _, kv := range [][2]string{{"env", "prod"}, {"team", "a"}, {"team", "b"}, {"cost", "1"}} {
		if err := e.createTag(kv[0], kv[1]); err != nil {
			t.Fatalf("CreateTag %v: %v", kv, err)
		}
	}
	all := "cost=1,env=dev,env=prod,team=a,team=b"
	// GetTags in pages of 2 takes 3 calls; TagKeys narrows it.
	if got, calls := e.getTags(2); got != all || calls != 3 {
		t.Errorf("GetTags by 2: %s in %d calls", got, calls)
	}
	if got, _ := e.getTags(0, "team", "none"); got != "team=a,team=b" {
		t.Errorf("GetTags of team: %s", got)
	}
	// A tag created while a page is read does not shift the pages.
	first := tagsdk.NewGetTagsRequest()
	first.MaxResults = ptr(uint64(2))
	resp, err := e.tag("").GetTags(first)
	if err != nil || pairs(resp.Response.Tags) != "cost=1,env=dev" {
		t.Fatalf("first page: %v %v", err, resp)
	}
	if err := e.createTag("aaa", "first"); err != nil {
		t.Fatal(err)
	}
	next := tagsdk.NewGetTagsRequest()
	next.MaxResults, next.PaginationToken = ptr(uint64(2)), resp.Response.PaginationToken
	if resp, err := e.tag("").GetTags(next); err != nil || pairs(resp.Response.Tags) != "env=prod,team=a" {
		t.Errorf("second page: %v %v", err, resp)
	}
	if got, _ := e.getTags(0); got != "aaa=first,"+all {
		t.Errorf("GetTags after CreateTag: %s", got)
	}

	keys := tagsdk.NewGetTagKeysRequest()
	keys.MaxResults = ptr(uint64(3))
	if resp, err := e.tag("").GetTagKeys(keys); err != nil || strings.Join(stringsOf(resp.Response.TagKeys), ",") != "aaa,cost,env" || *resp.Response.PaginationToken == "" {
		t.Errorf("GetTagKeys: %v %v", err, resp)
	} else {
		keys.PaginationToken = resp.Response.PaginationToken
		if resp, err := e.tag("").GetTagKeys(keys); err != nil || strings.Join(stringsOf(resp.Response.TagKeys), ",") != "team" || *resp.Response.PaginationToken != "" {
			t.Errorf("GetTagKeys page 2: %v %v", err, resp)
		}
	}
	values := tagsdk.NewGetTagValuesRequest()
	values.TagKeys = ptrs("env")
	if resp, err := e.tag("").GetTagValues(values); err != nil || pairs(resp.Response.Tags) != "env=dev,env=prod" {
		t.Errorf("GetTagValues: %v %v", err, resp)
	}

	// DescribeTags: every tag, CanDelete 0 for a tag a key pair holds.
	describe := func(mod func(*tagsdk.DescribeTagsRequest)) (string, uint64, error) {
		req := tagsdk.NewDescribeTagsRequest()
		mod(req)
		resp, err := e.tag("").DescribeTags(req)
		if err != nil {
			return "", 0, err
		}
		var out []string
		for _, t := range resp.Response.Tags {
			out = append(out, fmt.Sprintf("%s=%s/%d", *t.TagKey, *t.TagValue, *t.CanDelete))
		}
		return strings.Join(out, ","), *resp.Response.TotalCount, nil
	}
	for _, tt := range []struct {
		name  string
		mod   func(*tagsdk.DescribeTagsRequest)
		want  string
		total uint64
		code  string
	}{
		{"all", func(*tagsdk.DescribeTagsRequest) {}, "aaa=first/1,cost=1/1,env=dev/0,env=prod/1,team=a/1,team=b/1", 6, ""},
		{"page", func(r *tagsdk.DescribeTagsRequest) { r.Offset, r.Limit = ptr(uint64(4)), ptr(uint64(4)) }, "team=a/1,team=b/1", 6, ""},
		{"pair", func(r *tagsdk.DescribeTagsRequest) { r.TagKey, r.TagValue = ptr("env"), ptr("dev") }, "env=dev/0", 1, ""},
		{"keys", func(r *tagsdk.DescribeTagsRequest) { r.TagKeys = ptrs("team", "cost") }, "cost=1/1,team=a/1,team=b/1", 3, ""},
		{"keys win over key", func(r *tagsdk.DescribeTagsRequest) { r.TagKey, r.TagKeys = ptr("env"), ptrs("cost") }, "cost=1/1", 1, ""},
		{"other creator", func(r *tagsdk.DescribeTagsRequest) { r.CreateUin = ptr(uint64(7)) }, "", 0, ""},
		{"key alone", func(r *tagsdk.DescribeTagsRequest) { r.TagKey = ptr("env") }, "", 0, "MissingParameter"},
		{"value alone", func(r *tagsdk.DescribeTagsRequest) { r.TagValue = ptr("dev") }, "", 0, "MissingParameter"},
		{"offset", func(r *tagsdk.DescribeTagsRequest) { r.Offset, r.Limit = ptr(uint64(3)), ptr(uint64(2)) }, "", 0, "InvalidParameterValue.OffsetInvalid"},
		{"ShowProject 2", func(r *tagsdk.DescribeTagsRequest) { r.ShowProject = ptr(uint64(2)) }, "", 0, "InvalidParameter"},
	} {
		got, total, err := describe(tt.mod)
		if code := errCode(err); code != tt.code {
			t.Errorf("DescribeTags %s: code %q, want %q (%v)", tt.name, code, tt.code, err)
			continue
		}
		if got != tt.want || total != tt.total {
			t.Errorf("DescribeTags %s: %s (total %d), want %s (total %d)", tt.name, got, total, tt.want, tt.total)
		}
	}

	// DeleteTag: refused while a key pair holds the tag, then allowed.
	deleteTag := func(k, v string) error {
		req := tagsdk.NewDeleteTagRequest()
		req.TagKey, req.TagValue = ptr(k), ptr(v)
		_, err := e.tag("").DeleteTag(req)
		return err
	}
	wantCode(t, deleteTag("env", "dev"), "FailedOperation.TagAttachedResource")
	if err := deleteTag("team", "a"); err != nil {
		t.Fatal(err)
	}
	if err := e.modifyTags(kpName(testRegion, *kp.KeyId), "env", "prod"); err != nil {
		t.Fatal(err)
	}
	if err := deleteTag("env", "dev"); err != nil {
		t.Errorf("delete a tag no longer attached: %v", err)
	}
	if got, _ := e.getTags(0); got != "aaa=first,cost=1,env=prod,team=b" {
		t.Errorf("after deletes: %s", got)
	}

	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"CreateTag duplicate", e.createTag("cost", "1"), "ResourceInUse.TagDuplicate"},
		{"CreateTag attached", e.createTag("env", "prod"), "ResourceInUse.TagDuplicate"},
		{"CreateTag reserved", e.createTag("qcloud:x", "1"), "InvalidParameter.ReservedTagKey"},
		{"CreateTag empty value", e.createTag("k", ""), "InvalidParameterValue.TagValueEmpty"},
		{"CreateTag long key", e.createTag(strings.Repeat("k", 128), "v"), "InvalidParameterValue.TagKeyLengthExceeded"},
		{"DeleteTag unknown", deleteTag("team", "a"), "ResourceNotFound.TagNonExist"},
		{"DeleteTag empty key", deleteTag("", "a"), "InvalidParameterValue.TagKeyEmpty"},
	} {
		if got := errCode(tt.err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, tt.err)
		}
	}
	for _, tt := range []struct {
		name string
		call func() error
		code string
	}{
		{"CreateTag without value", func() error {
			req := tagsdk.NewCreateTagRequest()
			req.TagKey = ptr("k")
			_, err := e.tag("").CreateTag(req)
			return err
		}, "MissingParameter"},
		{"GetTagValues without keys", func() error {
			_, err := e.tag("").GetTagValues(tagsdk.NewGetTagValuesRequest())
			return err
		}, "MissingParameter"},
		{"GetTags 21 keys", func() error {
			req := tagsdk.NewGetTagsRequest()
			for i := range 21 {
				req.TagKeys = append(req.TagKeys, ptr(fmt.Sprint("k", i)))
			}
			_, err := e.tag("").GetTags(req)
			return err
		}, "LimitExceeded"},
		{"GetTags empty key", func() error {
			req := tagsdk.NewGetTagsRequest()
			req.TagKeys = ptrs("")
			_, err := e.tag("").GetTags(req)
			return err
		}, "InvalidParameterValue.TagKeyEmpty"},
		{"GetTags MaxResults 1001", func() error {
			req := tagsdk.NewGetTagsRequest()
			req.MaxResults = ptr(uint64(1001))
			_, err := e.tag("").GetTags(req)
			return err
		}, "InvalidParameter"},
		{"GetTagKeys token of GetTags", func() error {
			req := tagsdk.NewGetTagKeysRequest()
			req.PaginationToken = ptr(encodePageToken("GetTags", []string{"a", "b"}))
			_, err := e.tag("").GetTagKeys(req)
			return err
		}, "InvalidParameter.PaginationTokenInvalid"},
		{"GetTags System category", func() error {
			req := tagsdk.NewGetTagsRequest()
			req.Category = ptr("System")
			resp, err := e.tag("").GetTags(req)
			if err == nil && len(resp.Response.Tags) != 0 {
				return fmt.Errorf("system tags: %s", resp.ToJsonString())
			}
			return err
		}, ""},
	} {
		if got := errCode(tt.call()); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
}

// TestTagAPIWrites checks the limits and errors of TagResources,
// UnTagResources, AddResourceTag and DeleteResourceTag, and partial
// failures in FailedResources.
func TestTagAPIWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Scope: ScopeRegion})
	var kv []string
	for i := range 49 {
		kv = append(kv, fmt.Sprintf("t%02d", i), "v")
	}
	full := e.create(testRegion, "full", kv...)
	kp := e.create(testRegion, "kp", "env", "dev")
	unknown := kpName(testRegion, "skey-zzzzzzzz")

	// One key pair that does not exist and one that would pass 50 tags
	// fail alone; the other is tagged.
	out, err := e.tagResources([]string{kpName(testRegion, *kp.KeyId), unknown, kpName(testRegion, *full.KeyId)}, "a", "1", "b", "2")
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]string{}
	for _, f := range out.FailedResources {
		failed[*f.Resource] = *f.Code
	}
	if len(failed) != 2 || failed[unknown] != "ResourceNotFound" || failed[kpName(testRegion, *full.KeyId)] != "LimitExceeded.ResourceAttachedTags" {
		t.Errorf("FailedResources = %v", failed)
	}
	if got := tagList(e.describe(testRegion, *kp.KeyId)[0].Tags); got != "env=dev,a=1,b=2" {
		t.Errorf("tagged: %s", got)
	}
	if got := len(e.describe(testRegion, *full.KeyId)[0].Tags); got != 49 {
		t.Errorf("the full key pair has %d tags, want 49", got)
	}

	tooMany := make([]string, 11)
	for i := range tooMany {
		tooMany[i] = kpName(testRegion, fmt.Sprintf("skey-%08d", i))
	}
	var elevenTags []string
	for i := range 11 {
		elevenTags = append(elevenTags, fmt.Sprint("k", i), "v")
	}
	one := []string{kpName(testRegion, *kp.KeyId)}
	untag := func(names []string, keys ...string) error {
		req := tagsdk.NewUnTagResourcesRequest()
		req.ResourceList, req.TagKeys = ptrs(names...), ptrs(keys...)
		_, err := e.tag("").UnTagResources(req)
		return err
	}
	addTag := func(resource, k, v string) error {
		req := tagsdk.NewAddResourceTagRequest()
		req.Resource, req.TagKey, req.TagValue = ptr(resource), ptr(k), ptr(v)
		_, err := e.tag("").AddResourceTag(req)
		return err
	}
	delTag := func(resource, k string) error {
		req := tagsdk.NewDeleteResourceTagRequest()
		req.Resource, req.TagKey = ptr(resource), ptr(k)
		_, err := e.tag("").DeleteResourceTag(req)
		return err
	}
	tagErr := func(names []string, kv ...string) error {
		_, err := e.tagResources(names, kv...)
		return err
	}
	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"TagResources 11 resources", tagErr(tooMany, "a", "1"), "LimitExceeded.ResourceNumPerRequest"},
		{"TagResources 11 tags", tagErr(one, elevenTags...), "LimitExceeded.TagNumPerRequest"},
		{"TagResources no resources", tagErr(nil, "a", "1"), "MissingParameter"},
		{"TagResources no tags", tagErr(one), "MissingParameter"},
		{"TagResources duplicate key", tagErr(one, "a", "1", "a", "2"), "InvalidParameterValue.TagKeyDuplicate"},
		{"TagResources reserved key", tagErr(one, "project", "1"), "InvalidParameter.ReservedTagKey"},
		{"TagResources empty value", tagErr(one, "a", ""), "InvalidParameterValue.TagValueEmpty"},
		{"TagResources instance", tagErr([]string{"qcs::cvm:" + testRegion + ":uin/:instance/ins-12345678"}, "a", "1"), "InvalidParameterValue.ResourceDescriptionError"},
		{"TagResources other uin", tagErr([]string{"qcs::cvm:" + testRegion + ":uin/42:keypair/" + *kp.KeyId}, "a", "1"), "InvalidParameterValue.UinInvalid"},
		{"TagResources the account's uin", tagErr([]string{kpFullName(*kp.KeyId)}, "c", "3"), ""},
		{"UnTagResources 11 keys", untag(one, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"), "LimitExceeded.TagNumPerRequest"},
		{"UnTagResources no keys", untag(one), "MissingParameter"},
		{"UnTagResources duplicate key", untag(one, "a", "a"), "InvalidParameterValue.TagKeyDuplicate"},
		{"UnTagResources empty key", untag(one, ""), "InvalidParameterValue.TagKeyEmpty"},
		{"UnTagResources 11 resources", untag(tooMany, "a"), "LimitExceeded.ResourceNumPerRequest"},
		{"AddResourceTag attached", addTag(one[0], "env", "other"), "ResourceInUse.TagKeyAttached"},
		{"AddResourceTag unknown", addTag(unknown, "x", "1"), "ResourceNotFound"},
		{"AddResourceTag 51st", addTag(kpName(testRegion, *full.KeyId), "t49", "v"), ""},
		{"AddResourceTag 52nd", addTag(kpName(testRegion, *full.KeyId), "t50", "v"), "LimitExceeded.ResourceAttachedTags"},
		{"AddResourceTag illegal", addTag(one[0], "x", "a|b"), "InvalidParameterValue.TagValueCharacterIllegal"},
		{"AddResourceTag bad name", addTag("skey-12345678", "x", "1"), "InvalidParameterValue.ResourceDescriptionError"},
		{"DeleteResourceTag not attached", delTag(one[0], "nope"), "ResourceNotFound.AttachedTagKeyNotFound"},
		{"DeleteResourceTag unknown", delTag(unknown, "env"), "ResourceNotFound"},
		{"DeleteResourceTag other region", delTag(kpName("ap-tokyo", *kp.KeyId), "env"), "ResourceNotFound"},
	} {
		if got := errCode(tt.err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, tt.err)
		}
	}
	// UnTagResources reports an unknown key pair and skips absent keys.
	req := tagsdk.NewUnTagResourcesRequest()
	req.ResourceList, req.TagKeys = ptrs(one[0], unknown), ptrs("a", "absent")
	resp, err := e.tag("").UnTagResources(req)
	if err != nil || len(resp.Response.FailedResources) != 1 || *resp.Response.FailedResources[0].Resource != unknown {
		t.Errorf("UnTagResources: %v %v", err, resp)
	}
	if got := tagList(e.describe(testRegion, *kp.KeyId)[0].Tags); got != "env=dev,b=2,c=3" {
		t.Errorf("after the writes: %s", got)
	}
}

// TestTagAPIAccountQuota checks the account's limits of 1000 tag keys and
// 1000 values a key, seeding the list instead of making 1000 calls.
func TestTagAPIAccountQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "kp")
	e.srv.mu.Lock()
	for i := range 999 {
		e.srv.st.Tags = append(e.srv.st.Tags, tag{Key: fmt.Sprintf("key%04d", i), Value: "v"})
	}
	for i := range 1000 {
		e.srv.st.Tags = append(e.srv.st.Tags, tag{Key: "wide", Value: fmt.Sprintf("v%04d", i)})
	}
	slices.SortFunc(e.srv.st.Tags, compareTags)
	e.srv.mu.Unlock()

	// 1000 keys now: a new key is refused everywhere tags are made, a new
	// value of an existing key is not.
	wantCode(t, e.createTag("brand-new", "v"), "LimitExceeded.TagKey")
	_, err := e.tagResources([]string{kpName(testRegion, *kp.KeyId)}, "brand-new", "v")
	wantCode(t, err, "LimitExceeded.TagKey")
	wantCode(t, e.modifyTags(kpName(testRegion, *kp.KeyId), "brand-new", "v"), "LimitExceeded.TagKey")
	if err := e.createTag("key0000", "second"); err != nil {
		t.Errorf("a new value of a known key: %v", err)
	}
	// "wide" has 1000 values: another is refused, a known one is taken.
	wantCode(t, e.createTag("wide", "more"), "LimitExceeded.TagValue")
	if err := e.modifyTags(kpName(testRegion, *kp.KeyId), "wide", "v0007"); err != nil {
		t.Errorf("a known tag: %v", err)
	}
}

// TestTagAPILags checks that the Tag API's reads see what DescribeKeyPairs
// sees under the visibility and tag lags, while the account's tag list
// shows a tag at once.
func TestTagAPILags(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Config{Now: clock.Now, VisibilityLag: time.Second, TagLag: 2 * time.Second})
	kp := e.create(testRegion, "lagged", "env", "dev")
	id := *kp.KeyId
	resources := func() int {
		resp, err := e.tag("").GetResources(tagsdk.NewGetResourcesRequest())
		if err != nil {
			t.Fatal(err)
		}
		return len(resp.Response.ResourceTagMappingList)
	}
	check := func(when, want string) {
		t.Helper()
		got, _ := e.providerTags(testRegion, id)
		var kv []string
		for k, v := range got {
			kv = append(kv, k+"="+v)
		}
		slices.Sort(kv)
		var shown string
		if d := e.describe(testRegion, id); len(d) == 1 {
			shown = tagList(d[0].Tags)
		}
		if strings.Join(kv, ",") != want || shown != want {
			t.Errorf("%s: Tag API %v, DescribeKeyPairs %q, want %q", when, kv, shown, want)
		}
	}
	check("new", "")
	if n := resources(); n != 0 {
		t.Errorf("GetResources lists %d key pairs in the visibility lag", n)
	}
	if got, _ := e.getTags(0); got != "env=dev" {
		t.Errorf("the tag list shows %q at once, want env=dev", got)
	}
	clock.Advance(2 * time.Second)
	check("after 2s", "env=dev")
	if n := resources(); n != 1 {
		t.Errorf("GetResources lists %d key pairs, want 1", n)
	}
	if _, err := e.tagResources([]string{kpName(testRegion, id)}, "env", "prod"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	check("1s after TagResources", "env=dev")
	clock.Advance(time.Second)
	check("2s after TagResources", "env=prod")
}

// TestTagAPIScope checks that in region scope the reads see the key pairs
// of ResourceRegion only, and in account scope those of every region, as
// DescribeKeyPairs does.
func TestTagAPIScope(t *testing.T) {
	t.Parallel()
	for _, scope := range []string{ScopeRegion, ScopeAccount} {
		e := newEnv(t, Config{Scope: scope})
		kp := e.create(testRegion, "scoped", "env", "dev")
		resp, err := e.byIDs("ap-shanghai", 0, 20, *kp.KeyId)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]uint64{ScopeRegion: 0, ScopeAccount: 1}[scope]
		if *resp.TotalCount != want {
			t.Errorf("%s scope: %d rows from another region, want %d", scope, *resp.TotalCount, want)
		}
		if n := len(e.describe("ap-shanghai", *kp.KeyId)); uint64(n) != want {
			t.Errorf("%s scope: DescribeKeyPairs lists %d from another region", scope, n)
		}
	}
}

// TestTagAPIStateFile checks that the account's tag list survives a
// restart.
func TestTagAPIStateFile(t *testing.T) {
	t.Parallel()
	cfg := Config{KeyBits: 1024, StateFile: filepath.Join(t.TempDir(), "state.json")}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvFor(t, srv)
	if err := e.createTag("kept", "yes"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv2.Close() })
	if got, _ := newEnvFor(t, srv2).getTags(0); got != "kept=yes" {
		t.Errorf("after restart: %q", got)
	}
}

// TestTagAPIRateLimits checks each Tag API action's own limit: the
// documented one whenever limits are on, whatever Config.RateLimit is;
// the CVM actions and DescribeProjects keep Config.RateLimit.
func TestTagAPIRateLimits(t *testing.T) {
	t.Parallel()
	on, err := New(Config{RateLimit: 3, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = on.Close() })
	off, err := New(Config{RateLimit: 0, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = off.Close() })
	for action, want := range map[string]float64{
		"DescribeResourceTagsByResourceIds": 100,
		"DescribeTags":                      60,
		"GetResources":                      20,
		"TagResources":                      20,
		"ModifyResourceTags":                20,
		"DescribeProjects":                  3,
		"DescribeKeyPairs":                  3,
	} {
		if got := on.rateOf(action); got != want {
			t.Errorf("%s: %v/s, want %v", action, got, want)
		}
		if got := off.rateOf(action); got != 0 {
			t.Errorf("%s with limits off: %v/s", action, got)
		}
	}
	// A burst of 20 at once passes GetTags' bucket of 20 with
	// Config.RateLimit at 10: the bucket starts full and only fills.
	e := newEnv(t, Config{RateLimit: 10})
	var wg sync.WaitGroup
	codes := make(chan string, 20)
	for range 20 {
		wg.Go(func() {
			_, err := e.tag("").GetTags(tagsdk.NewGetTagsRequest())
			codes <- errCode(err)
		})
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != "" {
			t.Errorf("burst of 20 GetTags: %s", code)
		}
	}
}
