package emulator

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// Secrets Manager (service ssm, version 2019-09-23), the SSH key pair
// secrets only: a secret made by CreateSSHKeyPairSecret is a CVM key pair
// in the key pair store (DescribeKeyPairs lists it, the Tag API and the
// instances see it) plus the private key, which SSM keeps sealed (see
// ssmstore.go), and the secret's own tags, which the Tag API reads and
// writes under qcs::ssm:<region>:uin/<uin>:secret/creatorUin/<uin>/<name>.
//
// Each behaviour is labelled: documented (the SDK's
// tencentcloud/ssm/v20190923 comments or a page, see
// apicontract/ssm.go), observed (what the official provider,
// tencentcloud/services/ssm, does against the real API) or guessed.
//
// Common to every action, guessed: the secret is looked up by name in the
// call's region (documented: "同一region内不可重复", names are unique in a
// region); a name of no secret there is ResourceNotFound (documented in
// each action's list; observed: the official provider tests that code
// after a delete); the answers' times are Unix seconds (documented).

// ssmRegionalRequired: every SSM action needs X-TC-Region (documented by
// the newer pages, "Region Yes"; the 2023 pages said it was not
// required). The emulator accepts all of its regions, though ListSecrets'
// page lists fewer for the international site (guessed simplification).

// defaultKmsKeyID is the KmsKeyId of a secret made without one: "如果为空
// 则表示使用Secrets Manager为您默认创建的CMK进行加密" (the CMK that Secrets
// Manager made for the account; documented). Its value is guessed: KMS
// key ids are UUIDs.
const defaultKmsKeyID = "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8"

// generatedKeyNamePrefix starts the name of a key pair made without
// SSHKeyName (guessed: the pages make SSHKeyName optional without saying
// what name the key pair gets; it gets ssm_ and the key id's suffix,
// which the key name rule accepts and no other key pair has).
const generatedKeyNamePrefix = "ssm_"

type (
	createSSHKeyPairSecretParams struct {
		SecretName  *string          `json:"SecretName"`
		ProjectId   *int64           `json:"ProjectId"`
		Description *string          `json:"Description"`
		KmsKeyId    *string          `json:"KmsKeyId"`
		Tags        []*tagPairParams `json:"Tags"`
		SSHKeyName  *string          `json:"SSHKeyName"`
	}
	getSSHKeyPairValueParams struct {
		SecretName *string `json:"SecretName"`
		SSHKeyId   *string `json:"SSHKeyId"`
	}
	// secretNameParams are the parameters of DescribeSecret,
	// EnableSecret, DisableSecret and RestoreSecret.
	secretNameParams struct {
		SecretName *string `json:"SecretName"`
	}
	updateDescriptionParams struct {
		SecretName  *string `json:"SecretName"`
		Description *string `json:"Description"`
	}
	deleteSecretParams struct {
		SecretName           *string `json:"SecretName"`
		RecoveryWindowInDays *uint64 `json:"RecoveryWindowInDays"`
		CleanSSHKey          *bool   `json:"CleanSSHKey"`
	}
	listSecretsParams struct {
		Offset           *uint64           `json:"Offset"`
		Limit            *uint64           `json:"Limit"`
		OrderType        *uint64           `json:"OrderType"`
		State            *uint64           `json:"State"`
		SearchSecretName *string           `json:"SearchSecretName"`
		TagFilters       []*tagFilterParam `json:"TagFilters"`
		SecretType       *uint64           `json:"SecretType"`
		ProductName      *string           `json:"ProductName"`
	}
)

// secretMetadataView is a SecretMetadata of ListSecrets (documented: the
// SDK's models.go). Every field is answered, none null: the values of the
// rotation and the cloud product fields are those of a secret without
// them (guessed).
type secretMetadataView struct {
	SecretName            string
	Description           string
	KmsKeyId              string
	CreateUin             uint64
	Status                string
	DeleteTime            uint64
	CreateTime            uint64
	KmsKeyType            string
	RotationStatus        int64
	NextRotationTime      uint64
	SecretType            int64
	ProductName           string
	ResourceName          string
	ProjectID             int64
	AssociatedInstanceIDs []string
	TargetUin             uint64
	RotationFrequency     int64
	ResourceID            string
	RotationBeginTime     string
}

