package emulator

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/crypto/ssh"
)

// TestCreateKeyPairDefaultBits is the one test that uses the 2048-bit
// default.
func TestCreateKeyPairDefaultBits(t *testing.T) {
	t.Parallel()
	srv, url := NewTestServer(t, Config{})
	e := &testEnv{t: t, srv: srv, url: url, host: strings.TrimPrefix(url, "http://")}
	before := time.Now().UTC().Truncate(time.Second)
	kp := e.create(testRegion, "default_bits")

	if !regexp.MustCompile(`^skey-[a-z0-9]{8}$`).MatchString(*kp.KeyId) {
		t.Errorf("KeyId = %q, want skey- and 8 lowercase letters or digits", *kp.KeyId)
	}
	if *kp.KeyName != "default_bits" || *kp.ProjectId != 0 {
		t.Errorf("KeyName, ProjectId = %q, %d", *kp.KeyName, *kp.ProjectId)
	}
	pub, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(*kp.PublicKey))
	if err != nil {
		t.Fatalf("parse public key: %v", err)
	}
	if pub.Type() != "ssh-rsa" || comment != strings.Replace(*kp.KeyId, "-", "_", 1) {
		t.Errorf("public key type %q comment %q, want ssh-rsa and the key id with an underscore", pub.Type(), comment)
	}
	block, _ := pem.Decode([]byte(*kp.PrivateKey))
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		t.Fatalf("private key is not a PKCS#1 PEM block: %q", *kp.PrivateKey)
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("parse private key: %v", err)
	}
	if priv.N.BitLen() != 2048 {
		t.Errorf("key has %d bits, want 2048", priv.N.BitLen())
	}
	sshPub, _ := ssh.NewPublicKey(&priv.PublicKey)
	if string(sshPub.Marshal()) != string(pub.Marshal()) {
		t.Error("the private key does not match the public key")
	}
	created, err := time.Parse("2006-01-02T15:04:05Z", *kp.CreatedTime)
	if err != nil || created.Before(before) || created.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedTime = %q (%v)", *kp.CreatedTime, err)
	}

	got := e.describe(testRegion, *kp.KeyId)
	if len(got) != 1 || got[0].PrivateKey != nil {
		t.Fatalf("describe: got %d key pairs, private key returned again: %v", len(got), len(got) == 1 && got[0].PrivateKey != nil)
	}
	if *got[0].PublicKey != *kp.PublicKey || *got[0].CreatedTime != *kp.CreatedTime {
		t.Error("describe returns other values than create")
	}
}

