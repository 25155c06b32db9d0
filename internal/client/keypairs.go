package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// KeyPair is a key pair as the API describes it.
type KeyPair struct {
	ID                    string
	Name                  string
	ProjectID             int64
	Description           string
	PublicKey             string
	PrivateKey            string // only ever set by CreateKeyPair
	CreatedTime           string
	AssociatedInstanceIDs []string
	Tags                  map[string]string
}

// NotFoundError says that no key pair matched.
type NotFoundError struct {
	What string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s not found", e.What) }

// Filter is one DescribeKeyPairs filter: key-name, project-id, tag-key,
// tag-value or tag:<key>.
type Filter struct {
	Name   string
	Values []string
}

// maxIDsPerCall is the API's limit on KeyIds in one call, and its largest
// page of DescribeKeyPairs.
const maxIDsPerCall = 100

func tagSpecification(tags map[string]string) []*cvm.TagSpecification {
	if len(tags) == 0 {
		return nil
	}
	spec := &cvm.TagSpecification{ResourceType: common.StringPtr("keypair")}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		spec.Tags = append(spec.Tags, &cvm.Tag{Key: common.StringPtr(k), Value: common.StringPtr(tags[k])})
	}
	return []*cvm.TagSpecification{spec}
}

// CreateKeyPair generates a key pair, its tags attached in the same call.
// The call is never simply repeated: a second call would make a second key
// pair. When its answer is lost (the connection broke, or the server failed
// mid-way), the key pair may exist with nobody holding its private key, so
// it is looked up by name: one that this attempt made is deleted and
// created again; one that another owner holds gives the duplicate-name
// error; none at all, and the create is sent again.
func (c *Client) CreateKeyPair(ctx context.Context, name string, projectID int64, tags map[string]string) (*KeyPair, error) {
	for attempt := 0; ; attempt++ {
		sent := time.Now()
		kp, err := c.createKeyPair(ctx, name, projectID, tags)
		if err == nil || !IsLostResponse(err) || attempt >= c.maxRetries {
			return kp, err
		}
		Retries.Add(1)
		c.retries.Add(1)
		made, err := c.madeBy(ctx, name, projectID, tags, sent, err)
		if err != nil {
			return nil, err
		}
		if made != nil {
			// Its private key was in the lost answer: the key pair is of no
			// use to anyone.
			if err := c.DeleteKeyPair(ctx, made.ID); err != nil {
				return nil, fmt.Errorf("delete key pair %s, whose private key was lost with the answer to CreateKeyPair: %w", made.ID, err)
			}
		}
	}
}

func (c *Client) createKeyPair(ctx context.Context, name string, projectID int64, tags map[string]string) (*KeyPair, error) {
	var out *cvm.KeyPair
	err := c.do(ctx, "CreateKeyPair", false, func(ctx context.Context) (*string, error) {
		req := cvm.NewCreateKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(projectID)
		req.TagSpecification = tagSpecification(tags)
		resp, err := c.cvm.CreateKeyPairWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		out = resp.Response.KeyPair
		return resp.Response.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("CreateKeyPair answered without a key pair")
	}
	return fromAPI(out), nil
}

// ImportKeyPair registers an existing OpenSSH public key and returns its
// id. When the answer is lost, a key pair of that name holding the same key
// is adopted (it is what the call made, or the very same key under the
// same name); one holding another key gives the duplicate-name error; none
// at all, and the import is sent again.
func (c *Client) ImportKeyPair(ctx context.Context, name string, projectID int64, publicKey string, tags map[string]string) (string, error) {
	for attempt := 0; ; attempt++ {
		id, err := c.importKeyPair(ctx, name, projectID, publicKey, tags)
		if err == nil || !IsLostResponse(err) || attempt >= c.maxRetries {
			return id, err
		}
		Retries.Add(1)
		c.retries.Add(1)
		kp, findErr := c.FindKeyPairByName(ctx, name)
		var notFound *NotFoundError
		switch {
		case errors.As(findErr, &notFound):
			continue
		case findErr != nil:
			return "", errors.Join(err, findErr)
		case sshkey.Same(kp.PublicKey, publicKey) && kp.ProjectID == projectID:
			return kp.ID, nil
		default:
			return "", duplicateNameError(kp, c.region)
		}
	}
}

func (c *Client) importKeyPair(ctx context.Context, name string, projectID int64, publicKey string, tags map[string]string) (string, error) {
	var id string
	err := c.do(ctx, "ImportKeyPair", false, func(ctx context.Context) (*string, error) {
		req := cvm.NewImportKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(projectID)
		req.PublicKey = common.StringPtr(publicKey)
		req.TagSpecification = tagSpecification(tags)
		resp, err := c.cvm.ImportKeyPairWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		id = str(resp.Response.KeyId)
		return resp.Response.RequestId, nil
	})
	return id, err
}

// creationClockSlack is how far the API's clock may be behind ours when
// telling whether a key pair was made after a call was sent. Clocks synced
// by NTP are within a second. A clock further off errs on the safe side:
// the key pair is taken for another owner's and left alone.
const creationClockSlack = 10 * time.Second

// madeBy returns the key pair of this name if the CreateKeyPair sent at
// sent, whose answer was lost, made it; nil if there is none; and the
// duplicate-name error if another owner holds the name. A key pair counts
// as this call's when it has the project and tags the call asked for, no
// instance, and was made after the call was sent.
func (c *Client) madeBy(ctx context.Context, name string, projectID int64, tags map[string]string, sent time.Time, lost error) (*KeyPair, error) {
	kp, err := c.FindKeyPairByName(ctx, name)
	var notFound *NotFoundError
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, errors.Join(lost, err)
	}
	created, err := time.Parse(time.RFC3339, kp.CreatedTime)
	ours := err == nil && !created.Before(sent.Add(-creationClockSlack).Truncate(time.Second)) &&
		kp.ProjectID == projectID && maps.Equal(kp.Tags, tags) && len(kp.AssociatedInstanceIDs) == 0
	if !ours {
		return nil, duplicateNameError(kp, c.region)
	}
	return kp, nil
}