// keyPairOf is the CVM key pair of a secret, or nil once deleted.
func (s *Server) keyPairOf(sec *secret) *keyPair {
	return s.findKeyPair(sec.Region, sec.KeyID)
}

// hostedKey is what the answers show of a secret's key pair: the CVM key
// pair's current name, project, description and instances while it
// exists (documented: "用户可以在CVM侧控制台对密钥对的名称进行修改", the name
// and description may be changed on the CVM side, so SSM shows CVM's),
// the values it was made with after it is gone (guessed).
type hostedKey struct {
	name, description string
	projectID         int64
	instances         []string
}

func (s *Server) hostedKeyOf(sec *secret) hostedKey {
	kp := s.keyPairOf(sec)
	if kp == nil {
		return hostedKey{name: sec.KeyName, projectID: sec.ProjectID, instances: []string{}}
	}
	return hostedKey{name: kp.Name, description: kp.Description, projectID: kp.ProjectID, instances: s.associated(kp)}
}

// metadata is a secret as ListSecrets shows it. ResourceID is the key
// pair's id (guessed: the field is documented as the cloud product
// instance's id; the official provider reads it into resource_id).
// DeleteTime is 0 unless PendingDelete (documented).
func (s *Server) metadata(sec *secret) secretMetadataView {
	hk := s.hostedKeyOf(sec)
	kmsType := apicontract.KmsKeyTypeDefault
	if sec.CustomerKey {
		kmsType = apicontract.KmsKeyTypeCustomer
	}
	var deleteTime uint64
	if sec.Status == apicontract.SecretPendingDelete {
		deleteTime = uint64(sec.DeleteAt.Unix())
	}
	return secretMetadataView{
		SecretName:            sec.Name,
		Description:           sec.Description,
		KmsKeyId:              sec.KmsKeyID,
		CreateUin:             demoUinNumber,
		Status:                sec.Status,
		DeleteTime:            deleteTime,
		CreateTime:            uint64(sec.Created.Unix()),
		KmsKeyType:            kmsType,
		SecretType:            apicontract.SecretTypeSSHKeyPair,
		ResourceName:          hk.name,
		ProjectID:             hk.projectID,
		AssociatedInstanceIDs: hk.instances,
		ResourceID:            sec.KeyID,
	}
}

