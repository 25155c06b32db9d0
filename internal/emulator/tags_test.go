package emulator

import (
	"fmt"
	"strings"
	"testing"

	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

func TestModifyResourceTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Scope: ScopeRegion})
	kp := e.create(testRegion, "tagged", "env", "dev", "team", "a")
	resource := "qcs::cvm:" + testRegion + ":uin/" + DemoUin + ":keypair/" + *kp.KeyId
	modify := func(region, res string, replace map[string]string, del ...string) error {
		req := tagsdk.NewModifyResourceTagsRequest()
		if res != "" {
			req.Resource = ptr(res)
		}
		for k, v := range replace {
			req.ReplaceTags = append(req.ReplaceTags, &tagsdk.Tag{TagKey: ptr(k), TagValue: ptr(v)})
		}
		for _, k := range del {
			req.DeleteTags = append(req.DeleteTags, &tagsdk.TagKeyObject{TagKey: ptr(k)})
		}
		_, err := e.tag(region).ModifyResourceTags(req)
		return err
	}
	if err := modify("", resource, map[string]string{"env": "prod", "owner": "me"}, "team"); err != nil {
		t.Fatalf("modify tags: %v", err)
	}
	got := e.describe(testRegion, *kp.KeyId)[0]
	var tags []string
	for _, tg := range got.Tags {
		tags = append(tags, *tg.Key+"="+*tg.Value)
	}
	if fmt.Sprint(tags) != "[env=prod owner=me]" {
		t.Errorf("tags after modify = %v, want [env=prod owner=me]", tags)
	}
	// The uin may be left empty, and the Tag API takes any listed region.
	emptyUin := "qcs::cvm:" + testRegion + ":uin/:keypair/" + *kp.KeyId
	if err := modify("ap-singapore", emptyUin, nil, "owner", "absent"); err != nil {
		t.Fatalf("modify with empty uin: %v", err)
	}
	if got := e.describe(testRegion, *kp.KeyId)[0]; len(got.Tags) != 1 {
		t.Errorf("after delete: %d tags, want 1", len(got.Tags))
	}

	many := map[string]string{}
	for i := range 11 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	for _, tt := range []struct {
		name     string
		region   string
		resource string
		replace  map[string]string
		del      []string
		code     string
	}{
		{"no resource", "", "", map[string]string{"a": "b"}, nil, "MissingParameter"},
		{"no lists", "", resource, nil, nil, "MissingParameter"},
		{"shared key", "", resource, map[string]string{"a": "b"}, []string{"a"}, "InvalidParameterValue.DeleteTagsParamError"},
		{"11 replaced", "", resource, many, nil, "LimitExceeded.TagNumPerRequest"},
		{"reserved", "", resource, map[string]string{"qcloud:x": "b"}, nil, "InvalidParameter.ReservedTagKey"},
		{"illegal key", "", resource, map[string]string{"a!": "b"}, nil, "InvalidParameterValue.TagKeyCharacterIllegal"},
		{"empty value", "", resource, map[string]string{"a": ""}, nil, "InvalidParameterValue.TagValueEmpty"},
		{"long value", "", resource, map[string]string{"a": strings.Repeat("v", 256)}, nil, "InvalidParameterValue.TagValueLengthExceeded"},
		{"empty delete key", "", resource, nil, []string{""}, "InvalidParameterValue.TagKeyEmpty"},
		{"unknown key pair", "", "qcs::cvm:" + testRegion + ":uin/:keypair/skey-zzzzzzzz", map[string]string{"a": "b"}, nil, "ResourceNotFound"},
		{"other region", "", "qcs::cvm:ap-tokyo:uin/:keypair/" + *kp.KeyId, map[string]string{"a": "b"}, nil, "ResourceNotFound"},
		{"other uin", "", "qcs::cvm:" + testRegion + ":uin/999:keypair/" + *kp.KeyId, map[string]string{"a": "b"}, nil, "InvalidParameterValue.UinInvalid"},
		{"not a key pair", "", "qcs::cvm:" + testRegion + ":uin/:instance/ins-00000001", map[string]string{"a": "b"}, nil, "InvalidParameterValue.ResourceDescriptionError"},
		{"five segments", "", "qcs::cvm:" + testRegion + ":keypair/" + *kp.KeyId, map[string]string{"a": "b"}, nil, "InvalidParameterValue.ResourceDescriptionError"},
		{"unknown region in name", "", "qcs::cvm:mars-1:uin/:keypair/" + *kp.KeyId, map[string]string{"a": "b"}, nil, "InvalidParameterValue.ResourceDescriptionError"},
		{"unknown region header", "mars-1", resource, map[string]string{"a": "b"}, nil, "UnsupportedRegion"},
	} {
		err := modify(tt.region, tt.resource, tt.replace, tt.del...)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}

	// 50 tags fit; the 51st is refused and nothing changes.
	for i := 0; i < 49; i += 7 {
		batch := map[string]string{}
		for j := i; j < i+7 && j < 49; j++ {
			batch[fmt.Sprintf("t%02d", j)] = "v"
		}
		if err := modify("", resource, batch); err != nil {
			t.Fatalf("tag batch %d: %v", i, err)
		}
	}
	err := modify("", resource, map[string]string{"one": "more"})
	wantCode(t, err, "LimitExceeded.ResourceAttachedTags")
	if got := e.describe(testRegion, *kp.KeyId)[0]; len(got.Tags) != 50 {
		t.Errorf("%d tags, want 50", len(got.Tags))
	}
	// Replacing an existing key does not add one.
	if err := modify("", resource, map[string]string{"t00": "changed"}); err != nil {
		t.Errorf("replace at the limit: %v", err)
	}
}

// TestModifyResourceTagsEmptyLists uses raw calls because the SDK omits
// empty lists, which the Tag API refuses.
func TestModifyResourceTagsEmptyLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "k")
	res := "qcs::cvm:" + testRegion + ":uin/:keypair/" + *kp.KeyId
	for body, want := range map[string]string{
		`{"Resource":"` + res + `","ReplaceTags":[]}`:                                                            "InvalidParameterValue",
		`{"Resource":"` + res + `","DeleteTags":[]}`:                                                             "InvalidParameterValue",
		`{"Resource":"` + res + `","ReplaceTags":[{"TagKey":"a","TagValue":"b","Category":""}]}`:                 "",
		`{"Resource":"` + res + `","ReplaceTags":[{"TagKey":"a","TagValue":"b"},{"TagKey":"a","TagValue":"c"}]}`: "InvalidParameterValue.TagKeyDuplicate",
		`{"Resource":"` + res + `","ReplaceTags":[{"Key":"a","Value":"b"}]}`:                                     "UnknownParameter",
	} {
		code, msg, _ := e.do(e.raw(rawCall{Service: "tag", Action: "ModifyResourceTags", Body: body}))
		if code != want {
			t.Errorf("%s: code %q (%s), want %q", body, code, msg, want)
		}
	}
}
