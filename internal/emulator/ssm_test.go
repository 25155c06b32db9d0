package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// The SSM SDK module is not served here: these tests call SSM as any
// client would, through the common client, with request and answer types
// of their own. The answer types are decoded strictly, so that they pin
// the wire shape that the client and the provider are written against.
type (
	ssmTag struct {
		TagKey   string
		TagValue string
	}
	ssmTagFilter struct {
		TagKey   string
		TagValue []string `json:",omitempty"`
	}
	createSecretIn struct {
		SecretName  string
		ProjectId   int64
		Description string   `json:",omitempty"`
		KmsKeyId    string   `json:",omitempty"`
		Tags        []ssmTag `json:",omitempty"`
		SSHKeyName  string   `json:",omitempty"`
	}
	createSecretOut struct {
		SecretName, SSHKeyID, SSHKeyName string
		TagCode                          uint64
		TagMsg                           string
	}
	keyPairValueOut struct {
		SSHKeyID, PublicKey, PrivateKey string
		ProjectID                       int64
		SSHKeyDescription, SSHKeyName   string
	}
	describeSecretOut struct {
		SecretName, Description, KmsKeyId string
		CreateUin                         uint64
		Status                            string
		DeleteTime, CreateTime            uint64
		SecretType                        int64
		ProductName, ResourceID           string
		RotationStatus                    bool
		RotationFrequency                 int64
		ResourceName                      string
		ProjectID                         int64
		AssociatedInstanceIDs             []string
		TargetUin                         uint64
		AdditionalConfig                  string
	}
	secretMetadataOut struct {
		SecretName, Description, KmsKeyId string
		CreateUin                         uint64
		Status                            string
		DeleteTime, CreateTime            uint64
		KmsKeyType                        string
		RotationStatus                    int64
		NextRotationTime                  uint64
		SecretType                        int64
		ProductName, ResourceName         string
		ProjectID                         int64
		AssociatedInstanceIDs             []string
		TargetUin                         uint64
		RotationFrequency                 int64
		ResourceID, RotationBeginTime     string
	}
	listSecretsIn struct {
		Offset           *uint64        `json:",omitempty"`
		Limit            *uint64        `json:",omitempty"`
		OrderType        *uint64        `json:",omitempty"`
		State            *uint64        `json:",omitempty"`
		SearchSecretName string         `json:",omitempty"`
		TagFilters       []ssmTagFilter `json:",omitempty"`
		SecretType       *uint64        `json:",omitempty"`
	}
	listSecretsOut struct {
		TotalCount      uint64
		SecretMetadatas []secretMetadataOut
	}
	secretNameOut   struct{ SecretName string }
	deleteSecretOut struct {
		SecretName string
		DeleteTime int64
	}
)