// TestKeyPairWireFormat checks what the SDK structs cannot show: empty
// arrays are [] rather than null, and every call has a fresh UUID RequestId.
func TestKeyPairWireFormat(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "wire")
	_, _, body := e.do(e.raw(rawCall{Action: "DescribeKeyPairs", Body: fmt.Sprintf(`{"KeyIds":[%q]}`, *kp.KeyId)}))
	for _, want := range []string{`"AssociatedInstanceIds":[]`, `"Tags":[]`, `"Description":""`, `"TotalCount":1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("describe body lacks %s: %s", want, body)
		}
	}
	if strings.Contains(string(body), "PrivateKey") {
		t.Error("describe returns a PrivateKey field")
	}
	req1, req2 := cvm.NewDescribeKeyPairsRequest(), cvm.NewDescribeKeyPairsRequest()
	r1, err1 := e.cvm(testRegion).DescribeKeyPairs(req1)
	r2, err2 := e.cvm(testRegion).DescribeKeyPairs(req2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	id1, id2 := *r1.Response.RequestId, *r2.Response.RequestId
	if _, err := uuid.Parse(id1); err != nil || id1 == id2 {
		t.Errorf("RequestIds %q, %q: want distinct UUIDs", id1, id2)
	}
}

func TestCreateKeyPairErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Projects: []int64{1001}, Quota: 3, Scope: ScopeRegion})
	first := e.create(testRegion, "taken")
	tags := func(kv ...string) []*cvm.TagSpecification {
		spec := &cvm.TagSpecification{ResourceType: ptr("keypair")}
		for i := 0; i+1 < len(kv); i += 2 {
			spec.Tags = append(spec.Tags, &cvm.Tag{Key: ptr(kv[i]), Value: ptr(kv[i+1])})
		}
		return []*cvm.TagSpecification{spec}
	}
	var many []string
	for i := range 51 {
		many = append(many, fmt.Sprintf("k%d", i), "v")
	}
	tests := []struct {
		name    string
		keyName *string
		project *int64
		specs   []*cvm.TagSpecification
		code    string
	}{
		{"missing name", nil, ptr(int64(0)), nil, "MissingParameter"},
		{"missing project", ptr("ok"), nil, nil, "MissingParameter"},
		{"empty name", ptr(""), ptr(int64(0)), nil, "InvalidKeyPairNameEmpty"},
		{"illegal char", ptr("bad-name"), ptr(int64(0)), nil, "InvalidKeyPairNameIncludeIllegalChar"},
		{"non-ascii", ptr("密钥"), ptr(int64(0)), nil, "InvalidKeyPairNameIncludeIllegalChar"},
		{"too long", ptr(strings.Repeat("a", 26)), ptr(int64(0)), nil, "InvalidKeyPairNameTooLong"},
		{"duplicate", ptr("taken"), ptr(int64(0)), nil, "InvalidKeyPairName.Duplicate"},
		{"unknown project", ptr("ok"), ptr(int64(42)), nil, "InvalidProjectId.NotFound"},
		{"reserved tag qcs", ptr("ok"), ptr(int64(0)), tags("qcs:x", "v"), "FailedOperation.TagKeyReserved"},
		{"reserved tag Project", ptr("ok"), ptr(int64(0)), tags("Project", "v"), "FailedOperation.TagKeyReserved"},
		{"empty tag key", ptr("ok"), ptr(int64(0)), tags("", "v"), "InvalidParameterValue.TagKeyEmpty"},
		{"illegal tag key", ptr("ok"), ptr(int64(0)), tags("a#b", "v"), "InvalidParameterValue.TagKeyCharacterIllegal"},
		{"long tag key", ptr("ok"), ptr(int64(0)), tags(strings.Repeat("k", 128), "v"), "InvalidParameterValue.TagKeyLengthExceeded"},
		{"empty tag value", ptr("ok"), ptr(int64(0)), tags("k", ""), "InvalidParameterValue.TagValueEmpty"},
		{"illegal tag value", ptr("ok"), ptr(int64(0)), tags("k", " v"), "InvalidParameterValue.TagValueCharacterIllegal"},
		{"long tag value", ptr("ok"), ptr(int64(0)), tags("k", strings.Repeat("v", 256)), "InvalidParameterValue.TagValueLengthExceeded"},
		{"duplicate tag key", ptr("ok"), ptr(int64(0)), tags("k", "1", "k", "2"), "InvalidParameterValue.TagKeyDuplicate"},
		{"too many tags", ptr("ok"), ptr(int64(0)), tags(many...), "LimitExceeded.TagResourceQuota"},
		{"wrong resource type", ptr("ok"), ptr(int64(0)), []*cvm.TagSpecification{{ResourceType: ptr("instance")}}, "InvalidParameterValue"},
	}
	for _, tt := range tests {
		req := cvm.NewCreateKeyPairRequest()
		req.KeyName, req.ProjectId, req.TagSpecification = tt.keyName, tt.project, tt.specs
		_, err := e.cvm(testRegion).CreateKeyPair(req)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
		if tt.code == "InvalidKeyPairName.Duplicate" && !strings.Contains(err.Error(), *first.KeyId) {
			t.Errorf("duplicate name error does not name %s: %v", *first.KeyId, err)
		}
	}

	// Names and project 1001 are fine, and a name is unique per region only.
	ok := cvm.NewCreateKeyPairRequest()
	ok.KeyName, ok.ProjectId = ptr("Ok_25_chars_aaaaaaaaaaaaa"), ptr(int64(1001))
	ok.TagSpecification = tags("项 目", "値 1", "env", "a+b-c=d.e_f:g/h@i(j)[k],l;m>n<")
	if _, err := e.cvm(testRegion).CreateKeyPair(ok); err != nil {
		t.Fatalf("valid create: %v", err)
	}
	e.create("ap-shanghai", "taken")

	// The quota is per region: 2 key pairs exist in ap-guangzhou, quota 3.
	e.create(testRegion, "third")
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName, req.ProjectId = ptr("fourth"), ptr(int64(0))
	_, err := e.cvm(testRegion).CreateKeyPair(req)
	wantCode(t, err, "InvalidKeyPair.LimitExceeded")
}

func TestImportKeyPair(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Scope: ScopeRegion})
	created := e.create(testRegion, "created")
	other := generatePublicKey(t)
	ed25519Key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test"

	imp := func(name, key string) (string, error) {
		req := cvm.NewImportKeyPairRequest()
		req.KeyName, req.ProjectId, req.PublicKey = ptr(name), ptr(int64(0)), ptr(key)
		resp, err := e.cvm(testRegion).ImportKeyPair(req)
		if err != nil {
			return "", err
		}
		return *resp.Response.KeyId, nil
	}
	id, err := imp("imported", "  \n"+other+" laptop\n ")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	got := e.describe(testRegion, id)
	if len(got) != 1 || *got[0].PublicKey != other+" laptop" || *got[0].KeyName != "imported" {
		t.Fatalf("imported key pair = %+v, want the key trimmed as given", got)
	}

	tests := []struct{ name, key, code string }{
		{"garbage", "not a key", "InvalidPublicKey.Malformed"},
		{"ed25519", ed25519Key, "InvalidPublicKey.Malformed"},
		{"two lines", other + "\n" + other, "InvalidPublicKey.Malformed"},
		{"options", `command="ls" ` + other, "InvalidPublicKey.Malformed"},
		{"truncated", other[:len(other)-20], "InvalidPublicKey.Malformed"},
		{"same material, other comment", other + " desktop", "InvalidPublicKey.Duplicate"},
		{"created key", strings.Fields(*created.PublicKey)[0] + " " + strings.Fields(*created.PublicKey)[1], "InvalidPublicKey.Duplicate"},
	}
	for i, tt := range tests {
		_, err := imp(fmt.Sprintf("k%d", i), tt.key)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}
	_, err = imp("imported", generatePublicKey(t))
	wantCode(t, err, "InvalidKeyPairName.Duplicate")

	req := cvm.NewImportKeyPairRequest()
	req.KeyName, req.ProjectId = ptr("nokey"), ptr(int64(0))
	_, err = e.cvm(testRegion).ImportKeyPair(req)
	wantCode(t, err, "MissingParameter")

	// The same key may be imported in another region.
	req = cvm.NewImportKeyPairRequest()
	req.KeyName, req.ProjectId, req.PublicKey = ptr("imported"), ptr(int64(0)), ptr(other)
	if _, err := e.cvm("ap-tokyo").ImportKeyPair(req); err != nil {
		t.Errorf("import in another region: %v", err)
	}
}

// generatePublicKey returns a fresh ssh-rsa key without comment, from
// terraform-plugin-testing's acctest.RandSSHKeyPair.
func generatePublicKey(t testing.TB) string {
	t.Helper()
	pub, _, err := acctest.RandSSHKeyPair("")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(pub)
}

func TestDescribeKeyPairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Projects: []int64{7}, Scope: ScopeRegion})
	var ids []string
	for i := range 25 {
		ids = append(ids, *e.create(testRegion, fmt.Sprintf("key%02d", i)).KeyId)
	}
	req := cvm.NewImportKeyPairRequest()
	req.KeyName, req.ProjectId, req.PublicKey = ptr("in_project"), ptr(int64(7)), ptr(generatePublicKey(t))
	req.TagSpecification = []*cvm.TagSpecification{{ResourceType: ptr("keypair"), Tags: []*cvm.Tag{{Key: ptr("env"), Value: ptr("prod")}, {Key: ptr("team"), Value: ptr("a")}}}}
	resp, err := e.cvm(testRegion).ImportKeyPair(req)
	if err != nil {
		t.Fatal(err)
	}
	tagged := *resp.Response.KeyId
	e.create(testRegion, "staging", "env", "staging")
	other := e.create("ap-tokyo", "key00")

	describe := func(mod func(*cvm.DescribeKeyPairsRequest)) ([]string, int64, error) {
		req := cvm.NewDescribeKeyPairsRequest()
		mod(req)
		resp, err := e.cvm(testRegion).DescribeKeyPairs(req)
		if err != nil {
			return nil, 0, err
		}
		var got []string
		for _, kp := range resp.Response.KeyPairSet {
			got = append(got, *kp.KeyId)
		}
		return got, *resp.Response.TotalCount, nil
	}
	filter := func(name string, values ...string) func(*cvm.DescribeKeyPairsRequest) {
		return func(r *cvm.DescribeKeyPairsRequest) {
			r.Filters = []*cvm.Filter{{Name: ptr(name), Values: ptrs(values...)}}
		}
	}

	got, total, err := describe(func(*cvm.DescribeKeyPairsRequest) {})
	if err != nil || total != 27 || len(got) != 20 || got[0] != ids[0] || got[19] != ids[19] {
		t.Errorf("default page: %d of %d (%v), want the first 20 of 27 in creation order", len(got), total, err)
	}
	got, total, _ = describe(func(r *cvm.DescribeKeyPairsRequest) { r.Offset, r.Limit = ptr(int64(20)), ptr(int64(5)) })
	if total != 27 || len(got) != 5 || got[0] != ids[20] {
		t.Errorf("offset 20 limit 5: %v of %d", got, total)
	}
	got, total, _ = describe(func(r *cvm.DescribeKeyPairsRequest) { r.Offset = ptr(int64(100)) })
	if total != 27 || len(got) != 0 {
		t.Errorf("offset past the end: %v of %d", got, total)
	}
	got, _, _ = describe(func(r *cvm.DescribeKeyPairsRequest) { r.KeyIds = ptrs(ids[3], ids[1], "skey-zzzzzzzz") })
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[3]}) {
		t.Errorf("by ids: %v, want creation order without the unknown id", got)
	}
	got, _, _ = describe(func(r *cvm.DescribeKeyPairsRequest) { r.KeyIds = ptrs(*other.KeyId) })
	if len(got) != 0 {
		t.Errorf("a key pair of another region was found: %v", got)
	}
	for _, tt := range []struct {
		mod  func(*cvm.DescribeKeyPairsRequest)
		want int
	}{
		{filter("key-name", "key01", "key02"), 2},
		// Part of a name matches, as the official provider's prefix
		// searches need: key1 is in key10 to key19, y2 in key20 to key24,
		// "_proj" in in_project; case counts.
		{filter("key-name", "key1"), 10},
		{filter("key-name", "y2", "_proj"), 6},
		{filter("key-name", "KEY1"), 0},
		{filter("project-id", "7"), 1},
		{filter("tag-key", "env"), 2},
		{filter("tag-value", "prod"), 1},
		{filter("tag:env", "prod", "staging"), 2},
		{filter("tag:team", "prod"), 0},
		{func(r *cvm.DescribeKeyPairsRequest) {
			r.Filters = []*cvm.Filter{{Name: ptr("tag-key"), Values: ptrs("env")}, {Name: ptr("project-id"), Values: ptrs("0")}}
		}, 1},
	} {
		got, total, err := describe(tt.mod)
		if err != nil || len(got) != tt.want || total != int64(tt.want) {
			r := cvm.NewDescribeKeyPairsRequest()
			tt.mod(r)
			t.Errorf("filters %s: got %v (%d, %v), want %d", r.ToJsonString(), got, total, err, tt.want)
		}
	}
	got, _, _ = describe(filter("tag-value", "prod"))
	if len(got) != 1 || got[0] != tagged {
		t.Errorf("tag-value prod: %v, want %s", got, tagged)
	}

	var tooMany []string
	for i := range 101 {
		tooMany = append(tooMany, fmt.Sprintf("skey-%08d", i))
	}
	for _, tt := range []struct {
		name string
		mod  func(*cvm.DescribeKeyPairsRequest)
		code string
	}{
		{"ids and filters", func(r *cvm.DescribeKeyPairsRequest) {
			r.KeyIds = ptrs(ids[0])
			filter("key-name", "x")(r)
		}, "InvalidParameter"},
		{"malformed id", func(r *cvm.DescribeKeyPairsRequest) { r.KeyIds = ptrs("skey-ABCDEFGH") }, "InvalidKeyPairId.Malformed"},
		{"short id", func(r *cvm.DescribeKeyPairsRequest) { r.KeyIds = ptrs("skey-1") }, "InvalidKeyPairId.Malformed"},
		{"101 ids", func(r *cvm.DescribeKeyPairsRequest) { r.KeyIds = ptrs(tooMany...) }, "InvalidParameterValue.LimitExceeded"},
		{"limit 101", func(r *cvm.DescribeKeyPairsRequest) { r.Limit = ptr(int64(101)) }, "InvalidParameterValue.LimitExceeded"},
		{"negative offset", func(r *cvm.DescribeKeyPairsRequest) { r.Offset = ptr(int64(-1)) }, "InvalidParameterValue"},
		{"unknown filter", filter("key-id", "x"), "InvalidFilter"},
		{"bad project", filter("project-id", "x"), "InvalidParameterValue"},
	} {
		_, _, err := describe(tt.mod)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}
}

func TestDeleteKeyPairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Scope: ScopeRegion})
	a, b, c := e.create(testRegion, "a"), e.create(testRegion, "b"), e.create(testRegion, "c")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	assoc := cvm.NewAssociateInstancesKeyPairsRequest()
	assoc.InstanceIds, assoc.KeyIds = ptrs("ins-00000001"), ptrs(*c.KeyId)
	if _, err := e.cvm(testRegion).AssociateInstancesKeyPairs(assoc); err != nil {
		t.Fatal(err)
	}

	del := func(ids ...string) error {
		req := cvm.NewDeleteKeyPairsRequest()
		req.KeyIds = ptrs(ids...)
		_, err := e.cvm(testRegion).DeleteKeyPairs(req)
		return err
	}
	var tooMany []string
	for i := range 101 {
		tooMany = append(tooMany, fmt.Sprintf("skey-%08d", i))
	}
	wantCode(t, del(), "MissingParameter")
	wantCode(t, del(tooMany...), "InvalidParameterValue.LimitExceeded")
	wantCode(t, del(*a.KeyId, "skey_1234"), "InvalidKeyPairId.Malformed")
	wantCode(t, del(*a.KeyId, "skey-zzzzzzzz"), "InvalidKeyPairId.NotFound")
	err := del(*a.KeyId, *c.KeyId)
	wantCode(t, err, "InvalidParameterValue.KeyPairNotSupported")
	if n := len(e.describe(testRegion)); n != 3 {
		t.Fatalf("after failed deletes %d key pairs remain, want 3: deletes must be all or nothing", n)
	}
	// A key pair of another region is not found here.
	other := e.create("ap-seoul", "a")
	wantCode(t, del(*other.KeyId), "InvalidKeyPairId.NotFound")

	if err := del(*a.KeyId, *b.KeyId, *a.KeyId); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if got := e.describe(testRegion); len(got) != 1 || *got[0].KeyId != *c.KeyId {
		t.Fatalf("after delete: %d key pairs, want only %s", len(got), *c.KeyId)
	}
	wantCode(t, del(*a.KeyId), "InvalidKeyPairId.NotFound")
	// The name is free again.
	e.create(testRegion, "a")
}

func TestModifyKeyPairAttribute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	a, b := e.create(testRegion, "a"), e.create(testRegion, "b")
	modify := func(id, name, desc *string) error {
		req := cvm.NewModifyKeyPairAttributeRequest()
		req.KeyId, req.KeyName, req.Description = id, name, desc
		_, err := e.cvm(testRegion).ModifyKeyPairAttribute(req)
		return err
	}
	if err := modify(a.KeyId, ptr("renamed"), ptr("first key")); err != nil {
		t.Fatal(err)
	}
	got := e.describe(testRegion, *a.KeyId)[0]
	if *got.KeyName != "renamed" || *got.Description != "first key" {
		t.Errorf("after modify: name %q description %q", *got.KeyName, *got.Description)
	}
	if err := modify(a.KeyId, ptr("renamed"), nil); err != nil {
		t.Errorf("keeping the own name: %v", err)
	}
	if err := modify(a.KeyId, nil, ptr("")); err != nil {
		t.Errorf("clearing the description: %v", err)
	}
	if got := e.describe(testRegion, *a.KeyId)[0]; *got.Description != "" || *got.KeyName != "renamed" {
		t.Errorf("after clearing: name %q description %q", *got.KeyName, *got.Description)
	}
	for _, tt := range []struct {
		name           string
		id, kn, desc   *string
		code, contains string
	}{
		{"missing id", nil, ptr("x"), nil, "MissingParameter", ""},
		{"nothing to change", a.KeyId, nil, nil, "MissingParameter", ""},
		{"malformed id", ptr("key-1"), ptr("x"), nil, "InvalidKeyPairId.Malformed", ""},
		{"unknown id", ptr("skey-zzzzzzzz"), ptr("x"), nil, "InvalidKeyPairId.NotFound", ""},
		{"duplicate", a.KeyId, ptr("b"), nil, "InvalidKeyPairName.Duplicate", *b.KeyId},
		{"empty name", a.KeyId, ptr(""), nil, "InvalidKeyPairNameEmpty", ""},
		{"illegal name", a.KeyId, ptr("a b"), nil, "InvalidKeyPairNameIncludeIllegalChar", ""},
		{"long name", a.KeyId, ptr(strings.Repeat("n", 26)), nil, "InvalidKeyPairNameTooLong", ""},
		{"long description", a.KeyId, nil, ptr(strings.Repeat("描", 61)), "InvalidParameterValue", ""},
	} {
		err := modify(tt.id, tt.kn, tt.desc)
		if got := errCode(err); got != tt.code || !strings.Contains(fmt.Sprint(err), tt.contains) {
			t.Errorf("%s: code %q, want %q containing %q (%v)", tt.name, got, tt.code, tt.contains, err)
		}
	}
	if err := modify(a.KeyId, nil, ptr(strings.Repeat("描", 60))); err != nil {
		t.Errorf("60-character description: %v", err)
	}
}

func TestAssociateInstancesKeyPairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	k1, k2 := e.create(testRegion, "k1"), e.create(testRegion, "k2")
	e.addInstance("ins-stopped1", testRegion, "STOPPED", "LINUX")
	e.addInstance("ins-running1", testRegion, "RUNNING", "LINUX")
	e.addInstance("ins-windows1", testRegion, "STOPPED", "WINDOWS")
	e.addInstance("ins-tokyo001", "ap-tokyo", "STOPPED", "LINUX")

	call := func(bind bool, instances, keys []string, force *bool) error {
		c := e.cvm(testRegion)
		if bind {
			req := cvm.NewAssociateInstancesKeyPairsRequest()
			req.InstanceIds, req.KeyIds, req.ForceStop = ptrs(instances...), ptrs(keys...), force
			_, err := c.AssociateInstancesKeyPairs(req)
			return err
		}
		req := cvm.NewDisassociateInstancesKeyPairsRequest()
		req.InstanceIds, req.KeyIds, req.ForceStop = ptrs(instances...), ptrs(keys...), force
		_, err := c.DisassociateInstancesKeyPairs(req)
		return err
	}
	for _, bind := range []bool{true, false} {
		name := map[bool]string{true: "associate", false: "disassociate"}[bind]
		for _, tt := range []struct {
			what      string
			instances []string
			keys      []string
			code      string
		}{
			{"no instances", nil, []string{*k1.KeyId}, "MissingParameter"},
			{"no keys", []string{"ins-stopped1"}, nil, "MissingParameter"},
			{"unknown instance", []string{"ins-zzzzzzzz"}, []string{*k1.KeyId}, "InvalidInstanceId.NotFound"},
			{"instance of other region", []string{"ins-tokyo001"}, []string{*k1.KeyId}, "InvalidInstanceId.NotFound"},
			{"malformed instance", []string{"i-1"}, []string{*k1.KeyId}, "InvalidInstanceId.Malformed"},
			{"unknown key", []string{"ins-stopped1"}, []string{"skey-zzzzzzzz"}, "InvalidKeyPairId.NotFound"},
			{"malformed key", []string{"ins-stopped1"}, []string{"nope"}, "InvalidKeyPairId.Malformed"},
			{"windows", []string{"ins-windows1"}, []string{*k1.KeyId}, "UnsupportedOperation.InstanceOsWindows"},
			{"running", []string{"ins-stopped1", "ins-running1"}, []string{*k1.KeyId}, "UnsupportedOperation.InstanceStateRunning"},
		} {
			err := call(bind, tt.instances, tt.keys, nil)
			if got := errCode(err); got != tt.code {
				t.Errorf("%s %s: code %q, want %q (%v)", name, tt.what, got, tt.code, err)
			}
			if tt.what == "running" && !strings.Contains(err.Error(), "ins-running1") {
				t.Errorf("%s: the error does not name the instance: %v", name, err)
			}
		}
	}
	if got := e.describe(testRegion, *k1.KeyId)[0]; len(got.AssociatedInstanceIds) != 0 {
		t.Fatalf("failed calls associated %v", got.AssociatedInstanceIds)
	}

	if err := call(true, []string{"ins-stopped1", "ins-running1"}, []string{*k1.KeyId, *k2.KeyId}, ptr(true)); err != nil {
		t.Fatalf("associate with ForceStop: %v", err)
	}
	var instances []Instance
	e.control(http.MethodGet, "/_emulator/instances", nil, &instances)
	for _, in := range instances {
		if in.InstanceID == "ins-running1" && (in.State != "STOPPED" || len(in.KeyIDs) != 2) {
			t.Errorf("after ForceStop: %+v, want STOPPED with 2 keys", in)
		}
	}
	got := e.describe(testRegion, *k1.KeyId)[0]
	if fmt.Sprint(derefs(got.AssociatedInstanceIds)) != "[ins-running1 ins-stopped1]" {
		t.Errorf("AssociatedInstanceIds = %v", derefs(got.AssociatedInstanceIds))
	}
	// Associating again changes nothing.
	if err := call(true, []string{"ins-stopped1"}, []string{*k1.KeyId}, nil); err != nil {
		t.Fatal(err)
	}
	if err := call(false, []string{"ins-stopped1", "ins-running1"}, []string{*k1.KeyId}, nil); err != nil {
		t.Fatalf("disassociate: %v", err)
	}
	if got := e.describe(testRegion, *k1.KeyId)[0]; len(got.AssociatedInstanceIds) != 0 {
		t.Errorf("after disassociate: %v", derefs(got.AssociatedInstanceIds))
	}
	if got := e.describe(testRegion, *k2.KeyId)[0]; len(got.AssociatedInstanceIds) != 2 {
		t.Errorf("k2 lost its instances: %v", derefs(got.AssociatedInstanceIds))
	}
}

func derefs(ps []*string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
