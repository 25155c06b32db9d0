package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// fakeClock is a clock that moves only when told, for the lags: tests
// step over a lag instead of sleeping through it. It starts at the real
// time, so that the SDK's signatures, made with the real time, stay
// within the emulator's five minutes.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tryCreateIn creates a key pair in a region and returns the error.
func (e *testEnv) tryCreateIn(region, name string) error {
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName, req.ProjectId = ptr(name), ptr(int64(0))
	_, err := e.cvm(region).CreateKeyPair(req)
	return err
}

// deleteKeys deletes key pairs through the SDK, calling in region.
func (e *testEnv) deleteKeys(region string, ids ...string) error {
	req := cvm.NewDeleteKeyPairsRequest()
	req.KeyIds = ptrs(ids...)
	_, err := e.cvm(region).DeleteKeyPairs(req)
	return err
}

// bind associates (or disassociates) key pairs and instances through the
// SDK, calling in region.
func (e *testEnv) bind(region string, associate, forceStop bool, instances []string, keys ...string) error {
	c := e.cvm(region)
	if associate {
		req := cvm.NewAssociateInstancesKeyPairsRequest()
		req.InstanceIds, req.KeyIds, req.ForceStop = ptrs(instances...), ptrs(keys...), ptr(forceStop)
		_, err := c.AssociateInstancesKeyPairs(req)
		return err
	}
	req := cvm.NewDisassociateInstancesKeyPairsRequest()
	req.InstanceIds, req.KeyIds, req.ForceStop = ptrs(instances...), ptrs(keys...), ptr(forceStop)
	_, err := c.DisassociateInstancesKeyPairs(req)
	return err
}

// modifyTags replaces tags of a key pair through the Tag API.
func (e *testEnv) modifyTags(resource string, kv ...string) error {
	req := tagsdk.NewModifyResourceTagsRequest()
	req.Resource = ptr(resource)
	for i := 0; i+1 < len(kv); i += 2 {
		req.ReplaceTags = append(req.ReplaceTags, &tagsdk.Tag{TagKey: ptr(kv[i]), TagValue: ptr(kv[i+1])})
	}
	_, err := e.tag("").ModifyResourceTags(req)
	return err
}

// ids returns the key ids of key pairs.
func ids(kps []*cvm.KeyPair) []string {
	out := []string{}
	for _, kp := range kps {
		out = append(out, *kp.KeyId)
	}
	return out
}

// tagList renders tags as key=value, in order.
func tagList(tags []*cvm.Tag) string {
	var out []string
	for _, tg := range tags {
		out = append(out, *tg.Key+"="+*tg.Value)
	}
	return strings.Join(out, ",")
}

// describeFilter lists the key pairs of region that a filter matches.
func (e *testEnv) describeFilter(region, name string, values ...string) []string {
	e.t.Helper()
	req := cvm.NewDescribeKeyPairsRequest()
	req.Filters = []*cvm.Filter{{Name: ptr(name), Values: ptrs(values...)}}
	resp, err := e.cvm(region).DescribeKeyPairs(req)
	if err != nil {
		e.t.Fatalf("describe with filter %s: %v", name, err)
	}
	return ids(resp.Response.KeyPairSet)
}

