package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// KeyPair is a key pair as the API describes it.
type KeyPair struct {
	ID          string
	Name        string
	ProjectID   int64
	Description string
	PublicKey   string
	PrivateKey  string // only ever set by CreateKeyPair
	// CreateToken is the value of the CreateTokenTagKey tag, which is not
	// in Tags; "" for key pairs that this provider did not generate.
	CreateToken           string
	CreatedTime           string
	AssociatedInstanceIDs []string
	Tags                  map[string]string
}

// GeneratedByTencent reports whether Tencent Cloud generated the key pair
// (CreateKeyPair, or a Secrets Manager SSH key pair secret), as far as its
// public key tells: the public key of a generated key pair ends in a
// comment of skey_ and a number (the answer example of CreateKeyPair,
// 213/15702: "ssh-rsa AAAA... skey_112168"), or, in the emulator's default
// mode, skey_ and the suffix of its own id (internal/emulator/keypairs.go,
// keyComment). An imported public key keeps the comment it was imported
// with, whatever it is, and no comment at all counts as imported; a key
// whose comment a user wrote as skey_ and digits passes for generated.
func (kp *KeyPair) GeneratedByTencent() bool {
	fields := strings.Fields(kp.PublicKey)
	if len(fields) != 3 {
		return false
	}
	suffix, ok := strings.CutPrefix(fields[2], "skey_")
	if !ok || suffix == "" {
		return false
	}
	if own, ok := strings.CutPrefix(kp.ID, "skey-"); ok && suffix == own {
		return true
	}
	return strings.Trim(suffix, "0123456789") == ""
}

// Filter is one DescribeKeyPairs filter: key-name, project-id, tag-key,
// tag-value or tag:<key>.
type Filter struct {
	Name   string
	Values []string
}

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

// CreateTokenTagKey is the tag that proves which CreateKeyPair made a key
// pair: every create sends it, with a value of its own, so that after a
// lost answer the key pair of that name is known to be this create's (and
// deleted, as its private key was lost) or someone else's (and left
// alone), never guessed. The tag stays on the key pair; this package hides
// it from KeyPair.Tags, so it never shows in tags or tags_all. It counts
// toward the API's limit of tags per key pair.
const CreateTokenTagKey = OwnTagKeyPrefix + "create-token"

// OwnTagKeyPrefix starts the keys of the tags that this provider sets
// itself (CreateTokenTagKey): tags of the configuration may not start
// with it.
const OwnTagKeyPrefix = "keypairlabs:"

// MaxTags is the most tags a key pair made by this provider may have of
// its own: the API's limit, less the create token.
const MaxTags = apicontract.MaxTagsPerResource - 1

