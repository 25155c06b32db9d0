package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// Secrets Manager (service ssm, version 2019-09-23), its SSH key pair
// secrets: a secret that CreateSSHKeyPairSecret makes hosts a CVM key pair
// and keeps its private key, which GetSSHKeyPairValue gives back. The SDK's
// ssm module cannot be had, so the calls go through the common module's
// generic client with the request and answer types below, whose fields
// are those of the SDK's tencentcloud/ssm/v20190923 models.
//
// The rule of every write here is that of consistency.go: it returns once
// a read shows it, here DescribeSecret (and the Tag API, for tags), and
// for a delete with the key pair, DescribeKeyPairs too.

const (
	ssmService = "ssm"
	ssmVersion = "2019-09-23"
	// secretTagService and secretTagPrefix name secrets in the Tag API:
	// qcs::ssm:<region>:uin/:secret/creatorUin/<uin>/<name>, as the
	// official provider names them (BuildTagResourceName("ssm", "secret",
	// ...) with the resource id of DescribeSecretByName).
	secretTagService = "ssm"
	secretTagPrefix  = "secret"
)

// Secret is an SSH key pair secret as DescribeSecret shows it, with its
// tags when they were read (the Tag API).
type Secret struct {
	Name        string
	Description string
	KmsKeyID    string
	// Status is Enabled, Disabled or PendingDelete (apicontract).
	Status    string
	CreateUin uint64
	// CreateTime and DeleteTime are Unix seconds; DeleteTime is 0 unless
	// the secret is PendingDelete.
	CreateTime int64
	DeleteTime int64
	SecretType int64
	// ResourceID is the answer's ResourceID, "the resource id associated
	// with the secret", which the official provider shows as resource_id.
	ResourceID string
	// KeyName is the name of the hosted CVM key pair (ResourceName). KeyID
	// is its id, which DescribeSecret does not give: the create's answer
	// gives it, else KeyPairIDByName.
	KeyName               string
	KeyID                 string
	ProjectID             int64
	AssociatedInstanceIDs []string
	// Tags are the secret's own tags, without the create token; nil when
	// they were not read.
	Tags map[string]string
	// CreateToken is the value of the CreateTokenTagKey tag; "" for
	// secrets that this provider did not make.
	CreateToken string
}

// SecretSpec is what CreateSSHKeyPairSecret makes: a secret and its key
// pair. KeyName "" lets Secrets Manager name the key pair; KmsKeyID "" is
// its default key.
type SecretSpec struct {
	Name        string
	ProjectID   int64
	Description string
	KmsKeyID    string
	KeyName     string
	Tags        map[string]string
}

// SSHKeyPairValue is a secret's key pair with its keys in plain text, as
// GetSSHKeyPairValue gives them, decoded from base64: the OpenSSH public
// key line and the PEM private key.
type SSHKeyPairValue struct {
	KeyID       string
	KeyName     string
	Description string
	ProjectID   int64
	PublicKey   string
	PrivateKey  string
}

// The requests and answers of the SSM actions, named and typed as the
// SDK's models.
type (
	ssmTag struct {
		TagKey   string `json:"TagKey"`
		TagValue string `json:"TagValue"`
	}
	createSSHKeyPairSecretRequest struct {
		SecretName  string   `json:"SecretName"`
		ProjectId   int64    `json:"ProjectId"`
		Description string   `json:"Description,omitempty"`
		KmsKeyId    string   `json:"KmsKeyId,omitempty"`
		Tags        []ssmTag `json:"Tags,omitempty"`
		SSHKeyName  string   `json:"SSHKeyName,omitempty"`
	}
	createSSHKeyPairSecretAnswer struct {
		SecretName *string
		SSHKeyID   *string
		SSHKeyName *string
		// TagCode is 0 when the tags were attached.
		TagCode *uint64
		TagMsg  *string
	}
	getSSHKeyPairValueRequest struct {
		SecretName string `json:"SecretName,omitempty"`
		SSHKeyId   string `json:"SSHKeyId,omitempty"`
	}
	getSSHKeyPairValueAnswer struct {
		SSHKeyID          *string
		PublicKey         *string
		PrivateKey        *string
		ProjectID         *int64
		SSHKeyDescription *string
		SSHKeyName        *string
	}
	secretNameRequest struct {
		SecretName string `json:"SecretName"`
	}
	describeSecretAnswer struct {
		SecretName            *string
		Description           *string
		KmsKeyId              *string
		CreateUin             *uint64
		Status                *string
		DeleteTime            *uint64
		CreateTime            *uint64
		SecretType            *int64
		ResourceID            *string
		ResourceName          *string
		ProjectID             *int64
		AssociatedInstanceIDs []*string
	}
	updateDescriptionRequest struct {
		SecretName  string `json:"SecretName"`
		Description string `json:"Description"`
	}
	deleteSecretRequest struct {
		SecretName           string `json:"SecretName"`
		RecoveryWindowInDays uint64 `json:"RecoveryWindowInDays"`
		CleanSSHKey          bool   `json:"CleanSSHKey"`
	}
)

