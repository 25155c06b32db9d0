package emulator

import (
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The rules, limits and error codes of the API are apicontract's; these
// are the emulator's own names for values of the model.
const (
	keyPairResourceType = "keypair"
	createdTimeLayout   = "2006-01-02T15:04:05Z"
	stateRunning        = "RUNNING"
	stateStopped        = "STOPPED"
	osLinux             = "LINUX"
	osWindows           = "WINDOWS"
)

// Request parameters. Pointers tell an omitted parameter from a zero one;
// the json names are matched exactly by decodeParams.
type (
	cvmTagParam struct {
		Key   *string `json:"Key"`
		Value *string `json:"Value"`
	}
	tagSpecParam struct {
		ResourceType *string        `json:"ResourceType"`
		Tags         []*cvmTagParam `json:"Tags"`
	}
	createKeyPairParams struct {
		KeyName          *string         `json:"KeyName"`
		ProjectId        *int64          `json:"ProjectId"`
		TagSpecification []*tagSpecParam `json:"TagSpecification"`
	}
	importKeyPairParams struct {
		KeyName          *string         `json:"KeyName"`
		ProjectId        *int64          `json:"ProjectId"`
		PublicKey        *string         `json:"PublicKey"`
		TagSpecification []*tagSpecParam `json:"TagSpecification"`
	}
	filterParam struct {
		Name   *string   `json:"Name"`
		Values []*string `json:"Values"`
	}
	describeKeyPairsParams struct {
		KeyIds  []*string      `json:"KeyIds"`
		Filters []*filterParam `json:"Filters"`
		Offset  *int64         `json:"Offset"`
		Limit   *int64         `json:"Limit"`
	}
	deleteKeyPairsParams struct {
		KeyIds []*string `json:"KeyIds"`
	}
	modifyKeyPairAttributeParams struct {
		KeyId       *string `json:"KeyId"`
		KeyName     *string `json:"KeyName"`
		Description *string `json:"Description"`
	}
	instancesKeyPairsParams struct {
		InstanceIds []*string `json:"InstanceIds"`
		KeyIds      []*string `json:"KeyIds"`
		ForceStop   *bool     `json:"ForceStop"`
	}
)

// keyPairView is a KeyPair object as the API returns it.
type keyPairView struct {
	KeyId                 string
	KeyName               string
	ProjectId             int64
	Description           string
	PublicKey             string
	PrivateKey            string `json:",omitempty"`
	AssociatedInstanceIds []string
	CreatedTime           string
	Tags                  []tagView
}

type tagView struct {
	Key   string
	Value string
}

func (st *state) view(kp *keyPair) keyPairView {
	tags := make([]tagView, 0, len(kp.Tags))
	for _, t := range kp.Tags {
		tags = append(tags, tagView(t))
	}
	return keyPairView{
		KeyId:                 kp.ID,
		KeyName:               kp.Name,
		ProjectId:             kp.ProjectID,
		Description:           kp.Description,
		PublicKey:             kp.PublicKey,
		AssociatedInstanceIds: st.associated(kp),
		CreatedTime:           kp.Created.UTC().Format(createdTimeLayout),
		Tags:                  tags,
	}
}

func (s *Server) createKeyPair(region string, body []byte) (map[string]any, *apiError) {
	var p createKeyPairParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	name, projectID, tags, apiErr := s.checkNewKeyPair(p.KeyName, p.ProjectId, p.TagSpecification, nil)
	if apiErr != nil {
		return nil, apiErr
	}
	// Fail early without spending a key; the checks are repeated under
	// the lock below because another call may have won in between.
	if apiErr := s.checkRoom(region, name); apiErr != nil {
		return nil, apiErr
	}
	priv, err := s.pool.get()
	if err != nil {
		return nil, newError(apicontract.CodeInternalServerError, "The key pair could not be generated.")
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, newError(apicontract.CodeInternalServerError, "The key pair could not be generated.")
	}
	// The material comes from the same rule as an import's, so that an
	// import of this key finds it.
	generated, violation := apicontract.PublicKey(string(ssh.MarshalAuthorizedKey(pub)))
	if violation != nil {
		return nil, newError(apicontract.CodeInternalServerError, "The key pair could not be generated.")
	}
	privatePEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}))

	s.mu.Lock()
	defer s.mu.Unlock()
	if apiErr := s.checkRoomLocked(region, name, ""); apiErr != nil {
		return nil, apiErr
	}
	kp := &keyPair{
		ID:        s.st.newKeyID(),
		Name:      name,
		Region:    region,
		ProjectID: projectID,
		Material:  generated.Material,
		Created:   s.now().UTC(),
		Tags:      tags,
	}
	// The comment of the public key is the key id with an underscore, as
	// on the real service.
	kp.PublicKey = generated.Line + " " + strings.Replace(kp.ID, "-", "_", 1)
	s.st.KeyPairs = append(s.st.KeyPairs, kp)
	s.changed()
	v := s.st.view(kp)
	v.PrivateKey = privatePEM
	return map[string]any{"KeyPair": v}, nil
}