// ssmCall calls an SSM action with params (marshalled to JSON) and, on
// success, decodes the answer's Response into out strictly: a field that
// out does not name fails the test. out nil skips decoding.
func (e *testEnv) ssmCall(region, action string, params, out any) error {
	e.t.Helper()
	c := common.NewCommonClient(common.NewCredential(DemoSecretID, DemoSecretKey), region, e.profile())
	e.sdkClient(c)
	req := tchttp.NewCommonRequest("ssm", "2019-09-23", action)
	body, err := json.Marshal(params)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := req.SetActionParameters(body); err != nil {
		e.t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	var envelope struct{ Response json.RawMessage }
	if err := json.Unmarshal(resp.GetBody(), &envelope); err != nil {
		e.t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(envelope.Response, &fields); err != nil {
		e.t.Fatal(err)
	}
	delete(fields, "RequestId")
	rest, err := json.Marshal(fields)
	if err != nil {
		e.t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		e.t.Fatalf("%s answer %s: %v", action, envelope.Response, err)
	}
	return nil
}

// mustSSM is ssmCall that fails the test on an API error.
func (e *testEnv) mustSSM(region, action string, params, out any) {
	e.t.Helper()
	if err := e.ssmCall(region, action, params, out); err != nil {
		e.t.Fatalf("%s: %v", action, err)
	}
}

func (e *testEnv) createSecret(region string, in createSecretIn) createSecretOut {
	e.t.Helper()
	var out createSecretOut
	e.mustSSM(region, "CreateSSHKeyPairSecret", in, &out)
	return out
}

func (e *testEnv) describeSecret(region, name string) (describeSecretOut, error) {
	e.t.Helper()
	var out describeSecretOut
	err := e.ssmCall(region, "DescribeSecret", map[string]string{"SecretName": name}, &out)
	return out, err
}

// listSecrets lists the secrets of testRegion.
func (e *testEnv) listSecrets(in listSecretsIn) listSecretsOut {
	e.t.Helper()
	var out listSecretsOut
	e.mustSSM(testRegion, "ListSecrets", in, &out)
	return out
}

func byName(name string) map[string]any { return map[string]any{"SecretName": name} }

// TestSSMLifecycle walks one SSH key pair secret from create to delete:
// the key pair in CVM, its value, the secret's attributes, the statuses
// and the documented order of disable before delete.
func TestSSMLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Projects: []int64{7}})
	created := e.createSecret(testRegion, createSecretIn{
		SecretName: "deploy-key_1", ProjectId: 7, Description: "for deploys",
		Tags: []ssmTag{{"team", "infra"}}, SSHKeyName: "deploy_key",
	})
	if created.SecretName != "deploy-key_1" || created.SSHKeyName != "deploy_key" || created.TagCode != 0 || created.TagMsg != "" ||
		!strings.HasPrefix(created.SSHKeyID, "skey-") {
		t.Fatalf("create = %+v", created)
	}

	// The key pair is a CVM key pair: listed, in the project, untagged
	// (the tags are the secret's).
	kps := e.describe(testRegion, created.SSHKeyID)
	if len(kps) != 1 || *kps[0].KeyName != "deploy_key" || *kps[0].ProjectId != 7 || len(kps[0].Tags) != 0 {
		t.Fatalf("DescribeKeyPairs = %+v", kps)
	}

	// Its value, by name and by key id: base64 of the OpenSSH public key
	// and of the PEM private key that goes with it.
	for _, in := range []map[string]any{byName("deploy-key_1"), {"SSHKeyId": created.SSHKeyID}, {"SecretName": "deploy-key_1", "SSHKeyId": created.SSHKeyID}} {
		var v keyPairValueOut
		e.mustSSM(testRegion, "GetSSHKeyPairValue", in, &v)
		pub, err := base64.StdEncoding.DecodeString(v.PublicKey)
		if err != nil || string(pub) != *kps[0].PublicKey {
			t.Fatalf("PublicKey %q = %q, want base64 of %q", v.PublicKey, pub, *kps[0].PublicKey)
		}
		priv, err := base64.StdEncoding.DecodeString(v.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := ssh.ParsePrivateKey(priv)
		if err != nil {
			t.Fatalf("private key: %v", err)
		}
		if !strings.HasPrefix(*kps[0].PublicKey, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))) {
			t.Fatal("the private key does not match the public key")
		}
		if v.SSHKeyID != created.SSHKeyID || v.SSHKeyName != "deploy_key" || v.ProjectID != 7 || v.SSHKeyDescription != "" {
			t.Fatalf("GetSSHKeyPairValue = %+v", v)
		}
	}

	d, err := e.describeSecret(testRegion, "deploy-key_1")
	if err != nil {
		t.Fatal(err)
	}
	if d.SecretName != "deploy-key_1" || d.Description != "for deploys" || d.KmsKeyId != defaultKmsKeyID || d.CreateUin != demoUinNumber ||
		d.Status != "Enabled" || d.DeleteTime != 0 || d.CreateTime == 0 || d.SecretType != 2 || d.ResourceName != "deploy_key" ||
		d.ResourceID != created.SSHKeyID || d.ProjectID != 7 || len(d.AssociatedInstanceIDs) != 0 {
		t.Fatalf("DescribeSecret = %+v", d)
	}

	// Renamed on the CVM side, the key pair shows its new name in SSM.
	mod := cvm.NewModifyKeyPairAttributeRequest()
	mod.KeyId, mod.KeyName, mod.Description = ptr(created.SSHKeyID), ptr("renamed"), ptr("cvm side")
	if _, err := e.cvm(testRegion).ModifyKeyPairAttribute(mod); err != nil {
		t.Fatal(err)
	}
	var v keyPairValueOut
	e.mustSSM(testRegion, "GetSSHKeyPairValue", byName("deploy-key_1"), &v)
	if v.SSHKeyName != "renamed" || v.SSHKeyDescription != "cvm side" {
		t.Fatalf("after a CVM rename: %+v", v)
	}

	var named secretNameOut
	e.mustSSM(testRegion, "UpdateDescription", map[string]any{"SecretName": "deploy-key_1", "Description": "new"}, &named)
	if d, _ := e.describeSecret(testRegion, "deploy-key_1"); d.Description != "new" || named.SecretName != "deploy-key_1" {
		t.Fatalf("after UpdateDescription: %+v, %+v", d, named)
	}

	// An Enabled secret cannot be deleted: disable it first.
	wantCode(t, e.ssmCall(testRegion, "DeleteSecret", byName("deploy-key_1"), nil), "FailedOperation")
	e.mustSSM(testRegion, "DisableSecret", byName("deploy-key_1"), &named)
	e.mustSSM(testRegion, "DisableSecret", byName("deploy-key_1"), &named) // again: no change
	// A Disabled secret answers its key pair, not its private key.
	var disabled keyPairValueOut
	e.mustSSM(testRegion, "GetSSHKeyPairValue", byName("deploy-key_1"), &disabled)
	if disabled.SSHKeyID != v.SSHKeyID || disabled.PublicKey == "" || disabled.PrivateKey != "" {
		t.Fatalf("GetSSHKeyPairValue of a Disabled secret = %+v: want its key id and public key, no private key", disabled)
	}
	e.mustSSM(testRegion, "EnableSecret", byName("deploy-key_1"), &named)
	e.mustSSM(testRegion, "GetSSHKeyPairValue", byName("deploy-key_1"), &v)
	if v.PrivateKey == "" {
		t.Fatal("GetSSHKeyPairValue of an Enabled secret answered no private key")
	}
	e.mustSSM(testRegion, "DisableSecret", byName("deploy-key_1"), &named)

	var del deleteSecretOut
	e.mustSSM(testRegion, "DeleteSecret", byName("deploy-key_1"), &del)
	if del.SecretName != "deploy-key_1" || del.DeleteTime == 0 {
		t.Fatalf("DeleteSecret = %+v", del)
	}
	_, err = e.describeSecret(testRegion, "deploy-key_1")
	wantCode(t, err, "ResourceNotFound")
	// Without CleanSSHKey the key pair stays in CVM.
	if len(e.describe(testRegion, created.SSHKeyID)) != 1 {
		t.Fatal("the key pair went with the secret without CleanSSHKey")
	}
	// The name is free again.
	e.createSecret(testRegion, createSecretIn{SecretName: "deploy-key_1", ProjectId: 0})

	st := e.stats()
	for action, n := range map[string]int{"CreateSSHKeyPairSecret": 2, "GetSSHKeyPairValue": 6, "DescribeSecret": 3, "DisableSecret": 3, "DeleteSecret": 2} {
		if st.Calls[action] != n {
			t.Errorf("calls of %s = %d, want %d (%v)", action, st.Calls[action], n, st.Calls)
		}
	}
}

func TestSSMCreateErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	e.create(testRegion, "taken")
	e.createSecret(testRegion, createSecretIn{SecretName: "exists", ProjectId: 0})
	tests := []struct {
		name   string
		params any
		code   string
	}{
		{"no SecretName", map[string]any{"ProjectId": 0}, "MissingParameter"},
		{"no ProjectId", map[string]any{"SecretName": "a"}, "MissingParameter"},
		{"unknown parameter", map[string]any{"SecretName": "a", "ProjectId": 0, "KeyName": "x"}, "UnknownParameter"},
		{"name with a dot", createSecretIn{SecretName: "a.b"}, "InvalidParameterValue"},
		{"name starting with a hyphen", createSecretIn{SecretName: "-a"}, "InvalidParameterValue"},
		{"name of 129 bytes", createSecretIn{SecretName: strings.Repeat("a", 129)}, "InvalidParameterValue"},
		{"description of 2049 bytes", createSecretIn{SecretName: "a", Description: strings.Repeat("d", 2049)}, "InvalidParameterValue"},
		{"key name with a dash", createSecretIn{SecretName: "a", SSHKeyName: "a-b"}, "InvalidKeyPairNameIncludeIllegalChar"},
		{"key name starting with an underscore", createSecretIn{SecretName: "a", SSHKeyName: "_a"}, "InvalidKeyPairNameIncludeIllegalChar"},
		{"key name too long", createSecretIn{SecretName: "a", SSHKeyName: strings.Repeat("k", 26)}, "InvalidKeyPairNameTooLong"},
		{"key name taken in CVM", createSecretIn{SecretName: "a", SSHKeyName: "taken"}, "InvalidKeyPairName.Duplicate"},
		{"secret name taken", createSecretIn{SecretName: "exists"}, "ResourceInUse.SecretExists"},
		{"unknown project", createSecretIn{SecretName: "a", ProjectId: 42}, "InvalidProjectId.NotFound"},
		{"tag key twice", createSecretIn{SecretName: "a", Tags: []ssmTag{{"k", "1"}, {"k", "2"}}}, "InvalidParameterValue.TagKeysDuplicated"},
		{"reserved tag key", createSecretIn{SecretName: "a", Tags: []ssmTag{{"qcs:x", "1"}}}, "InvalidParameter.ReservedTagKey"},
		{"empty tag value", createSecretIn{SecretName: "a", Tags: []ssmTag{{"k", ""}}}, "InvalidParameterValue.TagValueEmpty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantCode(t, e.ssmCall(testRegion, "CreateSSHKeyPairSecret", tt.params, nil), tt.code)
		})
	}
	// The same name is free in another region (names are unique per
	// region); without SSHKeyName the key pair gets a generated name.
	out := e.createSecret("ap-shanghai", createSecretIn{SecretName: "exists", ProjectId: 0})
	if want := "ssm_" + strings.TrimPrefix(out.SSHKeyID, "skey-"); out.SSHKeyName != want {
		t.Fatalf("generated key name = %q, want %q", out.SSHKeyName, want)
	}
	if kps := e.describe("ap-shanghai", out.SSHKeyID); len(kps) != 1 || *kps[0].KeyName != out.SSHKeyName {
		t.Fatalf("DescribeKeyPairs = %+v", kps)
	}
	// A refused call made no key pair: only "taken" and the two secrets'.
	if n := len(e.describe(testRegion)); n != 3 {
		t.Fatalf("%d key pairs in the account, want 3", n)
	}
}