// createSSHKeyPairSecret makes a CVM key pair and a secret that holds it.
//
// Documented (page 42262, CreateSSHKeyPairSecretRequestParams):
// SecretName and ProjectId required; the name, description and
// SSHKeyName rules (apicontract); KmsKeyId empty means the default CMK;
// the answer SecretName, SSHKeyID, SSHKeyName, TagCode (0 success) and
// TagMsg; the codes ResourceInUse.SecretExists and
// InvalidParameterValue.TagKeysDuplicated. Guessed: ProjectId applies to
// the key pair ("密钥对创建后所属的项目ID", documented) and an unknown one
// is CVM's InvalidProjectId.NotFound; a key name that breaks CVM's rule,
// is taken or passes the quota answers CVM's code, as CreateKeyPair does;
// an empty SSHKeyName is as none; the tags are the secret's, not the key
// pair's (the answer's TagCode reports them as CreateSecret's does, and
// the official provider reads a secret's tags under its ssm name), with
// the Tag API's rules and codes and at most 50 (LimitExceeded); the new
// secret is Enabled; TagMsg is empty on success.
func (s *Server) createSSHKeyPairSecret(region string, body []byte) (map[string]any, *apiError) {
	var p createSSHKeyPairSecretParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.SecretName == nil:
		return nil, missing("SecretName")
	case p.ProjectId == nil:
		return nil, missing("ProjectId")
	}
	if v := apicontract.SecretName(*p.SecretName); v != nil {
		return nil, newError(v.Code, "The SecretName `%s` is invalid. %s", *p.SecretName, v.Rule)
	}
	var description, keyName string
	if p.Description != nil {
		description = *p.Description
	}
	if apiErr := secretDescriptionError(description); apiErr != nil {
		return nil, apiErr
	}
	if p.SSHKeyName != nil && *p.SSHKeyName != "" {
		keyName = *p.SSHKeyName
		if v := apicontract.SSHKeyName(keyName); v != nil {
			return nil, newError(v.Code, "The SSHKeyName `%s` is invalid. %s", keyName, v.Rule)
		}
	}
	if !s.projects[*p.ProjectId] {
		return nil, newError(apicontract.CodeProjectNotFound, "The project %d does not exist.", *p.ProjectId)
	}
	tags, apiErr := secretTags(p.Tags)
	if apiErr != nil {
		return nil, apiErr
	}
	kmsKeyID, customer := defaultKmsKeyID, false
	if p.KmsKeyId != nil && *p.KmsKeyId != "" {
		kmsKeyID, customer = *p.KmsKeyId, true
	}
	// Without SSHKeyName, the name is made from the key id, which is
	// known only under the lock; until then only the quota can refuse it.
	gen, now, apiErr := s.generateChecked(func() *apiError { return s.checkNewSecretLocked(region, *p.SecretName, keyName) })
	if apiErr != nil {
		return nil, apiErr
	}
	defer s.mu.Unlock()
	id := s.st.newKeyID()
	if keyName == "" {
		keyName = generatedKeyNamePrefix + strings.TrimPrefix(id, "skey-")
	}
	if apiErr := s.checkNewSecretLocked(region, *p.SecretName, keyName); apiErr != nil {
		return nil, apiErr
	}
	if apiErr := s.checkTagQuota(tags); apiErr != nil {
		return nil, apiErr
	}
	key, err := s.sealKeyLocked()
	if err != nil {
		return nil, newError(apicontract.CodeSSMAccessKmsError, "The private key could not be encrypted: %s.", err)
	}
	sealed, err := seal(key, id, gen.privatePEM)
	if err != nil {
		return nil, newError(apicontract.CodeSSMAccessKmsError, "The private key could not be encrypted.")
	}
	kp := s.addGeneratedLocked(id, region, keyName, *p.ProjectId, []tag{}, gen, now)
	s.st.Secrets = append(s.st.Secrets, &secret{
		Name:             *p.SecretName,
		Region:           region,
		Description:      description,
		KmsKeyID:         kmsKeyID,
		CustomerKey:      customer,
		Status:           apicontract.SecretEnabled,
		Created:          now.UTC(),
		Tags:             tags,
		KeyID:            kp.ID,
		KeyName:          kp.Name,
		ProjectID:        kp.ProjectID,
		PublicKey:        kp.PublicKey,
		SealedPrivateKey: sealed,
	})
	s.rememberTags(tags)
	s.changed()
	return map[string]any{"SecretName": *p.SecretName, "SSHKeyID": kp.ID, "SSHKeyName": kp.Name, "TagCode": 0, "TagMsg": ""}, nil
}

// checkNewSecretLocked checks that a new secret fits: its name is free in
// the region, a PendingDelete secret's included (guessed), and its key
// pair fits as CreateKeyPair's would (no name when it is to be
// generated, which only the quota can refuse).
func (s *Server) checkNewSecretLocked(region, name, keyName string) *apiError {
	if sec := s.findSecret(region, name); sec != nil {
		return newError(apicontract.CodeSecretExists, "The secret `%s` already exists in region %s (status %s).", name, region, sec.Status)
	}
	return s.checkRoomLocked(region, keyName, "")
}

func secretDescriptionError(description string) *apiError {
	if v := apicontract.SecretDescription(description); v != nil {
		return newError(v.Code, "The Description is invalid. %s", v.Rule)
	}
	return nil
}

// secretTags checks the Tags of CreateSSHKeyPairSecret: the tag rules
// with the Tag API's codes (guessed), a key twice
// InvalidParameterValue.TagKeysDuplicated (documented), more than 50
// LimitExceeded (guessed).
func secretTags(params []*tagPairParams) ([]tag, *apiError) {
	tags, apiErr := tagPairs(len(params), func(i int) (string, string) {
		if params[i] == nil {
			return "", ""
		}
		return pair(params[i].TagKey, params[i].TagValue)
	}, apicontract.CodeSecretTagKeysDuplicated)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(tags) > apicontract.MaxTagsPerResource {
		return nil, newError(apicontract.CodeLimitExceeded, "A secret may have at most %d tags, not %d.", apicontract.MaxTagsPerResource, len(tags))
	}
	return tags, nil
}