func (s *Server) importKeyPair(region string, body []byte) (map[string]any, *apiError) {
	var p importKeyPairParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	name, projectID, tags, apiErr := s.checkNewKeyPair(p.KeyName, p.ProjectId, p.TagSpecification, &p.PublicKey)
	if apiErr != nil {
		return nil, apiErr
	}
	imported, v := apicontract.PublicKey(*p.PublicKey)
	if v != nil {
		return nil, newError(v.Code, "The public key is invalid. %s", v.Rule)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if apiErr := s.checkRoomLocked(region, name, imported.Material); apiErr != nil {
		return nil, apiErr
	}
	kp := &keyPair{
		ID:        s.st.newKeyID(),
		Name:      name,
		Region:    region,
		ProjectID: projectID,
		PublicKey: imported.Line,
		Material:  imported.Material,
		Created:   s.now().UTC(),
		Tags:      tags,
	}
	s.st.KeyPairs = append(s.st.KeyPairs, kp)
	s.changed()
	return map[string]any{"KeyId": kp.ID}, nil
}

// checkNewKeyPair validates the parameters shared by CreateKeyPair and
// ImportKeyPair. publicKey is nil for CreateKeyPair.
func (s *Server) checkNewKeyPair(keyName *string, projectID *int64, specs []*tagSpecParam, publicKey **string) (string, int64, []tag, *apiError) {
	switch {
	case keyName == nil:
		return "", 0, nil, missing("KeyName")
	case projectID == nil:
		return "", 0, nil, missing("ProjectId")
	case publicKey != nil && *publicKey == nil:
		return "", 0, nil, missing("PublicKey")
	}
	if apiErr := keyNameError(*keyName); apiErr != nil {
		return "", 0, nil, apiErr
	}
	if !s.projects[*projectID] {
		return "", 0, nil, newError(apicontract.CodeProjectNotFound, "The project %d does not exist.", *projectID)
	}
	tags, apiErr := tagsFromSpecs(specs)
	if apiErr != nil {
		return "", 0, nil, apiErr
	}
	return *keyName, *projectID, tags, nil
}

// keyNameError applies the key name rule and words the error.
func keyNameError(name string) *apiError {
	if v := apicontract.KeyName(name); v != nil {
		return newError(v.Code, "The key pair name `%s` is invalid. %s", name, v.Rule)
	}
	return nil
}

// descriptionError applies the description rule and words the error.
func descriptionError(description string) *apiError {
	if v := apicontract.Description(description); v != nil {
		return newError(v.Code, "The Description is invalid. %s", v.Rule)
	}
	return nil
}

// tagsFromSpecs validates the TagSpecification of a create or import. The
// checks are the Tag API's, except that CVM answers reserved keys and too
// many tags with codes of its own.
func tagsFromSpecs(specs []*tagSpecParam) ([]tag, *apiError) {
	tags := []tag{}
	seen := map[string]bool{}
	for i, spec := range specs {
		if spec == nil || spec.ResourceType == nil {
			return nil, missing("TagSpecification." + strconv.Itoa(i) + ".ResourceType")
		}
		if *spec.ResourceType != keyPairResourceType {
			return nil, newError(apicontract.CodeInvalidParameterValue, "TagSpecification.%d.ResourceType must be `keypair`, not `%s`.", i, *spec.ResourceType)
		}
		for _, t := range spec.Tags {
			var key, value string
			if t != nil && t.Key != nil {
				key = *t.Key
			}
			if t != nil && t.Value != nil {
				value = *t.Value
			}
			if apiErr := checkTag(key, value); apiErr != nil {
				if apiErr.Code == apicontract.CodeTagKeyReserved {
					apiErr.Code = apicontract.CodeCVMTagKeyReserved
				}
				return nil, apiErr
			}
			if seen[key] {
				return nil, newError(apicontract.CodeTagKeyDuplicate, "The tag key `%s` is given more than once.", key)
			}
			seen[key] = true
			tags = append(tags, tag{Key: key, Value: value})
		}
	}
	if len(tags) > apicontract.MaxTagsPerResource {
		return nil, newError(apicontract.CodeCVMTagQuota, "A key pair may have at most %d tags, not %d.", apicontract.MaxTagsPerResource, len(tags))
	}
	return tags, nil
}

func (s *Server) checkRoom(region, name string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkRoomLocked(region, name, "")
}

// checkRoomLocked checks that a new key pair fits: the name and the key
// material are unused in the region and the quota is not reached. Quota
// counts per region: the documentation says per account, but key pairs are
// regional and the provider's tests run in several regions.
func (s *Server) checkRoomLocked(region, name, material string) *apiError {
	n := 0
	for _, kp := range s.st.KeyPairs {
		if kp.Region != region {
			continue
		}
		n++
		if kp.Name == name {
			return newError(apicontract.CodeKeyNameDuplicate, "The key pair name `%s` already exists in %s: it is held by %s.", name, region, kp.ID)
		}
		if material != "" && kp.Material == material {
			return newError(apicontract.CodePublicKeyDuplicate, "The public key is already in %s as key pair %s.", region, kp.ID)
		}
	}
	if n >= s.quota {
		return newError(apicontract.CodeKeyPairLimitExceeded, "The region %s already has the maximum of %d key pairs.", region, s.quota)
	}
	return nil
}

func (s *Server) describeKeyPairs(region string, body []byte) (map[string]any, *apiError) {
	var p describeKeyPairsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if len(p.KeyIds) > 0 && len(p.Filters) > 0 {
		return nil, newError(apicontract.CodeInvalidParameter, "KeyIds and Filters cannot be given together.")
	}
	ids, apiErr := keyIDs(p.KeyIds)
	if apiErr != nil {
		return nil, apiErr
	}
	match, apiErr := compileFilters(p.Filters)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, limit := int64(0), int64(apicontract.DefaultDescribeLimit)
	if p.Offset != nil {
		offset = *p.Offset
	}
	if p.Limit != nil && *p.Limit != 0 {
		limit = *p.Limit
	}
	switch {
	case offset < 0:
		return nil, newError(apicontract.CodeInvalidParameterValue, "Offset must not be negative.")
	case limit < 0:
		return nil, newError(apicontract.CodeInvalidParameterValue, "Limit must not be negative.")
	case limit > apicontract.MaxDescribeLimit:
		return nil, newError(apicontract.CodeParameterValueLimitExceeded, "Limit may be at most %d, not %d.", apicontract.MaxDescribeLimit, limit)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*keyPair
	for _, kp := range s.st.KeyPairs {
		if kp.Region != region || (len(ids) > 0 && !slices.Contains(ids, kp.ID)) || !match(kp) {
			continue
		}
		found = append(found, kp)
	}
	set := []keyPairView{}
	for i := offset; i < int64(len(found)) && i < offset+limit; i++ {
		set = append(set, s.st.view(found[i]))
	}
	return map[string]any{"TotalCount": len(found), "KeyPairSet": set}, nil
}

// compileFilters turns Filters into one predicate: a key pair must pass
// every filter, and a filter passes when any of its values matches.
func compileFilters(filters []*filterParam) (func(*keyPair) bool, *apiError) {
	var preds []func(*keyPair) bool
	for i, f := range filters {
		if f == nil || f.Name == nil {
			return nil, missing("Filters." + strconv.Itoa(i) + ".Name")
		}
		name := *f.Name
		if len(f.Values) == 0 {
			return nil, newError(apicontract.CodeInvalidParameterValue, "Filter `%s` needs at least one value.", name)
		}
		values := make([]string, 0, len(f.Values))
		for _, v := range f.Values {
			if v != nil {
				values = append(values, *v)
			}
		}
		var pred func(*keyPair) bool
		switch {
		case name == "key-name":
			pred = func(kp *keyPair) bool { return slices.Contains(values, kp.Name) }
		case name == "project-id":
			var projects []int64
			for _, v := range values {
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, newError(apicontract.CodeInvalidParameterValue, "Filter `project-id` value `%s` is not a project id.", v)
				}
				projects = append(projects, id)
			}
			pred = func(kp *keyPair) bool { return slices.Contains(projects, kp.ProjectID) }
		case name == "tag-key":
			pred = func(kp *keyPair) bool {
				return slices.ContainsFunc(kp.Tags, func(t tag) bool { return slices.Contains(values, t.Key) })
			}
		case name == "tag-value":
			pred = func(kp *keyPair) bool {
				return slices.ContainsFunc(kp.Tags, func(t tag) bool { return slices.Contains(values, t.Value) })
			}
		case strings.HasPrefix(name, "tag:") && len(name) > len("tag:"):
			key := strings.TrimPrefix(name, "tag:")
			pred = func(kp *keyPair) bool {
				return slices.ContainsFunc(kp.Tags, func(t tag) bool { return t.Key == key && slices.Contains(values, t.Value) })
			}
		default:
			return nil, newError(apicontract.CodeInvalidFilter, "The filter `%s` is not supported.", name)
		}
		preds = append(preds, pred)
	}
	return func(kp *keyPair) bool {
		for _, p := range preds {
			if !p(kp) {
				return false
			}
		}
		return true
	}, nil
}

// keyIDs checks a KeyIds list: at most 100 ids, each well formed.
// Duplicates are dropped.
func keyIDs(raw []*string) ([]string, *apiError) {
	return distinctIDs(raw, "key pair", apicontract.KeyPairID)
}

// instanceIDs checks an InstanceIds list as keyIDs checks key ids.
func instanceIDs(raw []*string) ([]string, *apiError) {
	return distinctIDs(raw, "instance", apicontract.InstanceID)
}

// malformedID words the refusal of an id that breaks its form.
func malformedID(kind, id string, v *apicontract.Violation) *apiError {
	return newError(v.Code, "The %s id `%s` is malformed. %s", kind, id, v.Rule)
}

// distinctIDs checks a list of ids: at most 100, each of the form that
// rule checks, duplicates dropped.
func distinctIDs(raw []*string, kind string, rule func(id string) *apicontract.Violation) ([]string, *apiError) {
	if len(raw) > apicontract.MaxIDsPerCall {
		return nil, newError(apicontract.CodeParameterValueLimitExceeded, "At most %d %s ids may be given, not %d.", apicontract.MaxIDsPerCall, kind, len(raw))
	}
	var ids []string
	for _, id := range raw {
		var v string
		if id != nil {
			v = *id
		}
		if violation := rule(v); violation != nil {
			return nil, malformedID(kind, v, violation)
		}
		if !slices.Contains(ids, v) {
			ids = append(ids, v)
		}
	}
	return ids, nil
}

func (s *Server) deleteKeyPairs(region string, body []byte) (map[string]any, *apiError) {
	var p deleteKeyPairsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if len(p.KeyIds) == 0 {
		return nil, missing("KeyIds")
	}
	ids, apiErr := keyIDs(p.KeyIds)
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Every id is checked before anything is deleted: the call is all or
	// nothing.
	for _, id := range ids {
		kp := s.st.keyPair(region, id)
		if kp == nil {
			return nil, newError(apicontract.CodeKeyPairNotFound, "The key pair `%s` does not exist in %s.", id, region)
		}
		if in := s.st.associated(kp); len(in) > 0 {
			return nil, newError(apicontract.CodeKeyPairInUse, "The key pair `%s` is bound to instance %s and cannot be deleted.", id, strings.Join(in, ", "))
		}
	}
	s.st.KeyPairs = slices.DeleteFunc(s.st.KeyPairs, func(kp *keyPair) bool {
		return kp.Region == region && slices.Contains(ids, kp.ID)
	})
	s.changed()
	return nil, nil
}

func (s *Server) modifyKeyPairAttribute(region string, body []byte) (map[string]any, *apiError) {
	var p modifyKeyPairAttributeParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	if p.KeyId == nil {
		return nil, missing("KeyId")
	}
	if v := apicontract.KeyPairID(*p.KeyId); v != nil {
		return nil, malformedID("key pair", *p.KeyId, v)
	}
	if p.KeyName == nil && p.Description == nil {
		return nil, missing("KeyName` or `Description")
	}
	if p.KeyName != nil {
		if apiErr := keyNameError(*p.KeyName); apiErr != nil {
			return nil, apiErr
		}
	}
	if p.Description != nil {
		if apiErr := descriptionError(*p.Description); apiErr != nil {
			return nil, apiErr
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kp := s.st.keyPair(region, *p.KeyId)
	if kp == nil {
		return nil, newError(apicontract.CodeKeyPairNotFound, "The key pair `%s` does not exist in %s.", *p.KeyId, region)
	}
	if p.KeyName != nil {
		for _, other := range s.st.KeyPairs {
			if other.Region == region && other.Name == *p.KeyName && other != kp {
				return nil, newError(apicontract.CodeKeyNameDuplicate, "The key pair name `%s` already exists in %s: it is held by %s.", *p.KeyName, region, other.ID)
			}
		}
		kp.Name = *p.KeyName
	}
	if p.Description != nil {
		kp.Description = *p.Description
	}
	s.changed()
	return nil, nil
}

func (s *Server) associateInstancesKeyPairs(region string, body []byte) (map[string]any, *apiError) {
	return s.bindKeyPairs(region, body, true)
}

func (s *Server) disassociateInstancesKeyPairs(region string, body []byte) (map[string]any, *apiError) {
	return s.bindKeyPairs(region, body, false)
}

// bindKeyPairs associates (bind) or disassociates key pairs and instances.
// Like the real service it changes nothing unless every instance and key
// pair qualifies. Disassociating a key pair that is not bound is a no-op.
func (s *Server) bindKeyPairs(region string, body []byte, bind bool) (map[string]any, *apiError) {
	var p instancesKeyPairsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case len(p.InstanceIds) == 0:
		return nil, missing("InstanceIds")
	case len(p.KeyIds) == 0:
		return nil, missing("KeyIds")
	}
	instances, apiErr := instanceIDs(p.InstanceIds)
	if apiErr != nil {
		return nil, apiErr
	}
	ids, apiErr := keyIDs(p.KeyIds)
	if apiErr != nil {
		return nil, apiErr
	}
	forceStop := p.ForceStop != nil && *p.ForceStop

	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []*instance
	for _, id := range instances {
		in := s.st.Instances[id]
		if in == nil || in.Region != region {
			return nil, newError(apicontract.CodeInstanceNotFound, "The instance `%s` does not exist in %s.", id, region)
		}
		targets = append(targets, in)
	}
	for _, id := range ids {
		if s.st.keyPair(region, id) == nil {
			return nil, newError(apicontract.CodeKeyPairNotFound, "The key pair `%s` does not exist in %s.", id, region)
		}
	}
	for _, in := range targets {
		if in.OsType == osWindows {
			return nil, newError(apicontract.CodeInstanceWindows, "The instance `%s` runs Windows, which does not support key pairs.", in.ID)
		}
		if in.State == stateRunning && !forceStop {
			return nil, newError(apicontract.CodeInstanceRunning, "The instance `%s` is running: stop it first or set ForceStop.", in.ID)
		}
	}
	for _, in := range targets {
		// A forced stop leaves the instance stopped, as on the real
		// service.
		in.State = stateStopped
		for _, id := range ids {
			if bind && !slices.Contains(in.KeyIDs, id) {
				in.KeyIDs = append(in.KeyIDs, id)
			}
			if !bind {
				in.KeyIDs = slices.DeleteFunc(in.KeyIDs, func(k string) bool { return k == id })
			}
		}
	}
	s.changed()
	return nil, nil
}