// TestSSMActionErrors covers the documented and guessed refusals of the
// actions other than CreateSSHKeyPairSecret.
func TestSSMActionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	out := e.createSecret(testRegion, createSecretIn{SecretName: "s1", ProjectId: 0})
	other := e.createSecret(testRegion, createSecretIn{SecretName: "s2", ProjectId: 0})
	plain := e.create(testRegion, "plain")
	tests := []struct {
		action string
		params any
		code   string
	}{
		{"DescribeSecret", map[string]any{}, "MissingParameter"},
		{"DescribeSecret", byName("nope"), "ResourceNotFound"},
		{"GetSSHKeyPairValue", map[string]any{}, "MissingParameter"},
		{"GetSSHKeyPairValue", byName("nope"), "ResourceNotFound"},
		{"GetSSHKeyPairValue", map[string]any{"SSHKeyId": "bad"}, "InvalidParameterValue"},
		{"GetSSHKeyPairValue", map[string]any{"SSHKeyId": *plain.KeyId}, "ResourceNotFound"},
		{"GetSSHKeyPairValue", map[string]any{"SecretName": "s1", "SSHKeyId": other.SSHKeyID}, "InvalidParameterValue"},
		{"UpdateDescription", byName("s1"), "MissingParameter"},
		{"UpdateDescription", map[string]any{"SecretName": "s1", "Description": strings.Repeat("d", 2049)}, "InvalidParameterValue"},
		{"UpdateDescription", map[string]any{"SecretName": "nope", "Description": ""}, "ResourceNotFound"},
		{"EnableSecret", byName("nope"), "ResourceNotFound"},
		{"DisableSecret", map[string]any{}, "MissingParameter"},
		{"DeleteSecret", byName("nope"), "ResourceNotFound"},
		{"DeleteSecret", map[string]any{"SecretName": "s1", "RecoveryWindowInDays": 7}, "InvalidParameterValue"},
		{"DeleteSecret", map[string]any{"SecretName": "s1", "RecoveryWindowInDays": 31}, "InvalidParameterValue"},
		{"DeleteSecret", byName("s1"), "FailedOperation"},
		{"RestoreSecret", byName("s1"), "FailedOperation"},
		{"RestoreSecret", byName("nope"), "ResourceNotFound"},
		{"ListSecrets", map[string]any{"OrderType": 2}, "InvalidParameterValue"},
		{"ListSecrets", map[string]any{"State": 6}, "InvalidParameterValue"},
		{"ListSecrets", map[string]any{"SecretType": 4}, "InvalidParameterValue"},
		{"ListSecrets", map[string]any{"TagFilters": []any{map[string]any{"TagValue": []string{"x"}}}}, "MissingParameter"},
		{"ListSecrets", map[string]any{"Nope": 1}, "UnknownParameter"},
	}
	for _, tt := range tests {
		wantCodeOf(t, tt.action, e.ssmCall(testRegion, tt.action, tt.params, nil), tt.code)
	}
	// A secret is regional: another region does not find it.
	_, err := e.describeSecret("ap-shanghai", "s1")
	wantCode(t, err, "ResourceNotFound")
	// SSM needs a region, and speaks only its version.
	c := common.NewCommonClient(common.NewCredential(DemoSecretID, DemoSecretKey), "", e.profile())
	wantCode(t, c.Send(tchttp.NewCommonRequest("ssm", "2019-09-23", "ListSecrets"), tchttp.NewCommonResponse()), "MissingParameter")
	c = common.NewCommonClient(common.NewCredential(DemoSecretID, DemoSecretKey), testRegion, e.profile())
	wantCode(t, c.Send(tchttp.NewCommonRequest("ssm", "2018-01-01", "ListSecrets"), tchttp.NewCommonResponse()), "NoSuchVersion")
	wantCode(t, c.Send(tchttp.NewCommonRequest("ssm", "2019-09-23", "GetSecretValue"), tchttp.NewCommonResponse()), "InvalidAction")
	// Nothing refused changed the secret.
	if d, _ := e.describeSecret(testRegion, "s1"); d.Status != "Enabled" || d.Description != "" || d.ResourceID != out.SSHKeyID {
		t.Fatalf("s1 = %+v", d)
	}
}

func wantCodeOf(t *testing.T, action string, err error, code string) {
	t.Helper()
	if got := errCode(err); got != code {
		t.Errorf("%s: code %q, want %q (%v)", action, got, code, err)
	}
}

