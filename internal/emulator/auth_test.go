package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func TestSignature(t *testing.T) {
	t.Parallel()
	// The host of another service, allowed so that the call gets past
	// the Host check: the emulator routes by action, not by host.
	e := newEnv(t, Config{AllowHosts: []string{"tag.tencentcloudapi.com"}})
	describe := rawCall{Action: "DescribeKeyPairs"}
	with := func(mod func(*rawCall)) rawCall {
		c := describe
		mod(&c)
		return c
	}
	authz := func(s string) *string { return &s }

	// A valid raw call, and one with all header names in lower case.
	if code, msg, _ := e.do(e.raw(describe)); code != "" {
		t.Fatalf("valid raw call: %s %s", code, msg)
	}
	lower := e.raw(describe)
	for k, v := range lower.Header {
		delete(lower.Header, k)
		lower.Header[strings.ToLower(k)] = v
	}
	if code, msg, _ := e.do(lower); code != "" {
		t.Errorf("lower-case header names: %s %s", code, msg)
	}

	tests := []struct {
		name string
		call rawCall
		code string
	}{
		{"extra signed headers", with(func(c *rawCall) {
			c.SignedHeaders = []string{"content-type", "host", "x-tc-action", "x-tc-timestamp"}
		}), ""},
		{"signed headers in another order", with(func(c *rawCall) { c.SignedHeaders = []string{"host", "x-tc-region", "content-type"} }), ""},
		{"lower-cased values signed", with(func(c *rawCall) {
			c.SignedHeaders = []string{"content-type", "host", "x-tc-action"}
			c.LowerValues = true
		}), ""},
		{"host ignored for routing", with(func(c *rawCall) { c.Host = "tag.tencentcloudapi.com" }), ""},
		{"wrong secret key", with(func(c *rawCall) { c.SecretID, c.SecretKey = DemoSecretID, "wrong" }), "AuthFailure.SignatureFailure"},
		{"unknown secret id", with(func(c *rawCall) { c.SecretID, c.SecretKey = "AKIDunknown", "x" }), "AuthFailure.SecretIdNotFound"},
		{"stale timestamp", with(func(c *rawCall) { c.Timestamp = time.Now().Add(-6 * time.Minute) }), "AuthFailure.SignatureExpire"},
		{"future timestamp", with(func(c *rawCall) { c.Timestamp = time.Now().Add(6 * time.Minute) }), "AuthFailure.SignatureExpire"},
		{"4 minutes old", with(func(c *rawCall) { c.Timestamp = time.Now().Add(-4 * time.Minute) }), ""},
		{"missing authorization", with(func(c *rawCall) { c.Authorization = authz("") }), "AuthFailure.InvalidAuthorization"},
		{"other algorithm", with(func(c *rawCall) { c.Authorization = authz("HmacSHA256 Credential=x") }), "AuthFailure.InvalidAuthorization"},
		{"garbage", with(func(c *rawCall) { c.Authorization = authz("TC3-HMAC-SHA256 nonsense") }), "AuthFailure.InvalidAuthorization"},
		{"short scope", with(func(c *rawCall) {
			c.Authorization = authz("TC3-HMAC-SHA256 Credential=" + DemoSecretID + "/cvm/tc3_request, SignedHeaders=content-type;host, Signature=00")
		}), "AuthFailure.InvalidAuthorization"},
		{"host not signed", with(func(c *rawCall) { c.SignedHeaders = []string{"content-type"} }), "AuthFailure.InvalidAuthorization"},
		{"signed body", with(func(c *rawCall) { c.Body = `{"Limit":5}` }), ""},
		{"missing timestamp", with(func(c *rawCall) { c.Headers = map[string]string{"X-TC-Timestamp": ""} }), "MissingParameter"},
		{"token with permanent key", with(func(c *rawCall) { c.Token = "tok" }), "AuthFailure.TokenFailure"},
	}
	for _, tt := range tests {
		code, msg, _ := e.do(e.raw(tt.call))
		if code != tt.code {
			t.Errorf("%s: code %q (%s), want %q", tt.name, code, msg, tt.code)
		}
		if strings.Contains(msg, DemoSecretKey) {
			t.Errorf("%s: the message leaks the secret key: %s", tt.name, msg)
		}
	}

	// A body changed after signing fails.
	tampered := e.raw(with(func(c *rawCall) { c.Body = `{"Limit":1}` }))
	tampered.Body, tampered.ContentLength = e.raw(with(func(c *rawCall) { c.Body = `{"Limit":2}` })).Body, int64(len(`{"Limit":2}`))
	if code, _, _ := e.do(tampered); code != "AuthFailure.SignatureFailure" {
		t.Errorf("tampered body: code %q, want AuthFailure.SignatureFailure", code)
	}

	// The scope date must be the timestamp's date.
	c := describe
	c.Timestamp = time.Now()
	r := e.raw(c)
	auth := r.Header["Authorization"][0]
	today := c.Timestamp.UTC().Format("2006-01-02")
	r.Header["Authorization"] = []string{strings.Replace(auth, today, "2001-01-01", 1)}
	code, msg, _ := e.do(r)
	if code != "AuthFailure.SignatureFailure" {
		t.Errorf("scope date mismatch: %q %s", code, msg)
	}
	if strings.Contains(msg, strings.TrimPrefix(auth[strings.Index(auth, "Signature="):], "Signature=")) {
		t.Error("the message repeats the signature")
	}
}