// duplicateNameError is the API's own error for a name in use, so that
// callers handle it as they handle the API's.
func duplicateNameError(holder *KeyPair, region string) error {
	return sdkerrors.NewTencentCloudSDKError("InvalidKeyPairName.Duplicate",
		fmt.Sprintf("The key pair name `%s` already exists in %s: it is held by %s.", holder.Name, region, holder.ID), "")
}

// DescribeKeyPair finds one key pair by id; a *NotFoundError when gone.
// Concurrent reads share calls: from a fresh listing of the region when
// there has been no recent write, else batched by id. A key pair missing
// from either is confirmed gone by a call of its own before it is
// reported so.
func (c *Client) DescribeKeyPair(ctx context.Context, id string) (*KeyPair, error) {
	kp, found, usable := c.listing.lookup(ctx, c.listAll, id)
	if !usable {
		var err error
		kp, found, err = c.reads.do(ctx, id)
		if err != nil {
			return nil, err
		}
	}
	if found {
		return kp, nil
	}
	return c.describeOne(ctx, id)
}

// describeOne asks the API about one key pair, with a call of its own.
func (c *Client) describeOne(ctx context.Context, id string) (*KeyPair, error) {
	set, _, err := c.describe(ctx, []string{id}, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, kp := range set {
		if kp.ID == id {
			return kp, nil
		}
	}
	return nil, &NotFoundError{What: fmt.Sprintf("key pair %s", id)}
}

// describeMany is the combined call of the read batcher.
func (c *Client) describeMany(ctx context.Context, ids []string) (map[string]*KeyPair, error) {
	set, _, err := c.describe(ctx, ids, nil, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*KeyPair, len(set))
	for _, kp := range set {
		out[kp.ID] = kp
	}
	return out, nil
}

// describeSingle is the read batcher's fallback for one id.
func (c *Client) describeSingle(ctx context.Context, id string) (*KeyPair, bool, error) {
	kp, err := c.describeOne(ctx, id)
	var notFound *NotFoundError
	if errors.As(err, &notFound) {
		return nil, false, nil
	}
	return kp, err == nil, err
}

func (c *Client) listAll(ctx context.Context) ([]*KeyPair, error) {
	return c.ListKeyPairs(ctx, nil)
}

// FindKeyPairByName finds the key pair of a name in the region (names are
// unique per region); a *NotFoundError when there is none.
func (c *Client) FindKeyPairByName(ctx context.Context, name string) (*KeyPair, error) {
	list, err := c.ListKeyPairs(ctx, []Filter{{Name: "key-name", Values: []string{name}}})
	if err != nil {
		return nil, err
	}
	// The key-name filter of the real API may match more than the exact
	// name; only an exact match counts.
	for _, kp := range list {
		if kp.Name == name {
			return kp, nil
		}
	}
	return nil, &NotFoundError{What: fmt.Sprintf("key pair named %q", name)}
}

// ListKeyPairs returns every key pair that matches all filters, paging
// through DescribeKeyPairs 100 at a time.
func (c *Client) ListKeyPairs(ctx context.Context, filters []Filter) ([]*KeyPair, error) {
	var all []*KeyPair
	for {
		page, total, err := c.describe(ctx, nil, filters, int64(len(all)))
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || int64(len(all)) >= total {
			return all, nil
		}
	}
}

func (c *Client) describe(ctx context.Context, ids []string, filters []Filter, offset int64) ([]*KeyPair, int64, error) {
	var set []*KeyPair
	var total int64
	err := c.do(ctx, "DescribeKeyPairs", true, func(ctx context.Context) (*string, error) {
		req := cvm.NewDescribeKeyPairsRequest()
		req.KeyIds = common.StringPtrs(ids)
		for _, f := range filters {
			req.Filters = append(req.Filters, &cvm.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs(f.Values)})
		}
		req.Offset = common.Int64Ptr(offset)
		req.Limit = common.Int64Ptr(maxIDsPerCall)
		resp, err := c.cvm.DescribeKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		set = set[:0]
		for _, kp := range resp.Response.KeyPairSet {
			set = append(set, fromAPI(kp))
		}
		total = i64(resp.Response.TotalCount)
		return resp.Response.RequestId, nil
	})
	return set, total, err
}