// TestSSMCleanSSHKey: CleanSSHKey deletes the CVM key pair with the
// secret, and fails, changing nothing, while an instance holds it.
func TestSSMCleanSSHKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	bound := e.createSecret(testRegion, createSecretIn{SecretName: "bound", ProjectId: 0})
	free := e.createSecret(testRegion, createSecretIn{SecretName: "free", ProjectId: 0})
	in := map[string]any{"InstanceId": "ins-0000ssm1", "Region": testRegion, "State": "STOPPED", "KeyIds": []string{bound.SSHKeyID}}
	if code := e.control(http.MethodPost, "/_emulator/instances", in, nil); code != http.StatusOK {
		t.Fatalf("add instance: HTTP %d", code)
	}
	if d, _ := e.describeSecret(testRegion, "bound"); len(d.AssociatedInstanceIDs) != 1 || d.AssociatedInstanceIDs[0] != "ins-0000ssm1" {
		t.Fatalf("AssociatedInstanceIDs = %v", d.AssociatedInstanceIDs)
	}
	clean := func(name string) map[string]any { return map[string]any{"SecretName": name, "CleanSSHKey": true} }
	for _, name := range []string{"bound", "free"} {
		e.mustSSM(testRegion, "DisableSecret", byName(name), nil)
	}
	wantCode(t, e.ssmCall(testRegion, "DeleteSecret", clean("bound"), nil), "InvalidParameterValue.KeyPairNotSupported")
	if _, err := e.describeSecret(testRegion, "bound"); err != nil {
		t.Fatalf("the refused delete deleted the secret: %v", err)
	}
	if len(e.describe(testRegion, bound.SSHKeyID)) != 1 {
		t.Fatal("the refused delete deleted the key pair")
	}
	e.mustSSM(testRegion, "DeleteSecret", clean("free"), nil)
	if kps := e.describe(testRegion, free.SSHKeyID); len(kps) != 0 {
		t.Fatalf("CleanSSHKey left the key pair: %+v", kps)
	}
}

// TestSSMKeyPairDeletedInCVM: DeleteKeyPairs deletes a key pair that a
// secret holds, as any other (guessed); the secret still answers its key,
// with the name it was made with.
func TestSSMKeyPairDeletedInCVM(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	out := e.createSecret(testRegion, createSecretIn{SecretName: "s", ProjectId: 0, SSHKeyName: "k1"})
	del := cvm.NewDeleteKeyPairsRequest()
	del.KeyIds = ptrs(out.SSHKeyID)
	if _, err := e.cvm(testRegion).DeleteKeyPairs(del); err != nil {
		t.Fatal(err)
	}
	var v keyPairValueOut
	e.mustSSM(testRegion, "GetSSHKeyPairValue", byName("s"), &v)
	if v.SSHKeyID != out.SSHKeyID || v.SSHKeyName != "k1" || v.PrivateKey == "" {
		t.Fatalf("GetSSHKeyPairValue = %+v", v)
	}
	// CleanSSHKey of a key pair already gone is no failure.
	e.mustSSM(testRegion, "DisableSecret", byName("s"), nil)
	e.mustSSM(testRegion, "DeleteSecret", map[string]any{"SecretName": "s", "CleanSSHKey": true}, nil)
}