// TestScope checks what counts per account in account scope and per
// region in region scope: the quota, key names, public keys, the listings
// and the lookups by id. Instances stay regional in both.
func TestScope(t *testing.T) {
	t.Parallel()
	for _, scope := range []string{"", ScopeAccount, ScopeRegion} {
		t.Run("scope="+scope, func(t *testing.T) {
			t.Parallel()
			account := scope != ScopeRegion
			// wantIf is the code that account scope answers, "" in
			// region scope, where the call succeeds.
			wantIf := func(code string) string {
				if account {
					return code
				}
				return ""
			}
			e := newEnv(t, Config{Scope: scope, Quota: 2})
			a := e.create(testRegion, "a")

			// The name is taken in the account, not only in the region.
			err := e.tryCreateIn("ap-shanghai", "a")
			if got := errCode(err); got != wantIf("InvalidKeyPairName.Duplicate") {
				t.Fatalf("the same name in another region: code %q (%v)", got, err)
			}
			if account && !strings.Contains(err.Error(), *a.KeyId) {
				t.Errorf("the duplicate name error does not name %s: %v", *a.KeyId, err)
			}
			b := e.create("ap-shanghai", "b")
			// The quota of 2 counts a and b in account scope.
			wantCode(t, e.tryCreateIn("ap-tokyo", "c"), wantIf("InvalidKeyPair.LimitExceeded"))

			// An import of a's public key in another region.
			imp := cvm.NewImportKeyPairRequest()
			imp.KeyName, imp.ProjectId, imp.PublicKey = ptr("imported"), ptr(int64(0)), a.PublicKey
			_, err = e.cvm("ap-seoul").ImportKeyPair(imp)
			if account {
				// Both the quota and the key material refuse it; the
				// quota is checked last.
				wantCode(t, err, "InvalidPublicKey.Duplicate")
			} else if err != nil {
				t.Errorf("import in another region: %v", err)
			}

			// Listings and ids from another region.
			if listed := ids(e.describe("ap-tokyo")); (len(listed) == 2) != account {
				t.Errorf("listing from ap-tokyo: %v", listed)
			}
			if got := ids(e.describe("ap-tokyo", *a.KeyId)); (len(got) == 1) != account {
				t.Errorf("a by id from ap-tokyo: %v", got)
			}
			if got := e.describeFilter("ap-tokyo", "key-name", "a", "b"); (len(got) == 2) != account {
				t.Errorf("a and b by name from ap-tokyo: %v", got)
			}
			mod := cvm.NewModifyKeyPairAttributeRequest()
			mod.KeyId, mod.KeyName = a.KeyId, ptr("b")
			_, err = e.cvm("ap-tokyo").ModifyKeyPairAttribute(mod)
			wantCode(t, err, map[bool]string{true: "InvalidKeyPairName.Duplicate", false: "InvalidKeyPairId.NotFound"}[account])
			mod.KeyName = ptr("a_renamed")
			_, err = e.cvm("ap-tokyo").ModifyKeyPairAttribute(mod)
			wantCode(t, err, map[bool]string{true: "", false: "InvalidKeyPairId.NotFound"}[account])
			// The Tag API takes the key pair whatever region its name
			// gives in account scope.
			err = e.modifyTags("qcs::cvm:ap-tokyo:uin/:keypair/"+*b.KeyId, "env", "prod")
			wantCode(t, err, map[bool]string{true: "", false: "ResourceNotFound"}[account])

			// Instances are regional: a call finds instances of its own
			// region only, and in account scope it binds key pairs of
			// any region to them.
			e.addInstance("ins-gz000001", testRegion, "STOPPED", "LINUX")
			wantCode(t, e.bind("ap-tokyo", true, false, []string{"ins-gz000001"}, *b.KeyId), "InvalidInstanceId.NotFound")
			err = e.bind(testRegion, true, false, []string{"ins-gz000001"}, *b.KeyId)
			wantCode(t, err, map[bool]string{true: "", false: "InvalidKeyPairId.NotFound"}[account])
			if account {
				if got := e.describe("ap-shanghai", *b.KeyId)[0]; fmt.Sprint(derefs(got.AssociatedInstanceIds)) != "[ins-gz000001]" {
					t.Errorf("b's instances: %v", derefs(got.AssociatedInstanceIds))
				}
				// Bound, it cannot be deleted, from any region.
				wantCode(t, e.deleteKeys("ap-tokyo", *b.KeyId), "InvalidParameterValue.KeyPairNotSupported")
			}

			// A delete from another region.
			wantCode(t, e.deleteKeys("ap-tokyo", *a.KeyId), map[bool]string{true: "", false: "InvalidKeyPairId.NotFound"}[account])
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{Scope: "galaxy"}); err == nil {
		t.Error("New accepted scope galaxy")
	}
}

// TestStrictSettings checks what Strict turns on, and that each lag can
// be set or turned off under it.
func TestStrictSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		cfg  Config
		want settings
	}{
		{"default", Config{}, settings{accountScope: true}},
		{"region", Config{Scope: ScopeRegion}, settings{}},
		{"strict", Config{Strict: true}, settings{
			accountScope: true, leanCreate: true, visibilityLag: time.Second, tagLag: 2 * time.Second,
			partialDelete: true, terminateLag: 3 * time.Second, restartAfterForceStop: true, numericKeyComments: true,
		}},
		{"strict, lags set and off", Config{Strict: true, Scope: ScopeRegion, VisibilityLag: -1, TagLag: 5 * time.Second, TerminateLag: -time.Second}, settings{
			leanCreate: true, tagLag: 5 * time.Second, partialDelete: true, restartAfterForceStop: true, numericKeyComments: true,
		}},
		{"one at a time", Config{LeanCreate: true, VisibilityLag: time.Minute}, settings{accountScope: true, leanCreate: true, visibilityLag: time.Minute}},
	} {
		got, err := tt.cfg.settings()
		if err != nil || got != tt.want {
			t.Errorf("%s: settings %+v (%v), want %+v", tt.name, got, err, tt.want)
		}
	}
}