// getSSHKeyPairValue answers a secret's key pair in plain text.
//
// Documented (page 42261, GetSSHKeyPairValue*Params): SecretName or
// SSHKeyId names the secret; PublicKey and PrivateKey are base64; a
// Disabled secret's plain text cannot be had ("停用后状态为 Disabled，无法
// 通过接口获取该凭据的明文", DisableSecret), and the action lists
// ResourceUnavailable (answered here for a PendingDelete secret; a
// Disabled one answers without its private key, below). Guessed: neither given is MissingParameter; both
// given must name the same secret, else InvalidParameterValue; an
// SSHKeyId that is not a key id is InvalidParameterValue, and one of no
// secret's key pair ResourceNotFound; a PendingDelete secret is
// ResourceUnavailable too; what is base64-encoded is the OpenSSH public
// key line and the PEM private key, as CreateKeyPair answers them; a
// sealing key that does not open the private key (a state file moved
// without its .key file) is FailedOperation.AccessKmsError (documented
// code: "KMS操作失败").
func (s *Server) getSSHKeyPairValue(region string, body []byte) (map[string]any, *apiError) {
	var p getSSHKeyPairValueParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	byName := p.SecretName != nil && *p.SecretName != ""
	byKey := p.SSHKeyId != nil && *p.SSHKeyId != ""
	if !byName && !byKey {
		return nil, missing("SecretName` or `SSHKeyId")
	}
	if byKey {
		if v := apicontract.KeyPairID(*p.SSHKeyId); v != nil {
			return nil, newError(apicontract.CodeInvalidParameterValue, "The SSHKeyId `%s` is malformed. %s", *p.SSHKeyId, v.Rule)
		}
	}
	s.lockState()
	defer s.mu.Unlock()
	var sec *secret
	switch {
	case byName:
		if sec = s.findSecret(region, *p.SecretName); sec == nil {
			return nil, secretNotFound(region, *p.SecretName)
		}
		if byKey && sec.KeyID != *p.SSHKeyId {
			return nil, newError(apicontract.CodeInvalidParameterValue, "The secret `%s` holds the key pair %s, not %s.", sec.Name, sec.KeyID, *p.SSHKeyId)
		}
	default:
		i := slices.IndexFunc(s.st.Secrets, func(c *secret) bool { return c.Region == region && c.KeyID == *p.SSHKeyId })
		if i < 0 {
			return nil, newError(apicontract.CodeResourceNotFound, "No SSH key pair secret in region %s holds the key pair %s.", region, *p.SSHKeyId)
		}
		sec = s.st.Secrets[i]
	}
	if sec.Status == apicontract.SecretPendingDelete {
		return nil, newError(apicontract.CodeResourceUnavailable, "The secret `%s` is %s: its plain text can be read only while it is Enabled.", sec.Name, sec.Status)
	}
	// A Disabled secret answers its key pair without the private key.
	// Guessed, between two sources: DisableSecret documents that a
	// Disabled secret's plain text cannot be had, and the official
	// provider's acceptance test makes a secret with status Disabled and
	// reads it back, its Read calling GetSSHKeyPairValue for the SSHKeyID
	// (observed: resource_tc_ssm_ssh_key_pair_secret.go and its test), so
	// the action answers a Disabled secret.
	var private string
	if sec.Status == apicontract.SecretEnabled {
		// A sealing key that was never made (nil) opens nothing either.
		opened, err := unseal(s.sealKey, sec.KeyID, sec.SealedPrivateKey)
		if err != nil {
			return nil, newError(apicontract.CodeSSMAccessKmsError, "The private key of secret `%s` could not be decrypted.", sec.Name)
		}
		private = base64.StdEncoding.EncodeToString([]byte(opened))
	}
	hk := s.hostedKeyOf(sec)
	return map[string]any{
		"SSHKeyID":          sec.KeyID,
		"PublicKey":         base64.StdEncoding.EncodeToString([]byte(sec.PublicKey)),
		"PrivateKey":        private,
		"ProjectID":         hk.projectID,
		"SSHKeyDescription": hk.description,
		"SSHKeyName":        hk.name,
	}, nil
}

func secretNotFound(region, name string) *apiError {
	return newError(apicontract.CodeResourceNotFound, "The secret `%s` does not exist in region %s.", name, region)
}