// TestSSMRecoveryWindow: with Config.SSMRecoveryWindow, a scheduled
// delete makes the secret PendingDelete until its DeleteTime, RestoreSecret
// brings it back Disabled, and at DeleteTime it goes, with its key pair
// when CleanSSHKey asked for it.
func TestSSMRecoveryWindow(t *testing.T) {
	t.Parallel()
	base := time.Now().Truncate(time.Second)
	var offset atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(offset.Load())) }
	e := newEnv(t, Config{Now: now, SSMRecoveryWindow: true})
	out := e.createSecret(testRegion, createSecretIn{SecretName: "s", ProjectId: 0})
	e.mustSSM(testRegion, "DisableSecret", byName("s"), nil)
	wantCode(t, e.ssmCall(testRegion, "DeleteSecret", map[string]any{"SecretName": "s", "RecoveryWindowInDays": 31}, nil), "InvalidParameterValue")

	var del deleteSecretOut
	e.mustSSM(testRegion, "DeleteSecret", map[string]any{"SecretName": "s", "RecoveryWindowInDays": 7}, &del)
	if want := base.Add(7 * 24 * time.Hour).Unix(); del.DeleteTime != want {
		t.Fatalf("DeleteTime = %d, want %d", del.DeleteTime, want)
	}
	d, _ := e.describeSecret(testRegion, "s")
	if d.Status != "PendingDelete" || d.DeleteTime != uint64(del.DeleteTime) {
		t.Fatalf("DescribeSecret = %+v", d)
	}
	for _, call := range []struct {
		action string
		params any
	}{
		{"EnableSecret", byName("s")},
		{"DisableSecret", byName("s")},
		{"UpdateDescription", map[string]any{"SecretName": "s", "Description": "x"}},
		{"DeleteSecret", byName("s")},
	} {
		wantCodeOf(t, call.action, e.ssmCall(testRegion, call.action, call.params, nil), "FailedOperation")
	}
	wantCode(t, e.ssmCall(testRegion, "GetSSHKeyPairValue", byName("s"), nil), "ResourceUnavailable")
	wantCode(t, e.ssmCall(testRegion, "CreateSSHKeyPairSecret", createSecretIn{SecretName: "s"}, nil), "ResourceInUse.SecretExists")
	pending := uint64(3)
	if l := e.listSecrets(listSecretsIn{State: &pending, SecretType: ptr(uint64(2))}); l.TotalCount != 1 {
		t.Fatalf("PendingDelete secrets: %+v", l)
	}

	e.mustSSM(testRegion, "RestoreSecret", byName("s"), nil)
	if d, _ := e.describeSecret(testRegion, "s"); d.Status != "Disabled" || d.DeleteTime != 0 {
		t.Fatalf("after RestoreSecret: %+v", d)
	}

	e.mustSSM(testRegion, "DeleteSecret", map[string]any{"SecretName": "s", "RecoveryWindowInDays": 1, "CleanSSHKey": true}, nil)
	// A day later signatures made now would be too old: the handlers are
	// called directly, at the emulator's clock.
	direct := func(action string) *apiError {
		h, apiErr := route("ssm", "2019-09-23", action)
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		_, apiErr = h(e.srv, testRegion, []byte(`{"SecretName":"s"}`))
		return apiErr
	}
	offset.Store(int64(24*time.Hour - time.Second))
	if apiErr := direct("DescribeSecret"); apiErr != nil {
		t.Fatalf("a second before its DeleteTime: %v", apiErr)
	}
	offset.Store(int64(24 * time.Hour))
	if apiErr := direct("DescribeSecret"); apiErr == nil || apiErr.Code != "ResourceNotFound" {
		t.Fatalf("at its DeleteTime: %v, want ResourceNotFound", apiErr)
	}
	e.srv.mu.Lock()
	kp := e.srv.findKeyPair(testRegion, out.SSHKeyID)
	e.srv.mu.Unlock()
	if kp != nil {
		t.Fatal("the key pair outlived its secret despite CleanSSHKey")
	}
}

func TestSSMListSecrets(t *testing.T) {
	t.Parallel()
	base := time.Now().Truncate(time.Second)
	var offset atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(offset.Load()) * time.Second) }
	e := newEnv(t, Config{Now: now})
	for i, name := range []string{"app-a", "app-b", "db-a"} {
		offset.Store(int64(i))
		e.createSecret(testRegion, createSecretIn{SecretName: name, ProjectId: 0, Tags: []ssmTag{{"env", []string{"prod", "dev", "prod"}[i]}}})
	}
	e.createSecret("ap-shanghai", createSecretIn{SecretName: "app-c", ProjectId: 0})
	e.mustSSM(testRegion, "DisableSecret", byName("app-b"), nil)
	ssh := ptr(uint64(2))
	names := func(l listSecretsOut) string {
		var out []string
		for _, m := range l.SecretMetadatas {
			out = append(out, m.SecretName)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name  string
		in    listSecretsIn
		want  string
		total uint64
	}{
		{"default type lists user-defined secrets only", listSecretsIn{}, "", 0},
		{"SSH key pair secrets, newest first", listSecretsIn{SecretType: ssh}, "db-a,app-b,app-a", 3},
		{"oldest first", listSecretsIn{SecretType: ssh, OrderType: ptr(uint64(1))}, "app-a,app-b,db-a", 3},
		{"a page", listSecretsIn{SecretType: ssh, Offset: ptr(uint64(1)), Limit: ptr(uint64(1))}, "app-b", 3},
		{"past the end", listSecretsIn{SecretType: ssh, Offset: ptr(uint64(10))}, "", 3},
		{"part of a name", listSecretsIn{SecretType: ssh, SearchSecretName: "app"}, "app-b,app-a", 2},
		{"Enabled", listSecretsIn{SecretType: ssh, State: ptr(uint64(1))}, "db-a,app-a", 2},
		{"Disabled", listSecretsIn{SecretType: ssh, State: ptr(uint64(2))}, "app-b", 1},
		{"PendingCreate is for product secrets", listSecretsIn{SecretType: ssh, State: ptr(uint64(4))}, "", 0},
		{"a tag value", listSecretsIn{SecretType: ssh, TagFilters: []ssmTagFilter{{"env", []string{"prod"}}}}, "db-a,app-a", 2},
		{"a tag key", listSecretsIn{SecretType: ssh, TagFilters: []ssmTagFilter{{TagKey: "env"}}}, "db-a,app-b,app-a", 3},
		{"a tag nobody has", listSecretsIn{SecretType: ssh, TagFilters: []ssmTagFilter{{"env", []string{"qa"}}}}, "", 0},
	}
	for _, tt := range tests {
		l := e.listSecrets(tt.in)
		if names(l) != tt.want || l.TotalCount != tt.total {
			t.Errorf("%s: %s (total %d), want %s (total %d)", tt.name, names(l), l.TotalCount, tt.want, tt.total)
		}
	}
	l := e.listSecrets(listSecretsIn{SecretType: ssh, SearchSecretName: "db-a"})
	m := l.SecretMetadatas[0]
	if m.KmsKeyType != "DEFAULT" || m.SecretType != 2 || m.CreateTime != uint64(base.Add(2*time.Second).Unix()) || m.ResourceName == "" || m.ResourceID == "" {
		t.Fatalf("SecretMetadata = %+v", m)
	}
	e.createSecret(testRegion, createSecretIn{SecretName: "own-cmk", ProjectId: 0, KmsKeyId: "my-key"})
	if l := e.listSecrets(listSecretsIn{SecretType: ssh, SearchSecretName: "own-cmk"}); l.SecretMetadatas[0].KmsKeyType != "CUSTOMER" || l.SecretMetadatas[0].KmsKeyId != "my-key" {
		t.Fatalf("own CMK: %+v", l.SecretMetadatas[0])
	}
}