// TestLeanCreate checks the fields of the answers of CreateKeyPair and
// ImportKeyPair on the wire.
func TestLeanCreate(t *testing.T) {
	t.Parallel()
	keys := func(e *testEnv, action, body string) (keyPair, response []string) {
		t.Helper()
		code, msg, raw := e.do(e.raw(rawCall{Action: action, Body: body}))
		if code != "" {
			t.Fatalf("%s: %s: %s", action, code, msg)
		}
		var env struct{ Response map[string]json.RawMessage }
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatal(err)
		}
		var kp map[string]json.RawMessage
		if b, ok := env.Response["KeyPair"]; ok {
			if err := json.Unmarshal(b, &kp); err != nil {
				t.Fatal(err)
			}
		}
		for k := range kp {
			keyPair = append(keyPair, k)
		}
		for k := range env.Response {
			response = append(response, k)
		}
		slices.Sort(keyPair)
		slices.Sort(response)
		return keyPair, response
	}
	create := `{"KeyName":"%s","ProjectId":0,"TagSpecification":[{"ResourceType":"keypair","Tags":[{"Key":"env","Value":"dev"}]}]}`
	importBody := func(name string) string {
		return fmt.Sprintf(`{"KeyName":%q,"ProjectId":0,"PublicKey":%q}`, name, generatePublicKey(t))
	}

	lean := newEnv(t, Config{LeanCreate: true})
	kp, _ := keys(lean, "CreateKeyPair", fmt.Sprintf(create, "lean"))
	if fmt.Sprint(kp) != "[KeyId KeyName PrivateKey ProjectId PublicKey]" {
		t.Errorf("lean CreateKeyPair answers KeyPair fields %v, want KeyId KeyName PrivateKey ProjectId PublicKey", kp)
	}
	// The key pair has its tags all the same.
	if got := lean.describe(testRegion); len(got) != 1 || tagList(got[0].Tags) != "env=dev" {
		t.Errorf("the lean create's key pair: %s", cvmJSON(got[0]))
	}
	if _, resp := keys(lean, "ImportKeyPair", importBody("lean_import")); fmt.Sprint(resp) != "[KeyId RequestId]" {
		t.Errorf("ImportKeyPair answers %v, want KeyId and RequestId", resp)
	}

	full := newEnv(t, Config{})
	kp, _ = keys(full, "CreateKeyPair", fmt.Sprintf(create, "full"))
	for _, want := range []string{"Tags", "CreatedTime", "Description", "AssociatedInstanceIds"} {
		if !slices.Contains(kp, want) {
			t.Errorf("CreateKeyPair without LeanCreate lacks %s: %v", want, kp)
		}
	}
	if _, resp := keys(full, "ImportKeyPair", importBody("full_import")); fmt.Sprint(resp) != "[KeyId RequestId]" {
		t.Errorf("ImportKeyPair answers %v, want KeyId and RequestId", resp)
	}
}