// withSecret runs one of the actions that name a secret by SecretName
// alone: it decodes the parameters, checks that SecretName is given,
// finds the secret in the region under the lock and passes it to f,
// whose answer it returns with the secret's name when f answers nothing
// else.
func (s *Server) withSecret(region string, body []byte, params any, name func() *string, f func(sec *secret, now time.Time) (map[string]any, *apiError)) (map[string]any, *apiError) {
	if err := decodeParams(body, params); err != nil {
		return nil, err
	}
	n := name()
	if n == nil {
		return nil, missing("SecretName")
	}
	now := s.lockState()
	defer s.mu.Unlock()
	sec := s.findSecret(region, *n)
	if sec == nil {
		return nil, secretNotFound(region, *n)
	}
	out, apiErr := f(sec, now)
	if apiErr != nil {
		return nil, apiErr
	}
	if out == nil {
		out = map[string]any{}
	}
	out["SecretName"] = sec.Name
	return out, nil
}

// describeSecret answers a secret's attributes (documented:
// DescribeSecretResponseParams). Every field is answered, none null: the
// official provider dereferences SecretName, Description, KmsKeyId,
// SecretType, AdditionalConfig, CreateUin, Status, DeleteTime and
// CreateTime without a check (observed: service_tencentcloud_ssm.go,
// DescribeSecretByName). RotationStatus false, RotationFrequency 0,
// ProductName, TargetUin and AdditionalConfig empty: an SSH key pair
// secret has none of them (guessed).
func (s *Server) describeSecret(region string, body []byte) (map[string]any, *apiError) {
	var p secretNameParams
	return s.withSecret(region, body, &p, func() *string { return p.SecretName }, func(sec *secret, _ time.Time) (map[string]any, *apiError) {
		m := s.metadata(sec)
		return map[string]any{
			"Description":           m.Description,
			"KmsKeyId":              m.KmsKeyId,
			"CreateUin":             m.CreateUin,
			"Status":                m.Status,
			"DeleteTime":            m.DeleteTime,
			"CreateTime":            m.CreateTime,
			"SecretType":            m.SecretType,
			"ProductName":           "",
			"ResourceID":            m.ResourceID,
			"RotationStatus":        false,
			"RotationFrequency":     0,
			"ResourceName":          m.ResourceName,
			"ProjectID":             m.ProjectID,
			"AssociatedInstanceIDs": m.AssociatedInstanceIDs,
			"TargetUin":             0,
			"AdditionalConfig":      "",
		}, nil
	})
}

// updateDescription changes a secret's description: "仅能修改Enabled 和
// Disabled 状态的凭据" (only Enabled and Disabled secrets; documented).
// Description is required (documented: page 38643, "Description Yes")
// and may be empty (guessed). A PendingDelete secret is FailedOperation
// (guessed, from the action's list). The key pair's description, CVM's,
// stays as it is (guessed: the two are apart, GetSSHKeyPairValue answers
// SSHKeyDescription from CVM).
func (s *Server) updateDescription(region string, body []byte) (map[string]any, *apiError) {
	var p updateDescriptionParams
	return s.withSecret(region, body, &p, func() *string { return p.SecretName }, func(sec *secret, _ time.Time) (map[string]any, *apiError) {
		if p.Description == nil {
			return nil, missing("Description")
		}
		if apiErr := secretDescriptionError(*p.Description); apiErr != nil {
			return nil, apiErr
		}
		if apiErr := notPendingDelete(sec, "its description cannot be changed"); apiErr != nil {
			return nil, apiErr
		}
		sec.Description = *p.Description
		s.changed()
		return nil, nil
	})
}

// notPendingDelete refuses to act on a PendingDelete secret, with
// FailedOperation (guessed: every SSM write served here lists it).
func notPendingDelete(sec *secret, what string) *apiError {
	if sec.Status != apicontract.SecretPendingDelete {
		return nil
	}
	return newError(apicontract.CodeFailedOperation, "The secret `%s` is PendingDelete: %s; restore it first with RestoreSecret.", sec.Name, what)
}

// enableSecret and disableSecret set a secret's status (documented: "状
// 态为Enabled", "停用后状态为 Disabled"; "处于PendingDelete状态的凭据不能直接
// 开启，需要通过RestoreSecret 恢复后再开启使用", a PendingDelete secret must be
// restored first). Guessed: enabling an Enabled secret or disabling a
// Disabled one succeeds and changes nothing; PendingDelete is
// FailedOperation for both.
func (s *Server) enableSecret(region string, body []byte) (map[string]any, *apiError) {
	return s.setSecretStatus(region, body, apicontract.SecretEnabled)
}