// TestSSMTags: a secret's tags are in the shared tag store, under its ssm
// resource name, where the Tag API reads and writes them as the official
// provider does; its key pair is an ordinary key pair there.
func TestSSMTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	out := e.createSecret(testRegion, createSecretIn{SecretName: "tagged", ProjectId: 0, Tags: []ssmTag{{"team", "infra"}}})
	secretID := "creatorUin/" + DemoUin + "/tagged"
	secretName := "qcs::ssm:" + testRegion + ":uin/" + DemoUin + ":secret/" + secretID
	tc := e.tag(testRegion)

	get := tagsdk.NewGetResourcesRequest()
	get.TagFilters = []*tagsdk.TagFilter{{TagKey: ptr("team"), TagValue: ptrs("infra")}}
	res, err := tc.GetResources(get)
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Response.ResourceTagMappingList; len(l) != 1 || *l[0].Resource != secretName {
		t.Fatalf("GetResources = %s", res.ToJsonString())
	}

	// The official provider's write and read of a secret's tags.
	mod := tagsdk.NewModifyResourceTagsRequest()
	mod.Resource = ptr("qcs::ssm:" + testRegion + ":uin/:secret/" + secretID)
	mod.ReplaceTags = []*tagsdk.Tag{{TagKey: ptr("env"), TagValue: ptr("prod")}}
	mod.DeleteTags = []*tagsdk.TagKeyObject{{TagKey: ptr("team")}}
	if _, err := tc.ModifyResourceTags(mod); err != nil {
		t.Fatal(err)
	}
	byIDs := tagsdk.NewDescribeResourceTagsByResourceIdsRequest()
	byIDs.ServiceType, byIDs.ResourcePrefix, byIDs.ResourceRegion = ptr("ssm"), ptr("secret"), ptr(testRegion)
	byIDs.ResourceIds = ptrs(secretID)
	rows, err := tc.DescribeResourceTagsByResourceIds(byIDs)
	if err != nil {
		t.Fatal(err)
	}
	if r := rows.Response.Tags; len(r) != 1 || *r[0].TagKey != "env" || *r[0].TagValue != "prod" || *r[0].ResourceId != secretID || *r[0].ServiceType != "ssm" {
		t.Fatalf("DescribeResourceTagsByResourceIds = %s", rows.ToJsonString())
	}
	if l := e.listSecrets(listSecretsIn{SecretType: ptr(uint64(2)), TagFilters: []ssmTagFilter{{"env", []string{"prod"}}}}); l.TotalCount != 1 {
		t.Fatalf("ListSecrets by the new tag: %+v", l)
	}

	// A name of another account, or not of a secret, is refused.
	mod.Resource = ptr("qcs::ssm:" + testRegion + ":uin/:secret/creatorUin/999/tagged")
	_, err = tc.ModifyResourceTags(mod)
	wantCode(t, err, "InvalidParameterValue.UinInvalid")
	mod.Resource = ptr("qcs::ssm:" + testRegion + ":uin/:secret/tagged")
	_, err = tc.ModifyResourceTags(mod)
	wantCode(t, err, "InvalidParameterValue.ResourceDescriptionError")
	mod.Resource = ptr("qcs::ssm:" + testRegion + ":uin/:secret/creatorUin/" + DemoUin + "/nope")
	_, err = tc.ModifyResourceTags(mod)
	wantCode(t, err, "ResourceNotFound")

	// The key pair is tagged like any other, and shows it in CVM.
	mod.Resource = ptr("qcs::cvm:" + testRegion + ":uin/:keypair/" + out.SSHKeyID)
	if _, err := tc.ModifyResourceTags(mod); err != nil {
		t.Fatal(err)
	}
	if kps := e.describe(testRegion, out.SSHKeyID); len(kps) != 1 || len(kps[0].Tags) != 1 || *kps[0].Tags[0].Key != "env" {
		t.Fatalf("DescribeKeyPairs = %+v", kps)
	}
	// Deleted, the secret leaves the tag store.
	e.mustSSM(testRegion, "DisableSecret", byName("tagged"), nil)
	e.mustSSM(testRegion, "DeleteSecret", byName("tagged"), nil)
	if rows, err := tc.DescribeResourceTagsByResourceIds(byIDs); err != nil || len(rows.Response.Tags) != 0 {
		t.Fatalf("after delete: %v, %v", rows, err)
	}
}