// TestVisibilityLag checks that DescribeKeyPairs shows a new key pair only
// after the lag, and a deleted one until the lag is over, while its name
// and quota stay taken; the other actions find it by id at once.
func TestVisibilityLag(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Config{Now: clock.Now, VisibilityLag: time.Second, Quota: 2})
	kp := e.create(testRegion, "lagging")
	id := *kp.KeyId
	invisible := func(when string) {
		t.Helper()
		if got := ids(e.describe(testRegion, id)); len(got) != 0 {
			t.Errorf("%s: found by id: %v", when, got)
		}
		if got := ids(e.describe(testRegion)); slices.Contains(got, id) {
			t.Errorf("%s: listed: %v", when, got)
		}
		if got := e.describeFilter(testRegion, "key-name", "lagging"); len(got) != 0 {
			t.Errorf("%s: found by name: %v", when, got)
		}
	}
	visible := func(when string) {
		t.Helper()
		if got := ids(e.describe(testRegion, id)); len(got) != 1 {
			t.Errorf("%s: not found by id", when)
		}
		if got := ids(e.describe(testRegion)); !slices.Contains(got, id) {
			t.Errorf("%s: not listed: %v", when, got)
		}
		if got := e.describeFilter(testRegion, "key-name", "lagging"); len(got) != 1 {
			t.Errorf("%s: not found by name", when)
		}
	}

	invisible("new")
	// The name is taken and the key pair is found by id at once.
	wantCode(t, e.tryCreateIn(testRegion, "lagging"), "InvalidKeyPairName.Duplicate")
	mod := cvm.NewModifyKeyPairAttributeRequest()
	mod.KeyId, mod.Description = ptr(id), ptr("found at once")
	if _, err := e.cvm(testRegion).ModifyKeyPairAttribute(mod); err != nil {
		t.Errorf("modify a new key pair: %v", err)
	}
	clock.Advance(999 * time.Millisecond)
	invisible("after 999ms")
	clock.Advance(time.Millisecond)
	visible("after 1s")

	if err := e.deleteKeys(testRegion, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	visible("deleted")
	// Deleted, the key pair is not found by the other actions, but its
	// name and its place in the quota (2) stay taken.
	wantCode(t, e.deleteKeys(testRegion, id), "InvalidKeyPairId.NotFound")
	if _, err := e.cvm(testRegion).ModifyKeyPairAttribute(mod); errCode(err) != "InvalidKeyPairId.NotFound" {
		t.Errorf("modify a deleted key pair: %v", err)
	}
	err := e.tryCreateIn(testRegion, "lagging")
	wantCode(t, err, "InvalidKeyPairName.Duplicate")
	if !strings.Contains(err.Error(), "being deleted") {
		t.Errorf("the duplicate name error does not say the holder is being deleted: %v", err)
	}
	e.create(testRegion, "other")
	wantCode(t, e.tryCreateIn(testRegion, "third"), "InvalidKeyPair.LimitExceeded")
	clock.Advance(999 * time.Millisecond)
	visible("999ms after the delete")
	clock.Advance(time.Millisecond)
	invisible("1s after the delete")
	again := e.create(testRegion, "lagging")
	if *again.KeyId == id {
		t.Errorf("id %s reused", id)
	}
}

// TestTagLag checks that DescribeKeyPairs shows tags, and filters by
// them, only after the lag, showing the tags from before meanwhile.
func TestTagLag(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Config{Now: clock.Now, TagLag: 2 * time.Second})
	kp := e.create(testRegion, "tagged", "env", "dev")
	// Without LeanCreate, the create's answer has the tags as asked.
	if got := tagList(kp.Tags); got != "env=dev" {
		t.Errorf("create answered tags %q", got)
	}
	shown := func(when, want string) {
		t.Helper()
		if got := tagList(e.describe(testRegion, *kp.KeyId)[0].Tags); got != want {
			t.Errorf("%s: tags %q, want %q", when, got, want)
		}
		matched := len(e.describeFilter(testRegion, "tag-key", "env")) == 1
		if matched != strings.Contains(want, "env=") {
			t.Errorf("%s: filter tag-key env matched: %v, with tags %q shown", when, matched, want)
		}
	}
	shown("new", "")
	clock.Advance(2 * time.Second)
	shown("after 2s", "env=dev")

	resource := "qcs::cvm:" + testRegion + ":uin/:keypair/" + *kp.KeyId
	if err := e.modifyTags(resource, "env", "prod"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if err := e.modifyTags(resource, "owner", "me"); err != nil {
		t.Fatal(err)
	}
	shown("1s after the first change", "env=dev")
	clock.Advance(time.Second)
	shown("2s after the first change", "env=prod")
	clock.Advance(time.Second)
	shown("2s after the second change", "env=prod,owner=me")
}