// CreateKeyPair generates a key pair, its tags attached in the same call.
// The call is never simply repeated: a second call would make a second key
// pair. When its answer is lost (the connection broke, a gateway answered,
// the body was cut or empty, the server failed mid-way, or the call was
// cut short), the key pair may exist with nobody holding its private key,
// so it is looked up by name: one that carries this create's token is
// deleted and created again; one that another owner holds gives a
// *DuplicateNameError and is left alone; none at all, and the create is
// sent again. When the create fails after any lost answer, the lookup
// runs once more at the end, until the operation's deadline and at least
// 2 minutes (recovery.go); when it cannot finish,
// the error is a *MaybeCreatedError that says what may be left.
//
// It returns the key pair as DescribeKeyPairs shows it with its tags
// (consistency.go), and the private key from the answer; when it does not
// show in time, a *NotShownError that holds the id and the private key.
func (c *Client) CreateKeyPair(ctx context.Context, name string, projectID int64, tags map[string]string) (*KeyPair, error) {
	token := rand.Text()
	var kp *KeyPair
	lost := false
	// clearLost deletes what a lost attempt made, if anything.
	clearLost := func(ctx context.Context) error {
		made, err := c.madeBy(ctx, name, token)
		if err != nil || made == nil {
			return err
		}
		// Its private key was in the lost answer: the key pair is of no
		// use to anyone.
		if err := c.DeleteKeyPair(ctx, made.ID); err != nil {
			return fmt.Errorf("delete key pair %s, whose private key was lost with the answer to CreateKeyPair: %w", made.ID, err)
		}
		return nil
	}
	err := retry.When(ctx, c.callPolicy(), boundUnreachable(isLostAnswer), c.countRetry(ctx, actCreateKeyPair.name), func(ctx context.Context, attempt int) error {
		if lost {
			rctx, cancel := c.recoveryContext(ctx)
			err := clearLost(rctx)
			cancel()
			if err != nil {
				return err
			}
			lost = false
		}
		var err error
		kp, err = c.createKeyPair(ctx, name, projectID, tags, token)
		if err != nil && !isNotSent(err) && !isNameTaken(err) {
			// Anything but an answer that says the call did nothing.
			lost = !answeredByAPI(err) || isLostAnswer(err)
		}
		return err
	})
	if err != nil && lost {
		rctx, cancel := c.recoveryContext(ctx)
		defer cancel()
		if clearErr := clearLost(rctx); clearErr != nil {
			var dup *DuplicateNameError
			if errors.As(clearErr, &dup) {
				return nil, clearErr
			}
			return nil, &MaybeCreatedError{Name: name, Token: token, Err: errors.Join(err, clearErr)}
		}
	}
	if err != nil {
		return nil, c.withHolder(ctx, name, err)
	}
	shown, err := c.shown(ctx, kp, HasTags(tags), &c.showLag)
	if err != nil {
		return nil, err
	}
	// DescribeKeyPairs never holds the private key: only the answer did.
	shown.PrivateKey = kp.PrivateKey
	return shown, nil
}

// isNameTaken reports whether the API refused a create or import because
// the name is taken: the call made nothing.
func isNameTaken(err error) bool {
	return code(err) == apicontract.CodeKeyNameDuplicate
}

// withHolder turns the API's duplicate-name error into a
// *DuplicateNameError that names the key pair holding the name, and says
// whether this provider made it.
func (c *Client) withHolder(ctx context.Context, name string, err error) error {
	var dup *DuplicateNameError
	if errors.As(err, &dup) || code(err) != apicontract.CodeKeyNameDuplicate {
		return err
	}
	dup = &DuplicateNameError{Name: name, Err: err}
	// The holder exists, but may be too new to show yet.
	kp, findErr := c.findAfterLostAnswer(ctx, name)
	if findErr != nil {
		return dup
	}
	dup.HolderID = kp.ID
	if kp.CreateToken == "" && len(kp.Tags) == 0 {
		// Its tags may not show yet: whether this provider made it is
		// worth the settle time on the way to an error.
		if tagged, err := c.waitFor(ctx, kp.ID, func(kp *KeyPair) bool { return kp.CreateToken != "" || len(kp.Tags) > 0 }, c.settle, nil); err == nil {
			kp = tagged
		}
	}
	dup.HolderMadeByProvider = kp.CreateToken != ""
	return dup
}

