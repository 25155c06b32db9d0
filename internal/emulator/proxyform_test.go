package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// proxied is a transport that sends every request to the emulator as to
// an HTTP proxy, as HTTP_PROXY makes Go's default transport do: plain
// http URLs go in absolute form, https ones through CONNECT.
func (e *testEnv) proxied() *http.Transport {
	u, err := url.Parse(e.url)
	if err != nil {
		e.t.Fatal(err)
	}
	return &http.Transport{Proxy: http.ProxyURL(u), DisableKeepAlives: true}
}

// proxiedProfile is the official provider's profile with
// TENCENTCLOUD_PROTOCOL=HTTP: no endpoint, so the SDK calls
// <service>.tencentcloudapi.com (or endpoint, when not empty).
func proxiedProfile(scheme, endpoint string) *profile.ClientProfile {
	prof := profile.NewClientProfile()
	prof.HttpProfile.Scheme = scheme
	prof.HttpProfile.Endpoint = endpoint
	prof.HttpProfile.ReqTimeout = 30
	return prof
}

// TestSignedAPI_proxyForm checks that the signed API answers calls sent to
// it as to a proxy for Tencent Cloud's public endpoints, the only way to
// point the official provider at it (TENCENTCLOUD_PROTOCOL=HTTP and
// HTTP_PROXY), with the signature checked against the host the client
// signed; and that it answers neither other hosts in that form nor the
// control API.
func TestSignedAPI_proxyForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	cred := common.NewCredential(DemoSecretID, DemoSecretKey)

	// The SDK as the official provider sets it up: cvm and tag clients on
	// their public host names, through the emulator as a proxy.
	cvmClient, err := cvm.NewClient(cred, testRegion, proxiedProfile("http", ""))
	if err != nil {
		t.Fatal(err)
	}
	cvmClient.WithHttpTransport(e.proxied())
	create := cvm.NewCreateKeyPairRequest()
	create.KeyName, create.ProjectId = ptr("proxied"), ptr(int64(0))
	made, err := cvmClient.CreateKeyPair(create)
	if err != nil {
		t.Fatalf("CreateKeyPair through the proxy form: %v", err)
	}
	id := *made.Response.KeyPair.KeyId
	tagClient, err := tagsdk.NewClient(cred, testRegion, proxiedProfile("http", ""))
	if err != nil {
		t.Fatal(err)
	}
	tagClient.WithHttpTransport(e.proxied())
	modify := tagsdk.NewModifyResourceTagsRequest()
	modify.Resource = ptr("qcs::cvm:" + testRegion + ":uin/:keypair/" + id)
	modify.ReplaceTags = []*tagsdk.Tag{{TagKey: ptr("team"), TagValue: ptr("ops")}}
	if _, err := tagClient.ModifyResourceTags(modify); err != nil {
		t.Fatalf("ModifyResourceTags through the proxy form: %v", err)
	}
	read := tagsdk.NewDescribeResourceTagsByResourceIdsRequest()
	read.ServiceType, read.ResourcePrefix, read.ResourceRegion = ptr("cvm"), ptr("keypair"), ptr(testRegion)
	read.ResourceIds, read.Limit, read.Offset = ptrs(id), ptr(uint64(20)), ptr(uint64(0))
	tags, err := tagClient.DescribeResourceTagsByResourceIds(read)
	if err != nil || len(tags.Response.Tags) != 1 || *tags.Response.Tags[0].TagValue != "ops" {
		t.Fatalf("DescribeResourceTagsByResourceIds through the proxy form: %v, %v", err, tags)
	}
	// A regional host name is one of the public endpoints too.
	regional, err := cvm.NewClient(cred, testRegion, proxiedProfile("http", "cvm."+testRegion+".tencentcloudapi.com"))
	if err != nil {
		t.Fatal(err)
	}
	regional.WithHttpTransport(e.proxied())
	describe := cvm.NewDescribeKeyPairsRequest()
	describe.KeyIds = ptrs(id)
	if got, err := regional.DescribeKeyPairs(describe); err != nil || len(got.Response.KeyPairSet) != 1 {
		t.Fatalf("DescribeKeyPairs at the regional host: %v", err)
	}
	calls := e.stats().Calls

	proxyClient := &http.Client{Transport: e.proxied()}
	send := func(req *http.Request) (code, msg string) {
		t.Helper()
		resp, err := proxyClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var env envelope
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Response.Error == nil {
			t.Fatalf("%s: want an error envelope (%v)", req.URL, err)
		}
		return env.Response.Error.Code, env.Response.Error.Message
	}
	// signedFor is a call signed for host and sent in proxy form to the
	// URL target.
	signedFor := func(host, target string) *http.Request {
		req := e.raw(rawCall{Action: "DescribeKeyPairs", Host: host})
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		// Go's client names req.Host, when set, in the request line of
		// the proxy form: the target must be both.
		req.URL, req.Host = u, u.Host
		return req
	}
	// The signature is checked against the host of the request's target,
	// which the client signed: not against another.
	if code, _ := send(signedFor("cvm.tencentcloudapi.com", "http://tag.tencentcloudapi.com/")); code != "AuthFailure.SignatureFailure" {
		t.Errorf("a call signed for another host: %s, want AuthFailure.SignatureFailure", code)
	}
	// Hosts outside tencentcloudapi.com stay refused in proxy form too.
	for _, host := range []string{"evil.example", "tencentcloudapi.com", "cvm.tencentcloudapi.com.evil.example", "eviltencentcloudapi.com", "cvm..tencentcloudapi.com"} {
		if code, msg := send(signedFor(host, "http://"+host+"/")); code != "AuthFailure.UnauthorizedOperation" {
			t.Errorf("proxy form for %s: %s (%s), want AuthFailure.UnauthorizedOperation", host, code, msg)
		}
	}
	if got := e.stats().Calls; got["DescribeKeyPairs"] != calls["DescribeKeyPairs"] {
		t.Errorf("DescribeKeyPairs calls went from %d to %d: refused calls were counted", calls["DescribeKeyPairs"], got["DescribeKeyPairs"])
	}

	// The control API answers no proxy-form call for a public endpoint.
	ctl, err := http.NewRequest(http.MethodGet, "http://cvm.tencentcloudapi.com/_emulator/stats", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := proxyClient.Do(ctl)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("control API in proxy form: HTTP %d, want 403", resp.StatusCode)
	}

	// https through the emulator as a proxy (a CONNECT) is refused with a
	// reason that says what to set.
	tlsClient, err := cvm.NewClient(cred, testRegion, proxiedProfile("https", ""))
	if err != nil {
		t.Fatal(err)
	}
	tlsClient.WithHttpTransport(e.proxied())
	_, err = tlsClient.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
	if err == nil || !strings.Contains(err.Error(), "TENCENTCLOUD_PROTOCOL=HTTP") {
		t.Logf("https: %v", err)
		t.Errorf("https through the proxy: %v, want an error that says to set TENCENTCLOUD_PROTOCOL=HTTP", err)
	}
}