// TestPartialDelete checks that DeleteKeyPairs of several ids deletes
// those it can and answers success; of one id it answers the error.
func TestPartialDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{PartialDelete: true})
	a, b, c := e.create(testRegion, "a"), e.create(testRegion, "b"), e.create(testRegion, "c")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000001"}, *c.KeyId); err != nil {
		t.Fatal(err)
	}
	// An unknown id still fails the whole call.
	wantCode(t, e.deleteKeys(testRegion, *a.KeyId, "skey-zzzzzzzz"), "InvalidKeyPairId.NotFound")
	if err := e.deleteKeys(testRegion, *a.KeyId, *c.KeyId); err != nil {
		t.Fatalf("delete of a and c: %v", err)
	}
	if got := ids(e.describe(testRegion)); fmt.Sprint(got) != fmt.Sprint([]string{*b.KeyId, *c.KeyId}) {
		t.Errorf("after deleting a and c: %v, want b and c (c is bound)", got)
	}
	wantCode(t, e.deleteKeys(testRegion, *c.KeyId), "InvalidParameterValue.KeyPairNotSupported")
	// Several ids of which none can go: success all the same.
	e.addInstance("ins-00000002", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000002"}, *b.KeyId); err != nil {
		t.Fatal(err)
	}
	if err := e.deleteKeys(testRegion, *b.KeyId, *c.KeyId); err != nil {
		t.Errorf("delete of two bound key pairs: %v", err)
	}
	if n := len(e.describe(testRegion)); n != 2 {
		t.Errorf("%d key pairs left, want 2", n)
	}
}