func (c *Client) createKeyPair(ctx context.Context, name string, projectID int64, tags map[string]string, token string) (*KeyPair, error) {
	tags = maps.Clone(tags)
	if tags == nil {
		tags = map[string]string{}
	}
	tags[CreateTokenTagKey] = token
	var out *cvm.KeyPair
	err := c.do(ctx, actCreateKeyPair, func(ctx context.Context) (*string, error) {
		req := cvm.NewCreateKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(projectID)
		req.TagSpecification = tagSpecification(tags)
		resp, err := c.cvm.CreateKeyPairWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		// An answer without the key pair, its id or its private key is
		// a lost answer: the key pair may exist, and recovery finds it.
		switch {
		case resp.Response == nil:
			return nil, incompleteAnswer(actCreateKeyPair.name, "Response object")
		case resp.Response.KeyPair == nil || str(resp.Response.KeyPair.KeyId) == "":
			return resp.Response.RequestId, incompleteAnswer(actCreateKeyPair.name, "key pair")
		case str(resp.Response.KeyPair.PrivateKey) == "":
			return resp.Response.RequestId, incompleteAnswer(actCreateKeyPair.name, "private key")
		}
		out = resp.Response.KeyPair
		return resp.Response.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	return fromAPI(out), nil
}

// ImportKeyPair registers an existing OpenSSH public key and returns its
// id. Like a create, every import carries a token of its own in the
// CreateTokenTagKey tag: when the answer is lost, the key pair of that
// name is adopted only if it carries this import's token (it is what the
// call made), never for holding the same key, which another workspace may
// have imported under the same name; one without the token gives a
// *DuplicateNameError; none at all, and the import is sent again. When the
// lookup cannot finish within the operation's time, the error is a
// *MaybeCreatedError.
//
// It returns the key pair as DescribeKeyPairs shows it with its tags
// (consistency.go); when it does not show in time, a *NotShownError that
// holds its id.
func (c *Client) ImportKeyPair(ctx context.Context, name string, projectID int64, publicKey string, tags map[string]string) (*KeyPair, error) {
	id, err := c.importOnce(ctx, name, projectID, publicKey, tags)
	if err != nil {
		return nil, err
	}
	return c.shown(ctx, &KeyPair{ID: id}, HasTags(tags), &c.showLag)
}

// importOnce sends the import, recovering from lost answers, and returns
// the id of the key pair it made.
func (c *Client) importOnce(ctx context.Context, name string, projectID int64, publicKey string, tags map[string]string) (string, error) {
	token := rand.Text()
	var id string
	lost := false
	// adoptLost finds what a lost attempt made: its id, or "" for none.
	adoptLost := func(ctx context.Context) (string, error) {
		made, err := c.madeBy(ctx, name, token)
		if err != nil || made == nil {
			return "", err
		}
		return made.ID, nil
	}
	err := retry.When(ctx, c.callPolicy(), boundUnreachable(isLostAnswer), c.countRetry(ctx, actImportKeyPair.name), func(ctx context.Context, attempt int) error {
		if lost {
			rctx, cancel := c.recoveryContext(ctx)
			made, err := adoptLost(rctx)
			cancel()
			if err != nil || made != "" {
				id = made
				return err
			}
			lost = false
		}
		var err error
		id, err = c.importKeyPair(ctx, name, projectID, publicKey, tags, token)
		if err != nil && !isNotSent(err) && !isNameTaken(err) {
			lost = !answeredByAPI(err) || isLostAnswer(err)
		}
		return err
	})
	if err != nil && lost {
		rctx, cancel := c.recoveryContext(ctx)
		defer cancel()
		made, findErr := adoptLost(rctx)
		var dup *DuplicateNameError
		switch {
		case findErr == nil && made != "":
			return made, nil
		case findErr == nil:
			// Not made: the import's own error stands.
		case errors.As(findErr, &dup):
			return "", findErr
		default:
			return "", &MaybeCreatedError{Name: name, Token: token, Imported: true, Err: errors.Join(err, findErr)}
		}
	}
	if err != nil {
		return "", c.withKeyHolder(ctx, publicKey, c.withHolder(ctx, name, err))
	}
	return id, nil
}

// withKeyHolder turns the API's duplicate-public-key error into a
// *DuplicatePublicKeyError that names the key pair holding the key: the
// one of the listing whose key material is the import's. It costs one
// listing of the region, on the way to an error only.
func (c *Client) withKeyHolder(ctx context.Context, publicKey string, err error) error {
	if code(err) != apicontract.CodePublicKeyDuplicate {
		return err
	}
	dup := &DuplicatePublicKeyError{Err: err}
	want, v := apicontract.PublicKey(publicKey)
	if v != nil {
		return dup
	}
	all, listErr := c.ListKeyPairs(ctx, nil)
	if listErr != nil {
		return dup
	}
	for _, kp := range all {
		if have, v := apicontract.PublicKey(kp.PublicKey); v == nil && have.Material == want.Material {
			dup.HolderID, dup.HolderName = kp.ID, kp.Name
			break
		}
	}
	return dup
}

func (c *Client) importKeyPair(ctx context.Context, name string, projectID int64, publicKey string, tags map[string]string, token string) (string, error) {
	tags = maps.Clone(tags)
	if tags == nil {
		tags = map[string]string{}
	}
	tags[CreateTokenTagKey] = token
	var id string
	err := c.do(ctx, actImportKeyPair, func(ctx context.Context) (*string, error) {
		req := cvm.NewImportKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(projectID)
		req.PublicKey = common.StringPtr(publicKey)
		req.TagSpecification = tagSpecification(tags)
		resp, err := c.cvm.ImportKeyPairWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		switch {
		case resp.Response == nil:
			return nil, incompleteAnswer(actImportKeyPair.name, "Response object")
		case str(resp.Response.KeyId) == "":
			return resp.Response.RequestId, incompleteAnswer(actImportKeyPair.name, "key id")
		}
		id = str(resp.Response.KeyId)
		return resp.Response.RequestId, nil
	})
	return id, err
}

// madeBy returns the key pair of this name if the create or import that
// sent token made it; nil if there is none; and a *DuplicateNameError if
// another owner holds the name. Tags may show later than the key pair
// they were made with: a key pair that shows no tags at all yet is waited
// for, for as long as ctx allows, and never taken for someone else's. One
// that shows tags without this token is someone else's: every create and
// import of this provider sends its token with the other tags, in one
// call.
func (c *Client) madeBy(ctx context.Context, name, token string) (*KeyPair, error) {
	kp, err := c.findAfterLostAnswer(ctx, name)
	var notFound *NotFoundError
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if kp.CreateToken == "" && len(kp.Tags) == 0 {
		id := kp.ID
		kp, err = c.waitFor(ctx, id, func(kp *KeyPair) bool { return kp.CreateToken != "" || len(kp.Tags) > 0 }, 0, nil)
		if err != nil {
			return nil, fmt.Errorf("wait for the tags of key pair %s, named %q, to show: %w", id, name, err)
		}
	}
	if kp.CreateToken != token {
		return nil, &DuplicateNameError{Name: name, HolderID: kp.ID, HolderMadeByProvider: kp.CreateToken != "",
			Err: fmt.Errorf("the answer to the call that would have made it was lost, and key pair %s, which holds the name, does not carry this call's token: it was left alone", kp.ID)}
	}
	return kp, nil
}

// DescribeKeyPair finds one key pair by id; a *NotFoundError when gone.
// Concurrent reads share calls: from a fresh listing of the region when
// there has been no recent write, else batched by id. A key pair missing
// from either is confirmed gone by a call of its own before it is
// reported so.
func (c *Client) DescribeKeyPair(ctx context.Context, id string) (*KeyPair, error) {
	kp, found, usable, err := c.listing.lookup(ctx, c.listAll, id)
	if err != nil {
		return nil, err
	}
	if !usable {
		kp, found, err = c.reads.Do(ctx, id)
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

// ListedKeyPairByName finds the key pair named name in the region's
// listing when a fresh one is at hand, as a plan's refresh leaves it; it
// never calls the API. listed is false when there is no listing to ask;
// kp is nil when the listing holds no key pair of that name.
func (c *Client) ListedKeyPairByName(name string) (kp *KeyPair, listed bool) {
	byID, ok := c.listing.fresh()
	if !ok {
		return nil, false
	}
	for _, kp := range byID {
		if kp.Name == name {
			return kp, true
		}
	}
	return nil, true
}

// FindKeyPairByName finds the key pair of a name that the region's listing
// shows (names are unique in the account, or at least in the region); a
// *NotFoundError when there is none.
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
	err := c.do(ctx, actDescribeKeyPairs, func(ctx context.Context) (*string, error) {
		req := cvm.NewDescribeKeyPairsRequest()
		req.KeyIds = common.StringPtrs(ids)
		for _, f := range filters {
			req.Filters = append(req.Filters, &cvm.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs(f.Values)})
		}
		req.Offset = common.Int64Ptr(offset)
		req.Limit = common.Int64Ptr(apicontract.MaxDescribeLimit)
		resp, err := c.cvm.DescribeKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		switch {
		case resp.Response == nil:
			return nil, incompleteAnswer(actDescribeKeyPairs.name, "Response object")
		case resp.Response.KeyPairSet == nil || resp.Response.TotalCount == nil:
			// The API answers an empty list, never none.
			return resp.Response.RequestId, incompleteAnswer(actDescribeKeyPairs.name, "KeyPairSet and TotalCount")
		}
		set = set[:0]
		for _, kp := range resp.Response.KeyPairSet {
			if kp == nil || str(kp.KeyId) == "" {
				return resp.Response.RequestId, incompleteAnswer(actDescribeKeyPairs.name, "key id in an element of KeyPairSet")
			}
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
	err := c.do(ctx, actModifyKeyPairAttribute, func(ctx context.Context) (*string, error) {
		req := cvm.NewModifyKeyPairAttributeRequest()
		req.KeyId = common.StringPtr(id)
		req.KeyName = name
		req.Description = description
		resp, err := c.cvm.ModifyKeyPairAttributeWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp.Response == nil {
			return nil, incompleteAnswer(actModifyKeyPairAttribute.name, "Response object")
		}
		return resp.Response.RequestId, nil
	})
	if err == nil {
		_, err = c.shown(ctx, &KeyPair{ID: id}, modified(name, description), nil)
		return err
	}
	if !isLostAnswer(err) {
		if name != nil {
			return c.withHolder(ctx, *name, err)
		}
		return err
	}
	if c.settles(ctx, id, modified(name, description)) {
		return nil
	}
	return err
}

// modified is the condition that a ModifyKeyPairAttribute call's change
// shows.
func modified(name, description *string) func(*KeyPair) bool {
	return func(kp *KeyPair) bool {
		return (name == nil || kp.Name == *name) && (description == nil || kp.Description == *description)
	}
}

// ModifyTags sets and deletes tags of a key pair through the Tag API.
func (c *Client) ModifyTags(ctx context.Context, id string, replace map[string]string, remove []string) error {
	// The uin may be left empty in the resource name; the API fills in
	// the caller's own.
	resource := fmt.Sprintf("qcs::cvm:%s:uin/:keypair/%s", c.region, id)
	err := c.modifyResourceTags(ctx, resource, replace, remove, func(batch map[string]string, batchRemove []string) bool {
		return c.settles(ctx, id, tagsApplied(batch, batchRemove))
	})
	if err != nil {
		return err
	}
	// Tags may show in DescribeKeyPairs a while after the Tag API took
	// them.
	_, err = c.shown(ctx, &KeyPair{ID: id}, tagsApplied(replace, remove), nil)
	return err
}

// settles reports whether the key pair shows ready within the settle time:
// after a lost answer, whether the change was made.
func (c *Client) settles(ctx context.Context, id string, ready func(*KeyPair) bool) bool {
	_, err := c.waitFor(ctx, id, ready, c.settle, nil)
	return err == nil
}

// tagsApplied is the condition that a change of tags shows.
func tagsApplied(replace map[string]string, remove []string) func(*KeyPair) bool {
	return func(kp *KeyPair) bool { return tagsChanged(kp.Tags, replace, remove) }
}

// deleteMany is the combined call of the delete batcher. A batch of one
// whose key pair is already gone has done its work.
func (c *Client) deleteMany(ctx context.Context, ids []string) (map[string]struct{}, error) {
	err := c.do(ctx, actDeleteKeyPairs, func(ctx context.Context) (*string, error) {
		req := cvm.NewDeleteKeyPairsRequest()
		req.KeyIds = common.StringPtrs(ids)
		resp, err := c.cvm.DeleteKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp.Response == nil {
			return nil, incompleteAnswer(actDeleteKeyPairs.name, "Response object")
		}
		return resp.Response.RequestId, nil
	})
	var notFound *NotFoundError
	if len(ids) == 1 && errors.As(err, &notFound) {
		err = nil
	}
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
	return struct{}{}, true, err
}

// aboutOneKeyPair reports whether a failed call about several key pairs
// failed for one of them (gone, in use, a malformed id): a call of its own
// for each then tells which. Throttling, credentials, timeouts and server
// faults would fail the single calls too, and only multiply them.
func aboutOneKeyPair(err error) bool {
	var notFound *NotFoundError
	var invalid *InvalidParameterError
	return errors.As(err, &notFound) || code(err) == apicontract.CodeKeyPairInUse || code(err) == apicontract.CodeKeyPairNotSupportedLegacy ||
		(errors.As(err, &invalid) && invalid.Parameter == "KeyIds")
}

// AssociateInstances binds key pairs to instances; forceStop lets the API
// stop running instances for it. It returns once DescribeKeyPairs shows
// every binding.
func (c *Client) AssociateInstances(ctx context.Context, keyIDs, instanceIDs []string, forceStop bool) error {
	err := c.do(ctx, actAssociateInstancesKeyPairs, func(ctx context.Context) (*string, error) {
		req := cvm.NewAssociateInstancesKeyPairsRequest()
		req.KeyIds = common.StringPtrs(keyIDs)
		req.InstanceIds = common.StringPtrs(instanceIDs)
		req.ForceStop = common.BoolPtr(forceStop)
		resp, err := c.cvm.AssociateInstancesKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp.Response == nil {
			return nil, incompleteAnswer(actAssociateInstancesKeyPairs.name, "Response object")
		}
		return resp.Response.RequestId, nil
	})
	if err != nil {
		return err
	}
	return c.bindingsShown(ctx, keyIDs, instanceIDs, true)
}

// DisassociateInstances unbinds key pairs from instances; forceStop lets
// the API stop running instances for it. It returns once DescribeKeyPairs
// shows none of the bindings.
func (c *Client) DisassociateInstances(ctx context.Context, keyIDs, instanceIDs []string, forceStop bool) error {
	err := c.do(ctx, actDisassociateInstancesKeyPairs, func(ctx context.Context) (*string, error) {
		req := cvm.NewDisassociateInstancesKeyPairsRequest()
		req.KeyIds = common.StringPtrs(keyIDs)
		req.InstanceIds = common.StringPtrs(instanceIDs)
		req.ForceStop = common.BoolPtr(forceStop)
		resp, err := c.cvm.DisassociateInstancesKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp.Response == nil {
			return nil, incompleteAnswer(actDisassociateInstancesKeyPairs.name, "Response object")
		}
		return resp.Response.RequestId, nil
	})
	if err != nil {
		return err
	}
	return c.bindingsShown(ctx, keyIDs, instanceIDs, false)
}

// bindingsShown waits until DescribeKeyPairs shows each key pair bound to
// every instance (bound) or to none of them.
func (c *Client) bindingsShown(ctx context.Context, keyIDs, instanceIDs []string, bound bool) error {
	for _, id := range keyIDs {
		_, err := c.shown(ctx, &KeyPair{ID: id}, func(kp *KeyPair) bool {
			for _, instance := range instanceIDs {
				if slices.Contains(kp.AssociatedInstanceIDs, instance) != bound {
					return false
				}
			}
			return true
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
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
		if str(t.Key) == CreateTokenTagKey {
			out.CreateToken = str(t.Value)
			continue
		}
		out.Tags[str(t.Key)] = str(t.Value)
	}
	return out
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