func (s *Server) disableSecret(region string, body []byte) (map[string]any, *apiError) {
	return s.setSecretStatus(region, body, apicontract.SecretDisabled)
}

func (s *Server) setSecretStatus(region string, body []byte, status string) (map[string]any, *apiError) {
	var p secretNameParams
	return s.withSecret(region, body, &p, func() *string { return p.SecretName }, func(sec *secret, _ time.Time) (map[string]any, *apiError) {
		if apiErr := notPendingDelete(sec, "it cannot be "+strings.ToLower(status)); apiErr != nil {
			return nil, apiErr
		}
		if sec.Status != status {
			sec.Status = status
			s.changed()
		}
		return nil, nil
	})
}

// deleteSecret deletes a secret, at once or on schedule.
//
// Documented (page 38655, DeleteSecretRequestParams): "您必须先通过
// DisableSecret 停用凭据后才可以进行（计划）删除操作" (a secret must be
// disabled first); RecoveryWindowInDays 0 (default) deletes at once, 1 to
// 30 make it PendingDelete until then, and for an SSH key pair secret it
// can only be 0 (Config.SSMRecoveryWindow lifts that); CleanSSHKey also
// deletes the CVM key pair, and "如果SSH密钥此时绑定了CVM实例，那么会清理
// 失败" (fails if the key pair is bound to an instance); the answer
// SecretName and DeleteTime. Guessed: an Enabled or PendingDelete secret
// is FailedOperation; a bound key pair (or one an image holds) fails the
// whole call with CVM's own refusal,
// InvalidParameterValue.KeyPairNotSupported, and changes nothing; a key
// pair already deleted on the CVM side is no failure; without
// CleanSSHKey the key pair stays in CVM; DeleteTime is when the secret
// goes, now for an immediate delete; a scheduled CleanSSHKey deletes the
// key pair when the secret goes, and checks it is free now too.
func (s *Server) deleteSecret(region string, body []byte) (map[string]any, *apiError) {
	var p deleteSecretParams
	return s.withSecret(region, body, &p, func() *string { return p.SecretName }, func(sec *secret, now time.Time) (map[string]any, *apiError) {
		var days uint64
		if p.RecoveryWindowInDays != nil {
			days = *p.RecoveryWindowInDays
		}
		secretType := int64(apicontract.SecretTypeSSHKeyPair)
		if s.set.ssmRecoveryWindow {
			secretType = apicontract.SecretTypeCustom
		}
		if v := apicontract.RecoveryWindow(days, secretType); v != nil {
			return nil, newError(v.Code, "The RecoveryWindowInDays %d is invalid. %s", days, v.Rule)
		}
		if sec.Status != apicontract.SecretDisabled {
			return nil, newError(apicontract.CodeFailedOperation, "The secret `%s` is %s: disable it with DisableSecret before it is deleted.", sec.Name, sec.Status)
		}
		clean := p.CleanSSHKey != nil && *p.CleanSSHKey
		kp := s.keyPairOf(sec)
		if clean && kp != nil {
			if apiErr := s.inUse(kp); apiErr != nil {
				return nil, apiErr
			}
		}
		if days > 0 {
			sec.Status = apicontract.SecretPendingDelete
			sec.DeleteAt = now.UTC().Add(time.Duration(days) * 24 * time.Hour)
			sec.CleanKey = clean
			s.changed()
			return map[string]any{"DeleteTime": sec.DeleteAt.Unix()}, nil
		}
		s.st.Secrets = slices.DeleteFunc(s.st.Secrets, func(c *secret) bool { return c == sec })
		if clean && kp != nil {
			s.removeKeyPairsLocked([]*keyPair{kp}, now)
		}
		s.changed()
		return map[string]any{"DeleteTime": now.Unix()}, nil
	})
}

