package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

const testRegion = "ap-guangzhou"

// testEnv is one emulator behind httptest plus the helpers to call it.
type testEnv struct {
	t    testing.TB
	srv  *Server
	url  string // http://127.0.0.1:PORT
	host string // 127.0.0.1:PORT, what the SDK's Endpoint wants
	// transport, when not nil, carries every call of the helpers: the
	// in-memory network of a synctest bubble (newBubbleEnv).
	transport *http.Transport
}

// httpClient is the client of the helpers' plain HTTP calls.
func (e *testEnv) httpClient() *http.Client {
	if e.transport == nil {
		return http.DefaultClient
	}
	return &http.Client{Transport: e.transport}
}

// sdkClient points an SDK client at the env's transport, if it has one.
func (e *testEnv) sdkClient(c *common.Client) {
	if e.transport != nil {
		c.WithHttpTransport(e.transport)
	}
}

// newEnv starts an emulator. Tests use 1024-bit keys unless they set
// KeyBits, to keep the run fast.
func newEnv(t testing.TB, cfg Config) *testEnv {
	t.Helper()
	if cfg.KeyBits == 0 {
		cfg.KeyBits = 1024
	}
	srv, url := NewTestServer(t, cfg)
	return &testEnv{t: t, srv: srv, url: url, host: strings.TrimPrefix(url, "http://")}
}

func (e *testEnv) profile() *profile.ClientProfile {
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = e.host
	prof.HttpProfile.Scheme = "http"
	prof.HttpProfile.ReqTimeout = 30
	return prof
}

func (e *testEnv) cvm(region string) *cvm.Client {
	return e.cvmWith(common.NewCredential(DemoSecretID, DemoSecretKey), region)
}

func (e *testEnv) cvmWith(cred common.CredentialIface, region string) *cvm.Client {
	e.t.Helper()
	c, err := cvm.NewClient(cred, region, e.profile())
	if err != nil {
		e.t.Fatalf("cvm client: %v", err)
	}
	e.sdkClient(&c.Client)
	return c
}

func (e *testEnv) tag(region string) *tagsdk.Client {
	e.t.Helper()
	c, err := tagsdk.NewClient(common.NewCredential(DemoSecretID, DemoSecretKey), region, e.profile())
	if err != nil {
		e.t.Fatalf("tag client: %v", err)
	}
	e.sdkClient(&c.Client)
	return c
}

// create makes a key pair through the SDK and fails the test on error.
func (e *testEnv) create(region, name string, tags ...string) *cvm.KeyPair {
	e.t.Helper()
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName = ptr(name)
	req.ProjectId = ptr(int64(0))
	if len(tags) > 0 {
		spec := &cvm.TagSpecification{ResourceType: ptr("keypair")}
		for i := 0; i+1 < len(tags); i += 2 {
			spec.Tags = append(spec.Tags, &cvm.Tag{Key: ptr(tags[i]), Value: ptr(tags[i+1])})
		}
		req.TagSpecification = []*cvm.TagSpecification{spec}
	}
	resp, err := e.cvm(region).CreateKeyPair(req)
	if err != nil {
		e.t.Fatalf("create key pair %s: %v", name, err)
	}
	return resp.Response.KeyPair
}

// describe returns the key pairs of a region whose ids are given (all when
// none are).
func (e *testEnv) describe(region string, ids ...string) []*cvm.KeyPair {
	e.t.Helper()
	req := cvm.NewDescribeKeyPairsRequest()
	req.KeyIds = ptrs(ids...)
	req.Limit = ptr(int64(100))
	resp, err := e.cvm(region).DescribeKeyPairs(req)
	if err != nil {
		e.t.Fatalf("describe key pairs: %v", err)
	}
	return resp.Response.KeyPairSet
}

// control calls the control API and decodes the JSON answer into out.
func (e *testEnv) control(method, path string, in, out any) int {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	// The control API takes JSON only, also for calls without a body.
	req.Header.Set("Content-Type", "application/json")
	// A connection of its own: tests with short server timeouts close idle
	// connections within 100 ms, and a PUT sent on one as it closes fails
	// ("server closed idle connection"; net/http sends only idempotent
	// methods again).
	req.Close = true
	resp, err := e.httpClient().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func (e *testEnv) addInstance(id, region, state, os string) {
	e.t.Helper()
	in := map[string]string{"InstanceId": id, "Region": region, "State": state, "OsType": os}
	if code := e.control(http.MethodPost, "/_emulator/instances", in, nil); code != http.StatusOK {
		e.t.Fatalf("add instance %s: HTTP %d", id, code)
	}
}

func (e *testEnv) stats() Stats {
	e.t.Helper()
	var st Stats
	e.control(http.MethodGet, "/_emulator/stats", nil, &st)
	return st
}

// errCode returns the API error code of an SDK error, or "" for nil.
func errCode(err error) string {
	if err == nil {
		return ""
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return sdkErr.Code
	}
	return "not an SDK error: " + err.Error()
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := errCode(err); got != code {
		t.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
}

// throttledOf sends n calls at once and counts those answered
// RequestLimitExceeded; any other error fails the test.
func throttledOf(t testing.TB, n int, call func() error) (throttled int) {
	t.Helper()
	codes := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { codes <- errCode(call()) })
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		switch code {
		case "":
		case "RequestLimitExceeded":
			throttled++
		default:
			t.Fatalf("call: %s", code)
		}
	}
	return throttled
}