// TestTerminateLag checks a terminated instance: its key pairs list it
// for the lag, unbinding it answers InvalidInstanceId.NotFound and
// deleting them KeyPairNotSupported; then the binding clears.
func TestTerminateLag(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Config{Now: clock.Now, TerminateLag: 3 * time.Second})
	cc := ControlClient{URL: e.url}
	ctx := context.Background()
	kp := e.create(testRegion, "bound")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000001"}, *kp.KeyId); err != nil {
		t.Fatal(err)
	}
	if err := cc.Terminate(ctx, "ins-00000001", testRegion); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	// Terminating again changes nothing; changing it is refused.
	if err := cc.Terminate(ctx, "ins-00000001", testRegion); err != nil {
		t.Errorf("terminate again: %v", err)
	}
	if code := e.control(http.MethodPost, "/_emulator/instances", map[string]string{"InstanceId": "ins-00000001", "Region": testRegion, "State": "RUNNING"}, nil); code != http.StatusConflict {
		t.Errorf("starting a terminated instance: HTTP %d, want 409", code)
	}
	if err := cc.Terminate(ctx, "ins-zzzzzzzz", testRegion); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("terminating an unknown instance: %v, want 404", err)
	}
	during := func(when string) {
		t.Helper()
		got := e.describe(testRegion, *kp.KeyId)[0]
		if fmt.Sprint(derefs(got.AssociatedInstanceIds)) != "[ins-00000001]" {
			t.Errorf("%s: AssociatedInstanceIds %v, want the terminated instance", when, derefs(got.AssociatedInstanceIds))
		}
		wantCode(t, e.bind(testRegion, false, true, []string{"ins-00000001"}, *kp.KeyId), "InvalidInstanceId.NotFound")
		wantCode(t, e.bind(testRegion, true, true, []string{"ins-00000001"}, *kp.KeyId), "InvalidInstanceId.NotFound")
		err := e.deleteKeys(testRegion, *kp.KeyId)
		wantCode(t, err, "InvalidParameterValue.KeyPairNotSupported")
		if !strings.Contains(err.Error(), "ins-00000001") {
			t.Errorf("%s: the delete error does not name the instance: %v", when, err)
		}
		instances, err := cc.Instances(ctx)
		if err != nil || len(instances) != 1 || instances[0].State != "TERMINATED" {
			t.Errorf("%s: instances %+v (%v), want the one TERMINATED", when, instances, err)
		}
	}
	during("at once")
	clock.Advance(3*time.Second - time.Millisecond)
	during("after 3s less 1ms")
	clock.Advance(time.Millisecond)
	if got := e.describe(testRegion, *kp.KeyId)[0]; len(got.AssociatedInstanceIds) != 0 {
		t.Errorf("after the lag: AssociatedInstanceIds %v", derefs(got.AssociatedInstanceIds))
	}
	if instances, err := cc.Instances(ctx); err != nil || len(instances) != 0 {
		t.Errorf("after the lag: instances %+v (%v), want none", instances, err)
	}
	if err := e.deleteKeys(testRegion, *kp.KeyId); err != nil {
		t.Errorf("delete after the lag: %v", err)
	}

	// Without a lag the binding clears at once.
	now := newEnv(t, Config{})
	kp = now.create(testRegion, "bound")
	now.addInstance("ins-00000002", testRegion, "STOPPED", "LINUX")
	if err := now.bind(testRegion, true, false, []string{"ins-00000002"}, *kp.KeyId); err != nil {
		t.Fatal(err)
	}
	if err := (ControlClient{URL: now.url}).Terminate(ctx, "ins-00000002", testRegion); err != nil {
		t.Fatal(err)
	}
	if got := now.describe(testRegion, *kp.KeyId)[0]; len(got.AssociatedInstanceIds) != 0 {
		t.Errorf("without a lag: AssociatedInstanceIds %v", derefs(got.AssociatedInstanceIds))
	}
	if err := now.deleteKeys(testRegion, *kp.KeyId); err != nil {
		t.Errorf("without a lag: delete: %v", err)
	}
}