// ModifyKeyPair renames a key pair and/or changes its description; a nil
// argument is left as it is. When the answer is lost even after the
// retries, the key pair is read again: if it already is as asked, the
// change was made and that is success.
func (c *Client) ModifyKeyPair(ctx context.Context, id string, name, description *string) error {
	err := c.do(ctx, "ModifyKeyPairAttribute", true, func(ctx context.Context) (*string, error) {
		req := cvm.NewModifyKeyPairAttributeRequest()
		req.KeyId = common.StringPtr(id)
		req.KeyName = name
		req.Description = description
		resp, err := c.cvm.ModifyKeyPairAttributeWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return resp.Response.RequestId, nil
	})
	if err == nil || !IsLostResponse(err) {
		return err
	}
	kp, readErr := c.describeOne(ctx, id)
	if readErr == nil && (name == nil || kp.Name == *name) && (description == nil || kp.Description == *description) {
		return nil
	}
	return err
}

// maxTagsPerModify is the Tag API's limit on each list of one
// ModifyResourceTags call.
const maxTagsPerModify = 10

// ModifyTags sets and deletes tags of a key pair through the Tag API.
func (c *Client) ModifyTags(ctx context.Context, id string, replace map[string]string, remove []string) error {
	// The uin may be left empty in the resource name; the API fills in
	// the caller's own.
	resource := fmt.Sprintf("qcs::cvm:%s:uin/:keypair/%s", c.region, id)
	replaceKeys := slices.Sorted(maps.Keys(replace))
	remove = append([]string(nil), remove...)
	sort.Strings(remove)
	for len(replaceKeys) > 0 || len(remove) > 0 {
		var batchReplace []*tag.Tag
		var batchDelete []*tag.TagKeyObject
		for len(replaceKeys) > 0 && len(batchReplace) < maxTagsPerModify {
			k := replaceKeys[0]
			replaceKeys = replaceKeys[1:]
			batchReplace = append(batchReplace, &tag.Tag{TagKey: common.StringPtr(k), TagValue: common.StringPtr(replace[k])})
		}
		for len(remove) > 0 && len(batchDelete) < maxTagsPerModify {
			batchDelete = append(batchDelete, &tag.TagKeyObject{TagKey: common.StringPtr(remove[0])})
			remove = remove[1:]
		}
		err := c.do(ctx, "ModifyResourceTags", true, func(ctx context.Context) (*string, error) {
			req := tag.NewModifyResourceTagsRequest()
			req.Resource = common.StringPtr(resource)
			req.ReplaceTags = batchReplace
			req.DeleteTags = batchDelete
			resp, err := c.tag.ModifyResourceTagsWithContext(ctx, req)
			if err != nil {
				return nil, err
			}
			return resp.Response.RequestId, nil
		})
		if err != nil && IsLostResponse(err) && c.tagsConverged(ctx, id, batchReplace, batchDelete) {
			err = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tagsConverged reads the key pair again after a lost answer to
// ModifyResourceTags, and reports whether its tags already are as the call
// asked.
func (c *Client) tagsConverged(ctx context.Context, id string, replace []*tag.Tag, remove []*tag.TagKeyObject) bool {
	kp, err := c.describeOne(ctx, id)
	if err != nil {
		return false
	}
	for _, t := range replace {
		if v, ok := kp.Tags[str(t.TagKey)]; !ok || v != str(t.TagValue) {
			return false
		}
	}
	for _, t := range remove {
		if _, ok := kp.Tags[str(t.TagKey)]; ok {
			return false
		}
	}
	return true
}

// DeleteKeyPair deletes one key pair. Concurrent deletes share
// DeleteKeyPairs calls; the API deletes all of a call's key pairs or none,
// so a failed batch falls back to one call per key pair, and each caller
// gets its own error. A key pair that is already gone counts as deleted,
// also when an earlier attempt whose answer was lost removed it.
func (c *Client) DeleteKeyPair(ctx context.Context, id string) error {
	_, _, err := c.deletes.do(ctx, id)
	return err
}

func (c *Client) deleteMany(ctx context.Context, ids []string) (map[string]struct{}, error) {
	err := c.do(ctx, "DeleteKeyPairs", true, func(ctx context.Context) (*string, error) {
		req := cvm.NewDeleteKeyPairsRequest()
		req.KeyIds = common.StringPtrs(ids)
		resp, err := c.cvm.DeleteKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return resp.Response.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	done := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		done[id] = struct{}{}
	}
	return done, nil
}

func (c *Client) deleteSingle(ctx context.Context, id string) (struct{}, bool, error) {
	_, err := c.deleteMany(ctx, []string{id})
	if ErrorCode(err) == "InvalidKeyPairId.NotFound" {
		err = nil
	}
	return struct{}{}, true, err
}

// AssociateInstances binds key pairs to instances; forceStop lets the API
// stop running instances for it.
func (c *Client) AssociateInstances(ctx context.Context, keyIDs, instanceIDs []string, forceStop bool) error {
	return c.do(ctx, "AssociateInstancesKeyPairs", true, func(ctx context.Context) (*string, error) {
		req := cvm.NewAssociateInstancesKeyPairsRequest()
		req.KeyIds = common.StringPtrs(keyIDs)
		req.InstanceIds = common.StringPtrs(instanceIDs)
		req.ForceStop = common.BoolPtr(forceStop)
		resp, err := c.cvm.AssociateInstancesKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return resp.Response.RequestId, nil
	})
}

// DisassociateInstances unbinds key pairs from instances; forceStop lets
// the API stop running instances for it.
func (c *Client) DisassociateInstances(ctx context.Context, keyIDs, instanceIDs []string, forceStop bool) error {
	return c.do(ctx, "DisassociateInstancesKeyPairs", true, func(ctx context.Context) (*string, error) {
		req := cvm.NewDisassociateInstancesKeyPairsRequest()
		req.KeyIds = common.StringPtrs(keyIDs)
		req.InstanceIds = common.StringPtrs(instanceIDs)
		req.ForceStop = common.BoolPtr(forceStop)
		resp, err := c.cvm.DisassociateInstancesKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return resp.Response.RequestId, nil
	})
}

func fromAPI(kp *cvm.KeyPair) *KeyPair {
	out := &KeyPair{
		ID:          str(kp.KeyId),
		Name:        str(kp.KeyName),
		ProjectID:   i64(kp.ProjectId),
		Description: str(kp.Description),
		PublicKey:   str(kp.PublicKey),
		PrivateKey:  str(kp.PrivateKey),
		CreatedTime: str(kp.CreatedTime),
		Tags:        map[string]string{},
	}
	for _, id := range kp.AssociatedInstanceIds {
		out.AssociatedInstanceIDs = append(out.AssociatedInstanceIDs, str(id))
	}
	for _, t := range kp.Tags {
		out.Tags[str(t.Key)] = str(t.Value)
	}
	return out
}

// WaitForKeyPair reads a key pair that was just made, for as long as ctx
// allows: the API may take a moment before a new key pair shows.
func (c *Client) WaitForKeyPair(ctx context.Context, id string) (*KeyPair, error) {
	delay := 100 * time.Millisecond
	for {
		kp, found, err := c.reads.do(ctx, id)
		if err == nil && found {
			return kp, nil
		}
		if err == nil {
			err = &NotFoundError{What: fmt.Sprintf("key pair %s", id)}
		}
		var notFound *NotFoundError
		if !errors.As(err, &notFound) {
			return kp, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