func ptr[T any](v T) *T { return &v }

func ptrs(vs ...string) []*string {
	out := make([]*string, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// rawCall is a hand-made API call, for the cases the SDK cannot produce.
type rawCall struct {
	Service, Action, Version, Region string
	Body                             string
	SecretID, SecretKey, Token       string
	Timestamp                        time.Time
	SignedHeaders                    []string          // default content-type, host
	Headers                          map[string]string // sent as given, names not canonicalised
	Authorization                    *string           // overrides the computed header
	Host                             string            // the Host header; default the server's
	LowerValues                      bool              // sign lower-cased header values
}

// raw fills in the defaults and returns the request, signed like the SDK
// unless told otherwise.
func (e *testEnv) raw(c rawCall) *http.Request {
	e.t.Helper()
	if c.Service == "" {
		c.Service = "cvm"
	}
	if c.Version == "" {
		c.Version = map[string]string{"cvm": "2017-03-12", "tag": "2018-08-13"}[c.Service]
	}
	if c.Region == "" && c.Service == "cvm" {
		c.Region = testRegion
	}
	if c.Body == "" {
		c.Body = "{}"
	}
	if c.SecretID == "" {
		c.SecretID, c.SecretKey = DemoSecretID, DemoSecretKey
	}
	if c.Timestamp.IsZero() {
		c.Timestamp = time.Now()
	}
	if c.SignedHeaders == nil {
		c.SignedHeaders = []string{"content-type", "host"}
	}
	if c.Host == "" {
		c.Host = e.host
	}
	req, err := http.NewRequest(http.MethodPost, e.url+"/", strings.NewReader(c.Body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Host = c.Host
	ts := strconv.FormatInt(c.Timestamp.Unix(), 10)
	headers := map[string]string{
		"Content-Type":   "application/json",
		"X-TC-Action":    c.Action,
		"X-TC-Version":   c.Version,
		"X-TC-Timestamp": ts,
	}
	if c.Region != "" {
		headers["X-TC-Region"] = c.Region
	}
	if c.Token != "" {
		headers["X-TC-Token"] = c.Token
	}
	for k, v := range c.Headers {
		headers[k] = v
	}
	for k, v := range headers {
		// Assigning the map entry keeps the name exactly as written, so
		// that tests can send lower-case names.
		req.Header[k] = []string{v}
	}
	var canonical strings.Builder
	for _, name := range c.SignedHeaders {
		v := c.Host
		if name != "host" {
			v = headerFold(headers, name)
		}
		if c.LowerValues {
			v = strings.ToLower(v)
		}
		canonical.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
	}
	date := c.Timestamp.UTC().Format("2006-01-02")
	signed := strings.Join(c.SignedHeaders, ";")
	sig := signTC3(c.SecretKey, c.Service, date, ts, canonical.String(), signed, sha256Hex([]byte(c.Body)))
	auth := tc3Algorithm + " Credential=" + c.SecretID + "/" + date + "/" + c.Service + "/tc3_request, SignedHeaders=" + signed + ", Signature=" + sig
	if c.Authorization != nil {
		auth = *c.Authorization
	}
	if auth != "" {
		req.Header["Authorization"] = []string{auth}
	}
	return req
}

func headerFold(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// envelope is the decoded answer of a raw call.
type envelope struct {
	Response struct {
		Error *struct {
			Code    string
			Message string
		}
		RequestId string
	}
}

// do sends a raw call and returns the error code ("" on success), the
// message and the whole body.
func (e *testEnv) do(req *http.Request) (code, message string, body []byte) {
	e.t.Helper()
	resp, err := e.httpClient().Do(req)
	if err != nil {
		e.t.Fatalf("raw call: %v", err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("raw call: HTTP %d, want 200: %s", resp.StatusCode, body)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		e.t.Fatalf("raw call: decode %s: %v", body, err)
	}
	if env.Response.RequestId == "" {
		e.t.Fatalf("raw call: no RequestId in %s", body)
	}
	if env.Response.Error != nil {
		return env.Response.Error.Code, env.Response.Error.Message, body
	}
	return "", "", body
}

// controlCase is a control API request and the HTTP status it must get.
type controlCase struct {
	method, path, body string
	status             int
}

// expectControlStatuses sends each request, with a JSON body, to the
// control API and checks the status of its answer.
func (e *testEnv) expectControlStatuses(cases []controlCase) {
	e.t.Helper()
	for _, tt := range cases {
		req, err := http.NewRequest(tt.method, e.url+tt.path, strings.NewReader(tt.body))
		if err != nil {
			e.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Close = true // as in control
		resp, err := e.httpClient().Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			e.t.Errorf("%s %s %s: HTTP %d, want %d", tt.method, tt.path, tt.body, resp.StatusCode, tt.status)
		}
	}
}