// TestImages checks that a key pair an image holds cannot be deleted, with
// the image named, until the image is gone; and the images control API.
func TestImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	cc := ControlClient{URL: e.url}
	ctx := context.Background()
	k1, k2 := e.create(testRegion, "k1"), e.create(testRegion, "k2")
	if err := cc.SetImage(ctx, Image{ImageID: "img-abcd1234", Region: testRegion, KeyIDs: []string{*k1.KeyId, *k1.KeyId}}); err != nil {
		t.Fatalf("set image: %v", err)
	}
	if err := cc.SetImage(ctx, Image{ImageID: "img-abcd5678", Region: "ap-tokyo", KeyIDs: []string{*k1.KeyId}}); err != nil {
		t.Fatalf("set image in another region (account scope): %v", err)
	}
	images, err := cc.Images(ctx)
	if err != nil || len(images) != 2 || images[0].ImageID != "img-abcd1234" || fmt.Sprint(images[0].KeyIDs) != fmt.Sprint([]string{*k1.KeyId}) {
		t.Fatalf("images = %+v (%v)", images, err)
	}
	err = e.deleteKeys(testRegion, *k1.KeyId)
	wantCode(t, err, "InvalidParameterValue.KeyPairNotSupported")
	if !strings.Contains(err.Error(), "used by image img-abcd1234, img-abcd5678") {
		t.Errorf("the delete error does not name the images: %v", err)
	}
	// All or nothing without PartialDelete.
	wantCode(t, e.deleteKeys(testRegion, *k2.KeyId, *k1.KeyId), "InvalidParameterValue.KeyPairNotSupported")
	if err := e.deleteKeys(testRegion, *k2.KeyId); err != nil {
		t.Errorf("delete of k2: %v", err)
	}
	for _, id := range []string{"img-abcd1234", "img-abcd5678"} {
		if err := cc.DeleteImage(ctx, id); err != nil {
			t.Fatalf("delete image %s: %v", id, err)
		}
	}
	if err := e.deleteKeys(testRegion, *k1.KeyId); err != nil {
		t.Errorf("delete of k1 once its images are gone: %v", err)
	}

	e.expectControlStatuses([]controlCase{
		{http.MethodPost, "/_emulator/images", `{"ImageId":"img-1","Region":"ap-guangzhou","KeyIds":[]}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/images", `{"ImageId":"img-abcd1234","Region":"mars","KeyIds":[]}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/images", `{"ImageId":"img-abcd1234","Region":"ap-guangzhou","KeyIds":["skey_1"]}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/images", `{"ImageId":"img-abcd1234","Region":"ap-guangzhou","KeyIds":["skey-zzzzzzzz"]}`, http.StatusNotFound},
		{http.MethodPost, "/_emulator/images", `{"ImageId":"img-abcd1234","Region":"ap-guangzhou","Colour":1}`, http.StatusBadRequest},
		{http.MethodPut, "/_emulator/images", ``, http.StatusMethodNotAllowed},
		{http.MethodDelete, "/_emulator/images/img-zzzzzzzz", ``, http.StatusNotFound},
		{http.MethodGet, "/_emulator/images/img-zzzzzzzz", ``, http.StatusMethodNotAllowed},
	})

	// In region scope an image holds the key pairs of its region only.
	r := newEnv(t, Config{Scope: ScopeRegion})
	kp := r.create(testRegion, "k")
	if code := r.control(http.MethodPost, "/_emulator/images", Image{ImageID: "img-abcd1234", Region: "ap-tokyo", KeyIDs: []string{*kp.KeyId}}, nil); code != http.StatusNotFound {
		t.Errorf("an image in ap-tokyo of a key pair of %s: HTTP %d, want 404", testRegion, code)
	}
}

// TestImagesPersist checks that images and terminated instances survive a
// restart from the state file.
func TestImagesPersist(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	cfg := Config{KeyBits: 1024, StateFile: filepath.Join(t.TempDir(), "state.json"), Now: clock.Now, TerminateLag: time.Minute}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvFor(t, srv)
	kp := e.create(testRegion, "kept")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000001"}, *kp.KeyId); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := (ControlClient{URL: e.url}).SetImage(ctx, Image{ImageID: "img-abcd1234", Region: testRegion, KeyIDs: []string{*kp.KeyId}}); err != nil {
		t.Fatal(err)
	}
	if err := (ControlClient{URL: e.url}).Terminate(ctx, "ins-00000001", testRegion); err != nil {
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
	e2 := newEnvFor(t, srv2)
	cc := ControlClient{URL: e2.url}
	images, err := cc.Images(ctx)
	if err != nil || len(images) != 1 || images[0].ImageID != "img-abcd1234" {
		t.Errorf("images after restart: %+v (%v)", images, err)
	}
	instances, err := cc.Instances(ctx)
	if err != nil || len(instances) != 1 || instances[0].State != "TERMINATED" {
		t.Errorf("instances after restart: %+v (%v)", instances, err)
	}
	err = e2.deleteKeys(testRegion, *kp.KeyId)
	if errCode(err) != "InvalidParameterValue.KeyPairNotSupported" || !strings.Contains(err.Error(), "ins-00000001") || !strings.Contains(err.Error(), "img-abcd1234") {
		t.Errorf("delete after restart: %v, want it refused naming the instance and the image", err)
	}
	clock.Advance(time.Minute)
	if instances, _ := cc.Instances(ctx); len(instances) != 0 {
		t.Errorf("the terminated instance outlived its lag after a restart: %+v", instances)
	}
}