// restoreSecret brings a PendingDelete secret back, Disabled (documented:
// "取消计划删除的凭据将处于Disabled 状态"). Another status is
// FailedOperation (guessed, from the action's list).
func (s *Server) restoreSecret(region string, body []byte) (map[string]any, *apiError) {
	var p secretNameParams
	return s.withSecret(region, body, &p, func() *string { return p.SecretName }, func(sec *secret, _ time.Time) (map[string]any, *apiError) {
		if sec.Status != apicontract.SecretPendingDelete {
			return nil, newError(apicontract.CodeFailedOperation, "The secret `%s` is %s, not PendingDelete: there is nothing to restore.", sec.Name, sec.Status)
		}
		sec.Status = apicontract.SecretDisabled
		sec.DeleteAt = time.Time{}
		sec.CleanKey = false
		s.changed()
		return nil, nil
	})
}

// listSecrets lists the region's secrets.
//
// Documented (page 38646, ListSecretsRequestParams): Offset default 0,
// Limit 0 or absent is 20; OrderType 0 (default) newest first, 1 oldest
// first; State 0 all, 1 Enabled, 2 Disabled, 3 PendingDelete, 4 and 5 only
// for cloud product secrets; SecretType 0 (default) user-defined secrets,
// 2 SSH key pair secrets; SearchSecretName empty is no filter; TagFilters;
// TotalCount counts the secrets that the filters match. Guessed:
// SearchSecretName matches every name that holds it (the official
// provider passes the whole name and takes the first secret answered,
// observed: DescribeSecretById); a TagFilter matches a secret that has
// its key with one of its values, or any value when it lists none, and a
// secret must match every filter; values outside the documented ones are
// InvalidParameterValue; no Limit is too large (the official provider
// asks for 200, observed); ProductName plays no part, as documented for
// SecretType other than 1. Only SSH key pair secrets exist here, so
// SecretType 0, 1 and 3 list nothing, and State 4 and 5 nothing.
func (s *Server) listSecrets(region string, body []byte) (map[string]any, *apiError) {
	var p listSecretsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	value := func(v *uint64) uint64 {
		if v == nil {
			return 0
		}
		return *v
	}
	order, state, secretType := value(p.OrderType), value(p.State), value(p.SecretType)
	switch {
	case order > 1:
		return nil, newError(apicontract.CodeInvalidParameterValue, "OrderType must be 0 or 1, not %d.", order)
	case state > apicontract.SecretStateCreateFailed:
		return nil, newError(apicontract.CodeInvalidParameterValue, "State must be from 0 to 5, not %d.", state)
	case secretType > apicontract.SecretTypeAPIKey:
		return nil, newError(apicontract.CodeInvalidParameterValue, "SecretType must be from 0 to 3, not %d.", secretType)
	}
	filters := map[string][]string{}
	for i, f := range p.TagFilters {
		if f == nil || f.TagKey == nil {
			return nil, missing("TagFilters." + strconv.Itoa(i) + ".TagKey")
		}
		if apiErr := checkTagKeyFilter(*f.TagKey); apiErr != nil {
			return nil, apiErr
		}
		filters[*f.TagKey] = append(filters[*f.TagKey], stringsOf(f.TagValue)...)
	}
	offset, limit := value(p.Offset), value(p.Limit)
	if limit == 0 {
		limit = apicontract.DefaultSecretsLimit
	}
	search := ""
	if p.SearchSecretName != nil {
		search = *p.SearchSecretName
	}
	wantStatus := map[uint64]string{
		apicontract.SecretStateEnabled:       apicontract.SecretEnabled,
		apicontract.SecretStateDisabled:      apicontract.SecretDisabled,
		apicontract.SecretStatePendingDelete: apicontract.SecretPendingDelete,
	}

	s.lockState()
	defer s.mu.Unlock()
	found := []secretMetadataView{}
	if secretType == apicontract.SecretTypeSSHKeyPair && state <= apicontract.SecretStatePendingDelete {
		for _, sec := range s.st.Secrets {
			if sec.Region != region || !strings.Contains(sec.Name, search) ||
				(state != apicontract.SecretStateAll && sec.Status != wantStatus[state]) ||
				!matchTagFilters(sec.Tags, filters) {
				continue
			}
			found = append(found, s.metadata(sec))
		}
	}
	// Creation order is oldest first; the default is newest first.
	if order == 0 {
		slices.Reverse(found)
	}
	// Clamped so that no uint64 overflows an int.
	start, size := int(min(offset, uint64(len(found)))), int(min(limit, uint64(len(found))))
	return map[string]any{"TotalCount": len(found), "SecretMetadatas": pageOf(found, start, size)}, nil
}