// TestSSMStateFile: the state file holds no private key in plain text;
// the sealing key lives beside it, and a restart with both answers the
// same private key. Without the key file the key cannot be read.
func TestSSMStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	cfg := Config{KeyBits: 1024, StateFile: path}
	srv, url := NewTestServer(t, cfg)
	e := &testEnv{t: t, srv: srv, url: url, host: strings.TrimPrefix(url, "http://")}
	e.createSecret(testRegion, createSecretIn{SecretName: "kept", ProjectId: 0})
	var before keyPairValueOut
	e.mustSSM(testRegion, "GetSSHKeyPairValue", byName("kept"), &before)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	private, _ := base64.StdEncoding.DecodeString(before.PrivateKey)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := string(private[strings.Index(string(private), "\n")+1 : strings.Index(string(private), "\n-----END")])
	for _, plain := range []string{"PRIVATE KEY", before.PrivateKey, strings.ReplaceAll(body, "\n", ""), strings.Split(body, "\n")[0]} {
		if strings.Contains(string(b), plain) || strings.Contains(strings.ReplaceAll(string(b), `\n`, ""), plain) {
			t.Fatalf("the state file holds the private key in plain text (%q)", plain[:min(len(plain), 20)])
		}
	}
	info, err := os.Stat(sealKeyFile(path))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", info, err)
	}

	srv2, url2 := NewTestServer(t, cfg)
	e2 := &testEnv{t: t, srv: srv2, url: url2, host: strings.TrimPrefix(url2, "http://")}
	var after keyPairValueOut
	e2.mustSSM(testRegion, "GetSSHKeyPairValue", byName("kept"), &after)
	if after != before {
		t.Fatalf("after a restart: %+v, want %+v", after, before)
	}
	if err := srv2.Close(); err != nil {
		t.Fatal(err)
	}

	// The state file moved without its key file: the secret is there, its
	// private key does not open.
	moved := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(moved, b, 0o600); err != nil {
		t.Fatal(err)
	}
	srv3, url3 := NewTestServer(t, Config{KeyBits: 1024, StateFile: moved})
	e3 := &testEnv{t: t, srv: srv3, url: url3, host: strings.TrimPrefix(url3, "http://")}
	if _, err := e3.describeSecret(testRegion, "kept"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e3.ssmCall(testRegion, "GetSSHKeyPairValue", byName("kept"), nil), "FailedOperation.AccessKmsError")
}

// TestSSMRateLimits: each SSM action has its documented limit per region,
// on its own bucket.
func TestSSMRateLimits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e, _ := newBubbleEnv(t, Config{RateLimit: 10})
		e.createSecret(testRegion, createSecretIn{SecretName: "s", ProjectId: 0})
		burst := func(action string, params any, n int) int {
			return throttledOf(t, n, func() error { return e.ssmCall(testRegion, action, params, nil) })
		}
		for _, tt := range []struct {
			action string
			params any
			limit  int
		}{
			{"GetSSHKeyPairValue", byName("s"), 20},
			{"ListSecrets", map[string]any{}, 30},
			{"DescribeSecret", byName("s"), 40},
			{"EnableSecret", byName("s"), 50},
		} {
			if n := burst(tt.action, tt.params, tt.limit+5); n != 5 {
				t.Errorf("%s: %d of %d calls at one instant throttled, want 5 (%d/s)", tt.action, n, tt.limit+5, tt.limit)
			}
		}
		if st := e.stats(); st.Throttled["ListSecrets"] != 5 {
			t.Errorf("throttled = %v", st.Throttled)
		}
	})
}

// TestSSMFaults: the fault rules apply to SSM actions as to the others.
func TestSSMFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	faults := Faults{Rules: []FaultRule{{Action: "DescribeSecret", InternalError: 1}}}
	if code := e.control(http.MethodPut, "/_emulator/faults", faults, nil); code != http.StatusOK {
		t.Fatalf("put faults: HTTP %d", code)
	}
	_, err := e.describeSecret(testRegion, "any")
	wantCode(t, err, "InternalError")
	if st := e.stats(); st.Faults["DescribeSecret"] != 1 {
		t.Fatalf("faults = %v", st.Faults)
	}
}
