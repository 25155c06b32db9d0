package client

import (
	"context"
	"maps"
	"slices"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// modifyResourceTags sets and deletes tags of one resource (its
// six-segment name) through the Tag API's ModifyResourceTags, at most
// apicontract.MaxTagsPerModify of each per call. A call whose answer is
// lost even after the retries counts as made when settled says that its
// change shows (the key pair's or the secret's own read).
func (c *Client) modifyResourceTags(ctx context.Context, resource string, replace map[string]string, remove []string,
	settled func(batch map[string]string, batchRemove []string) bool) error {
	replaceKeys := slices.Sorted(maps.Keys(replace))
	removeKeys := slices.Sorted(slices.Values(remove))
	for len(replaceKeys) > 0 || len(removeKeys) > 0 {
		var batchReplace []*tag.Tag
		var batchDelete []*tag.TagKeyObject
		batch := map[string]string{}
		var batchRemove []string
		for len(replaceKeys) > 0 && len(batchReplace) < apicontract.MaxTagsPerModify {
			k := replaceKeys[0]
			replaceKeys = replaceKeys[1:]
			batchReplace = append(batchReplace, &tag.Tag{TagKey: common.StringPtr(k), TagValue: common.StringPtr(replace[k])})
			batch[k] = replace[k]
		}
		for len(removeKeys) > 0 && len(batchDelete) < apicontract.MaxTagsPerModify {
			k := removeKeys[0]
			removeKeys = removeKeys[1:]
			batchDelete = append(batchDelete, &tag.TagKeyObject{TagKey: common.StringPtr(k)})
			batchRemove = append(batchRemove, k)
		}
		err := c.do(ctx, actModifyResourceTags, func(ctx context.Context) (*string, error) {
			req := tag.NewModifyResourceTagsRequest()
			req.Resource = common.StringPtr(resource)
			req.ReplaceTags = batchReplace
			req.DeleteTags = batchDelete
			resp, err := c.tag.ModifyResourceTagsWithContext(ctx, req)
			if err != nil {
				return nil, err
			}
			if resp.Response == nil {
				return nil, incompleteAnswer(actModifyResourceTags.name, "Response object")
			}
			return resp.Response.RequestId, nil
		})
		if err != nil && isLostAnswer(err) && settled(batch, batchRemove) {
			err = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tagsChanged reports whether tags show a change: every key of replace
// with its value, none of remove.
func tagsChanged(tags, replace map[string]string, remove []string) bool {
	for k, v := range replace {
		if got, ok := tags[k]; !ok || got != v {
			return false
		}
	}
	for _, k := range remove {
		if _, ok := tags[k]; ok {
			return false
		}
	}
	return true
}