// TestReplay sends the identical signed request twice, as the SDK's
// rate-limit retry does.
func TestReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	first := e.raw(rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"replayed","ProjectId":0}`})
	second := first.Clone(first.Context())
	second.Body, _ = first.GetBody()
	if code, msg, _ := e.do(first); code != "" {
		t.Fatalf("first: %s %s", code, msg)
	}
	// The replay is authenticated and reaches the action, which refuses
	// the duplicate name.
	if code, _, _ := e.do(second); code != "InvalidKeyPairName.Duplicate" {
		t.Errorf("replay: code %q, want InvalidKeyPairName.Duplicate", code)
	}
}

func TestClockSkew(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Now: func() time.Time { return time.Now().Add(10 * time.Minute) }})
	_, err := e.cvm(testRegion).DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
	wantCode(t, err, "AuthFailure.SignatureExpire")
}

func TestTemporaryCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Credentials: []Credential{
		{SecretID: "AKIDtemp", SecretKey: "temp-key", Token: "the-token", Expires: time.Now().Add(time.Hour)},
		{SecretID: "AKIDexpired", SecretKey: "old-key", Token: "old-token", Expires: time.Now().Add(-time.Second)},
	}})
	call := func(id, key, token string) error {
		_, err := e.cvmWith(common.NewTokenCredential(id, key, token), testRegion).DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
		return err
	}
	if err := call("AKIDtemp", "temp-key", "the-token"); err != nil {
		t.Fatalf("temporary credential: %v", err)
	}
	for name, err := range map[string]error{
		"wrong token":   call("AKIDtemp", "temp-key", "other"),
		"no token":      call("AKIDtemp", "temp-key", ""),
		"expired token": call("AKIDexpired", "old-key", "old-token"),
	} {
		wantCode(t, err, "AuthFailure.TokenFailure")
		if strings.Contains(err.Error(), "the-token") || strings.Contains(err.Error(), "old-token") {
			t.Errorf("%s: the message repeats the token: %v", name, err)
		}
	}
	// The demo pair is not accepted when credentials are configured, and
	// AddCredential adds one later.
	wantCode(t, call(DemoSecretID, DemoSecretKey, ""), "AuthFailure.SecretIdNotFound")
	e.srv.AddCredential(Credential{SecretID: "AKIDlater", SecretKey: "later-key"})
	if err := call("AKIDlater", "later-key", ""); err != nil {
		t.Errorf("added credential: %v", err)
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	tests := []struct {
		name string
		call rawCall
		code string
		msg  string
	}{
		{"unknown action", rawCall{Action: "RunInstances"}, "InvalidAction", ""},
		{"action of another product", rawCall{Service: "tag", Action: "DescribeKeyPairs"}, "InvalidAction", ""},
		{"unknown service", rawCall{Service: "cbs", Version: "2017-03-12", Action: "DescribeKeyPairs"}, "InvalidAction", ""},
		{"no action", rawCall{}, "MissingParameter", ""},
		{"unknown version", rawCall{Action: "DescribeKeyPairs", Version: "2020-01-01"}, "NoSuchVersion", ""},
		{"tag version on cvm", rawCall{Action: "DescribeKeyPairs", Version: "2018-08-13"}, "NoSuchVersion", ""},
		{"unknown region", rawCall{Action: "DescribeKeyPairs", Region: "mars-north-1"}, "UnsupportedRegion", ""},
		{"no region", rawCall{Action: "DescribeKeyPairs", Headers: map[string]string{"X-TC-Region": ""}}, "MissingParameter", ""},
		{"tag without region", rawCall{Service: "tag", Action: "ModifyResourceTags", Body: `{"Resource":"x","DeleteTags":[{"TagKey":"a"}]}`}, "InvalidParameterValue.ResourceDescriptionError", ""},
		{"unknown field", rawCall{Action: "DescribeKeyPairs", Body: `{"Limit":1,"Colour":"red"}`}, "UnknownParameter", "Colour"},
		{"field in other case", rawCall{Action: "DescribeKeyPairs", Body: `{"limit":1}`}, "UnknownParameter", "limit"},
		{"nested unknown field", rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"a","ProjectId":0,"TagSpecification":[{"ResourceType":"keypair","Tags":[{"Key":"a","Value":"b","Colour":1}]}]}`}, "UnknownParameter", "TagSpecification.0.Tags.0.Colour"},
		{"malformed json", rawCall{Action: "DescribeKeyPairs", Body: `{"Limit":`}, "InvalidParameter", ""},
		{"not an object", rawCall{Action: "DescribeKeyPairs", Body: `[1]`}, "InvalidParameter", ""},
		{"trailing data", rawCall{Action: "DescribeKeyPairs", Body: `{} {}`}, "InvalidParameter", ""},
		{"wrong type", rawCall{Action: "DescribeKeyPairs", Body: `{"Limit":"5"}`}, "InvalidParameter", "Limit"},
		{"fractional number", rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"a","ProjectId":0.5}`}, "InvalidParameter", "ProjectId"},
		{"null is absent", rawCall{Action: "CreateKeyPair", Body: `{"KeyName":null,"ProjectId":0}`}, "MissingParameter", "KeyName"},
	}
	for _, tt := range tests {
		code, msg, _ := e.do(e.raw(tt.call))
		if code != tt.code || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %q %q, want %q naming %q", tt.name, code, msg, tt.code, tt.msg)
		}
	}

	resp, err := http.Get(e.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET: HTTP %d, want 200 with an API error", resp.StatusCode)
	}
}