// TestForceStopRestart checks that with RestartAfterForceStop an instance
// that was running runs again after binding or unbinding with ForceStop.
func TestForceStopRestart(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{{RestartAfterForceStop: true}, {Strict: true, VisibilityLag: -1}} {
		e := newEnv(t, cfg)
		kp := e.create(testRegion, "k")
		e.addInstance("ins-running1", testRegion, "RUNNING", "LINUX")
		e.addInstance("ins-stopped1", testRegion, "STOPPED", "LINUX")
		states := func() string {
			t.Helper()
			instances, err := (ControlClient{URL: e.url}).Instances(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, in := range instances {
				out = append(out, in.InstanceID+"="+in.State)
			}
			return strings.Join(out, " ")
		}
		both := []string{"ins-running1", "ins-stopped1"}
		wantCode(t, e.bind(testRegion, true, false, both, *kp.KeyId), "UnsupportedOperation.InstanceStateRunning")
		for _, associate := range []bool{true, false} {
			if err := e.bind(testRegion, associate, true, both, *kp.KeyId); err != nil {
				t.Fatalf("%+v: bind %v with ForceStop: %v", cfg, associate, err)
			}
			if got := states(); got != "ins-running1=RUNNING ins-stopped1=STOPPED" {
				t.Errorf("%+v: after bind %v with ForceStop: %s", cfg, associate, got)
			}
		}
	}
}

// TestNumericKeyComments checks the comment of generated public keys.
func TestNumericKeyComments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{NumericKeyComments: true})
	seen := map[string]bool{}
	for i := range 3 {
		kp := e.create(testRegion, fmt.Sprintf("k%d", i))
		fields := strings.Fields(*kp.PublicKey)
		if len(fields) != 3 || !regexp.MustCompile(`^skey_[0-9]+$`).MatchString(fields[2]) {
			t.Errorf("public key %q: want the comment skey_ and a number", *kp.PublicKey)
			continue
		}
		if seen[fields[2]] {
			t.Errorf("comment %s given twice", fields[2])
		}
		seen[fields[2]] = true
	}
}

// TestDescribeFilterLimits checks the limits of 10 filters and 5 values.
func TestDescribeFilterLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	e.create(testRegion, "a")
	describe := func(filters int, values int) error {
		req := cvm.NewDescribeKeyPairsRequest()
		for range filters {
			var vs []string
			for i := range values {
				vs = append(vs, fmt.Sprintf("a%d", i))
			}
			vs[0] = "a"
			req.Filters = append(req.Filters, &cvm.Filter{Name: ptr("key-name"), Values: ptrs(vs...)})
		}
		resp, err := e.cvm(testRegion).DescribeKeyPairs(req)
		if err == nil && *resp.Response.TotalCount != 1 {
			t.Errorf("%d filters of %d values: %d key pairs, want 1", filters, values, *resp.Response.TotalCount)
		}
		return err
	}
	wantCode(t, describe(10, 5), "")
	wantCode(t, describe(11, 1), "InvalidParameterValue.LimitExceeded")
	wantCode(t, describe(1, 6), "InvalidFilterValue.LimitExceeded")
	wantCode(t, describe(11, 6), "InvalidParameterValue.LimitExceeded")
}

// TestStrict runs the behaviours together, as --strict does, on a fake
// clock.
func TestStrict(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, Config{Strict: true, Now: clock.Now})
	kp := e.create("ap-shanghai", "strict", "env", "dev")
	if kp.Tags != nil || kp.CreatedTime != nil || kp.PrivateKey == nil {
		t.Errorf("strict create answered %s, want the lean answer", cvmJSON(kp))
	}
	if got := e.describe(testRegion); len(got) != 0 {
		t.Errorf("listed at once: %v", ids(got))
	}
	clock.Advance(StrictVisibilityLag)
	got := e.describe(testRegion)
	if len(got) != 1 || len(got[0].Tags) != 0 {
		t.Fatalf("after the visibility lag, from another region: %v, want the key pair without tags yet", ids(got))
	}
	clock.Advance(StrictTagLag - StrictVisibilityLag)
	if got := e.describe(testRegion); tagList(got[0].Tags) != "env=dev" {
		t.Errorf("after the tag lag: tags %q", tagList(got[0].Tags))
	}
}