// ssmCall sends one SSM action through do, and decodes the Response
// object of its answer into out (nil: nothing wanted from it). missing,
// when not nil, names what the decoded answer lacks of what every answer
// of the action holds, "" for nothing: such an answer is an incomplete
// one, as good as lost. No error of this function quotes the answer,
// which may hold a private key.
func (c *Client) ssmCall(ctx context.Context, a apiAction, params, out any, missing func() string) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("%s: encode the request: %w", a.name, err)
	}
	return c.do(ctx, a, func(ctx context.Context) (*string, error) {
		req := tchttp.NewCommonRequest(ssmService, ssmVersion, a.name)
		req.SetContext(ctx)
		if err := req.SetActionParameters(body); err != nil {
			return nil, err
		}
		resp := tchttp.NewCommonResponse()
		if err := c.ssm.Send(req, resp); err != nil {
			return nil, err
		}
		var envelope struct {
			Response json.RawMessage
		}
		if err := json.Unmarshal(resp.GetBody(), &envelope); err != nil || len(envelope.Response) == 0 || string(envelope.Response) == "null" {
			return nil, incompleteAnswer(a.name, "Response object")
		}
		var meta struct{ RequestId *string }
		if err := json.Unmarshal(envelope.Response, &meta); err != nil {
			return nil, incompleteAnswer(a.name, "readable Response object")
		}
		if out != nil {
			if err := json.Unmarshal(envelope.Response, out); err != nil {
				// The decoder's error may quote a value: it is not kept.
				return meta.RequestId, incompleteAnswer(a.name, "fields of the documented types")
			}
		}
		if missing != nil {
			if what := missing(); what != "" {
				return meta.RequestId, incompleteAnswer(a.name, what)
			}
		}
		return meta.RequestId, nil
	})
}

// DescribeSecret reads a secret without its tags: one call. A secret
// that does not exist gives a *NotFoundError.
func (c *Client) DescribeSecret(ctx context.Context, name string) (*Secret, error) {
	var a describeSecretAnswer
	err := c.ssmCall(ctx, actDescribeSecret, secretNameRequest{SecretName: name}, &a, func() string {
		if a.SecretName == nil || a.Status == nil {
			return "SecretName and Status"
		}
		return ""
	})
	if err != nil {
		return nil, ssmError(err, name)
	}
	s := &Secret{
		Name:        str(a.SecretName),
		Description: str(a.Description),
		KmsKeyID:    str(a.KmsKeyId),
		Status:      str(a.Status),
		SecretType:  i64(a.SecretType),
		ResourceID:  str(a.ResourceID),
		KeyName:     str(a.ResourceName),
		ProjectID:   i64(a.ProjectID),
	}
	if a.CreateUin != nil {
		s.CreateUin = *a.CreateUin
	}
	if a.CreateTime != nil {
		s.CreateTime = int64(*a.CreateTime)
	}
	if a.DeleteTime != nil {
		s.DeleteTime = int64(*a.DeleteTime)
	}
	for _, id := range a.AssociatedInstanceIDs {
		s.AssociatedInstanceIDs = append(s.AssociatedInstanceIDs, str(id))
	}
	return s, nil
}

// ReadSecret reads a secret and its tags: one DescribeSecret and one Tag
// API call. A secret that does not exist gives a *NotFoundError.
func (c *Client) ReadSecret(ctx context.Context, name string) (*Secret, error) {
	return c.readSecret(ctx, name, true)
}

func (c *Client) readSecret(ctx context.Context, name string, withTags bool) (*Secret, error) {
	s, err := c.DescribeSecret(ctx, name)
	if err != nil || !withTags {
		return s, err
	}
	tags, err := c.secretTags(ctx, s)
	if err != nil {
		return nil, err
	}
	s.Tags = map[string]string{}
	for k, v := range tags {
		if k == CreateTokenTagKey {
			s.CreateToken = v
			continue
		}
		s.Tags[k] = v
	}
	return s, nil
}

// secretResourceID is a secret's id in the Tag API.
func secretResourceID(s *Secret) string {
	return fmt.Sprintf("creatorUin/%d/%s", s.CreateUin, s.Name)
}

// secretTags reads a secret's tags through the Tag API, create token
// included. Concurrent reads (a plan that refreshes several secrets)
// share calls: one for up to MaxResourceIdsPerDescribe secrets.
func (c *Client) secretTags(ctx context.Context, s *Secret) (map[string]string, error) {
	tags, _, err := c.secretTagReads.Do(ctx, secretResourceID(s))
	return tags, err
}

// secretTagsMany is the combined call of the secret tag batcher: the tags
// of each secret resource id, paged (a page holds 100 tags, a secret up
// to 50). A secret without tags gets an empty map.
func (c *Client) secretTagsMany(ctx context.Context, ids []string) (map[string]map[string]string, error) {
	const limit = 100
	out := make(map[string]map[string]string, len(ids))
	for _, id := range ids {
		out[id] = map[string]string{}
	}
	for offset := uint64(0); ; offset += limit {
		var rows []*tag.TagResource
		var total uint64
		err := c.do(ctx, actDescribeResourceTagsByResourceIds, func(ctx context.Context) (*string, error) {
			req := tag.NewDescribeResourceTagsByResourceIdsRequest()
			req.ServiceType = strPtr(secretTagService)
			req.ResourcePrefix = strPtr(secretTagPrefix)
			req.ResourceIds = make([]*string, len(ids))
			for i := range ids {
				req.ResourceIds[i] = &ids[i]
			}
			req.ResourceRegion = strPtr(c.region)
			req.Offset = &offset
			l := uint64(limit)
			req.Limit = &l
			resp, err := c.tag.DescribeResourceTagsByResourceIdsWithContext(ctx, req)
			if err != nil {
				return nil, err
			}
			if resp.Response == nil || resp.Response.Tags == nil {
				return nil, incompleteAnswer(actDescribeResourceTagsByResourceIds.name, "Tags")
			}
			rows = resp.Response.Tags
			if resp.Response.TotalCount != nil {
				total = *resp.Response.TotalCount
			}
			return resp.Response.RequestId, nil
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r == nil {
				continue
			}
			if tags, ok := out[str(r.ResourceId)]; ok {
				tags[str(r.TagKey)] = str(r.TagValue)
			}
		}
		if len(rows) < limit || offset+limit >= total {
			return out, nil
		}
	}
}

func (c *Client) secretTagsSingle(ctx context.Context, id string) (map[string]string, bool, error) {
	out, err := c.secretTagsMany(ctx, []string{id})
	return out[id], true, err
}

func strPtr(s string) *string { return &s }

// waitSecret reads a secret (with its tags, when withTags) until ready
// accepts it; a secret that does not show counts as not yet. bound limits
// the wait as within does (0: as long as ctx allows).
func (c *Client) waitSecret(ctx context.Context, name string, withTags bool, ready func(*Secret) bool, bound time.Duration) (*Secret, error) {
	var s *Secret
	err := c.waitLearning(ctx, nil, within(bound, isNotYet), "secret "+name+" to show in DescribeSecret", func(ctx context.Context) error {
		var err error
		s, err = c.readSecret(ctx, name, withTags)
		var notFound *NotFoundError
		switch {
		case errors.As(err, &notFound):
			return fmt.Errorf("secret %q does not show yet: %w", name, errNotYet)
		case err != nil:
			return err
		case ready != nil && !ready(s):
			return fmt.Errorf("secret %q does not show the change yet: %w", name, errNotYet)
		}
		return nil
	})
	return s, err
}

// secretShown is the rule's wait for a write to a secret: a
// *SecretNotShownError when it does not show.
func (c *Client) secretShown(ctx context.Context, made *Secret, withTags bool, ready func(*Secret) bool) (*Secret, error) {
	s, err := c.waitSecret(ctx, made.Name, withTags, ready, 0)
	if err != nil {
		return nil, &SecretNotShownError{Secret: made, Err: err}
	}
	return s, nil
}

// UpdateSecretDescription sets a secret's description (UpdateDescription)
// and returns once DescribeSecret shows it.
func (c *Client) UpdateSecretDescription(ctx context.Context, name, description string) error {
	err := c.ssmCall(ctx, actUpdateDescription, updateDescriptionRequest{SecretName: name, Description: description}, nil, nil)
	if err != nil {
		return ssmError(err, name)
	}
	_, err = c.secretShown(ctx, &Secret{Name: name}, false, func(s *Secret) bool { return s.Description == description })
	return err
}

// SetSecretEnabled enables or disables a secret (EnableSecret,
// DisableSecret) and returns once DescribeSecret shows its status.
func (c *Client) SetSecretEnabled(ctx context.Context, name string, enabled bool) error {
	a, status := actDisableSecret, apicontract.SecretDisabled
	if enabled {
		a, status = actEnableSecret, apicontract.SecretEnabled
	}
	if err := c.ssmCall(ctx, a, secretNameRequest{SecretName: name}, nil, nil); err != nil {
		return ssmError(err, name)
	}
	_, err := c.secretShown(ctx, &Secret{Name: name}, false, func(s *Secret) bool { return s.Status == status })
	return err
}

// secretTagResource is a secret's six-segment name in the Tag API; the
// first uin may be left empty.
func (c *Client) secretTagResource(s *Secret) string {
	return fmt.Sprintf("qcs::%s:%s:uin/:%s/%s", secretTagService, c.region, secretTagPrefix, secretResourceID(s))
}

// ModifySecretTags sets and deletes tags of a secret through the Tag API,
// and returns once the Tag API shows them. s needs Name and CreateUin
// (DescribeSecret).
func (c *Client) ModifySecretTags(ctx context.Context, s *Secret, replace map[string]string, remove []string) error {
	applied := func(replace map[string]string, remove []string) func(*Secret) bool {
		return func(s *Secret) bool {
			all := maps.Clone(s.Tags)
			if s.CreateToken != "" {
				all[CreateTokenTagKey] = s.CreateToken
			}
			return tagsChanged(all, replace, remove)
		}
	}
	err := c.modifyResourceTags(ctx, c.secretTagResource(s), replace, remove, func(batch map[string]string, batchRemove []string) bool {
		_, err := c.waitSecret(ctx, s.Name, true, applied(batch, batchRemove), c.settle)
		return err == nil
	})
	if err != nil {
		return ssmError(err, s.Name)
	}
	_, err = c.secretShown(ctx, s, true, applied(replace, remove))
	return err
}

// GetSSHKeyPairValue reads a secret's key pair with its keys in plain
// text, by the secret's name or by the key pair's id (one of them ""). A
// Disabled secret's keys cannot be read: a *SecretUnavailableError. The
// keys never reach a log or an error.
func (c *Client) GetSSHKeyPairValue(ctx context.Context, secretName, keyID string) (*SSHKeyPairValue, error) {
	var a getSSHKeyPairValueAnswer
	err := c.ssmCall(ctx, actGetSSHKeyPairValue, getSSHKeyPairValueRequest{SecretName: secretName, SSHKeyId: keyID}, &a, func() string {
		if str(a.SSHKeyID) == "" || str(a.PublicKey) == "" {
			return "SSHKeyID and PublicKey"
		}
		return ""
	})
	which := secretName
	if which == "" {
		which = "of key pair " + keyID
	}
	if err != nil {
		return nil, ssmError(err, which)
	}
	if str(a.PrivateKey) == "" {
		// The key pair without its private key: a Disabled secret's
		// plain text cannot be had (DisableSecret's page).
		return nil, &SecretUnavailableError{Name: which,
			Err: errors.New("the answer holds no private key: a Disabled secret's plain text can be read only once it is Enabled again (status = \"Enabled\")")}
	}
	public, errPublic := base64.StdEncoding.DecodeString(str(a.PublicKey))
	private, errPrivate := base64.StdEncoding.DecodeString(str(a.PrivateKey))
	if errPublic != nil || errPrivate != nil {
		// The decoder's error quotes no key, but says where it broke: not
		// kept either.
		return nil, incompleteAnswer(actGetSSHKeyPairValue.name, "PublicKey and PrivateKey in base64")
	}
	return &SSHKeyPairValue{
		KeyID:       str(a.SSHKeyID),
		KeyName:     str(a.SSHKeyName),
		Description: str(a.SSHKeyDescription),
		ProjectID:   i64(a.ProjectID),
		PublicKey:   string(public),
		PrivateKey:  string(private),
	}, nil
}

// KeyPairIDByName is the id of the key pair of a name, for a secret whose
// key pair id is not known (an import): DescribeSecret names the key pair
// but does not give its id.
func (c *Client) KeyPairIDByName(ctx context.Context, name string) (string, error) {
	kp, err := c.FindKeyPairByName(ctx, name)
	if err != nil {
		return "", err
	}
	return kp.ID, nil
}

// DeleteSSHKeyPairSecret deletes a secret, and with clean its CVM key pair
// (keyID, "" when not known), and returns once DescribeSecret no longer
// finds it (or, with a recovery window, shows it PendingDelete) and, with
// clean, DescribeKeyPairs no longer shows the key pair. A secret already
// gone counts as deleted.
//
// With clean, a key pair bound to instances gives an *InUseError that
// names them, before anything changes: DeleteSecret takes only a
// Disabled secret, and a secret disabled for a delete that then fails
// would be left unreadable. When the API refuses all the same (a binding
// made meanwhile, an image), the secret is enabled again if it was.
func (c *Client) DeleteSSHKeyPairSecret(ctx context.Context, name, keyID string, clean bool, recoveryWindowInDays uint64) error {
	s, err := c.DescribeSecret(ctx, name)
	var notFound *NotFoundError
	if errors.As(err, &notFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if clean {
		if inUse := c.keyPairUsers(ctx, s, keyID); inUse != nil {
			return inUse
		}
	}
	wasEnabled := s.Status == apicontract.SecretEnabled
	if wasEnabled {
		if err := c.SetSecretEnabled(ctx, name, false); err != nil {
			return err
		}
	}
	err = c.ssmCall(ctx, actDeleteSecret, deleteSecretRequest{SecretName: name, RecoveryWindowInDays: recoveryWindowInDays, CleanSSHKey: clean}, nil, nil)
	if c := code(err); c == apicontract.CodeResourceNotFound || c == apicontract.CodeSecretNotExist {
		// Gone: an earlier attempt whose answer was lost deleted it.
		err = nil
	}
	if c2 := code(err); c2 == apicontract.CodeKeyPairInUse || c2 == apicontract.CodeKeyPairNotSupportedLegacy {
		inUse := &InUseError{KeyID: keyID, ImageIDs: imageIDPattern.FindAllString(errorMessage(err), -1), Err: err}
		if users := c.keyPairUsers(ctx, s, keyID); users != nil {
			inUse.InstanceIDs = users.InstanceIDs
		}
		if wasEnabled {
			if enableErr := c.SetSecretEnabled(ctx, name, true); enableErr != nil {
				return errors.Join(inUse, fmt.Errorf("enable secret %q again: %w", name, enableErr))
			}
		}
		return inUse
	}
	if err != nil {
		return ssmError(err, name)
	}
	if recoveryWindowInDays > 0 {
		_, err = c.secretShown(ctx, s, false, func(s *Secret) bool { return s.Status == apicontract.SecretPendingDelete })
		return err
	}
	if err := c.waitGoneSecret(ctx, name); err != nil {
		return err
	}
	if clean && keyID != "" {
		_, err = c.waitGone(ctx, keyID, 0, &c.goneLag)
	}
	return err
}

// keyPairUsers is an *InUseError naming the instances that the secret's
// key pair is bound to, as DescribeSecret and DescribeKeyPairs show them,
// or nil when it is bound to none.
func (c *Client) keyPairUsers(ctx context.Context, s *Secret, keyID string) *InUseError {
	ids := slices.Clone(s.AssociatedInstanceIDs)
	if keyID != "" {
		if kp, err := c.DescribeKeyPair(ctx, keyID); err == nil {
			for _, id := range kp.AssociatedInstanceIDs {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return &InUseError{KeyID: keyID, InstanceIDs: ids, Err: fmt.Errorf("the key pair of secret %q is bound to instances", s.Name)}
}

// waitGoneSecret reads a deleted secret until DescribeSecret no longer
// finds it.
func (c *Client) waitGoneSecret(ctx context.Context, name string) error {
	return c.waitLearning(ctx, nil, isNotYet, "secret "+name+" to leave DescribeSecret", func(ctx context.Context) error {
		_, err := c.DescribeSecret(ctx, name)
		var notFound *NotFoundError
		if errors.As(err, &notFound) {
			return nil
		}
		if err == nil {
			return fmt.Errorf("secret %q still shows: %w", name, errNotYet)
		}
		return err
	})
}
