package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

const testRegion = "ap-guangzhou"

const testRoleArn = "qcs::cam::uin/" + emulator.DemoUin + ":roleName/deployer"

// newTestClient starts an emulator and returns a client for it whose calls
// are recorded into dir, and the emulator's control API.
func newTestClient(t *testing.T, dir string, rateLimit float64) (*client.Client, emulator.ControlClient) {
	t.Helper()
	_, url := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, FirstKeyID: 1})
	c, err := client.New(client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey,
		Region: testRegion, Endpoint: url, RateLimit: rateLimit, MaxRetries: client.DefaultMaxRetries,
		WrapTransport: Recorder(dir),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, emulator.ControlClient{URL: url}
}

// capturedAnswers keeps the answers that reach the recorder as they came,
// so that a test can look for their secrets in the snapshot.
type capturedAnswers struct {
	mu  sync.Mutex
	raw [][]byte
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// wrap returns next, keeping a copy of every answer body.
func (c *capturedAnswers) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		c.mu.Lock()
		c.raw = append(c.raw, body)
		c.mu.Unlock()
		return resp, err
	})
}

func stats(t *testing.T, ctl emulator.ControlClient) emulator.Stats {
	t.Helper()
	s, err := ctl.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// createN creates n key pairs at once and returns their ids.
func createN(t *testing.T, c *client.Client, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kp, err := c.CreateKeyPair(context.Background(), fmt.Sprintf("k%d", i), 0, nil)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = kp.ID
		}()
	}
	wg.Wait()
	return ids
}

// recordedSnapshot reads the one snapshot file in dir, checking that it is
// JSON as a whole, and returns its text and its content.
func recordedSnapshot(t *testing.T, dir string) (string, File) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("snapshot files %v, want one", files)
	}
	if !regexp.MustCompile(`^\d+-\d+-\d+\.json$`).MatchString(filepath.Base(files[0])) {
		t.Errorf("file name %s, want <unix-nanos>-<pid>-<n>.json", filepath.Base(files[0]))
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("the snapshot is not JSON: %v\n%s", err, raw)
	}
	if f.Format != Format || f.Target != "endpoint" {
		t.Errorf("format %d, target %q", f.Format, f.Target)
	}
	return string(raw), f
}

// at walks a decoded JSON value along keys (object fields, or array
// indexes written as numbers).
func at(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// A create, describe, import, modify, tag change and delete are recorded
// in order, with no secret, no real id and no request id, and with the
// same placeholder for the same id in every exchange.
func TestSnapshot_recordsNormalizedExchanges(t *testing.T) {
	dir := t.TempDir()
	c, _ := newTestClient(t, dir, 100)
	ctx := context.Background()

	created, err := c.CreateKeyPair(ctx, "snap_created", 0, map[string]string{"team": "infra"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeKeyPair(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	pub, _, err := acctest.RandSSHKeyPair("alice@example")
	if err != nil {
		t.Fatal(err)
	}
	importedKP, err := c.ImportKeyPair(ctx, "snap_imported", 0, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	importedID := importedKP.ID
	newName, desc := "snap_renamed", "described"
	if err := c.ModifyKeyPair(ctx, importedID, &newName, &desc); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyTags(ctx, created.ID, map[string]string{"env": "dev"}, []string{"team"}); err != nil {
		t.Fatal(err)
	}
	imported, err := c.DescribeKeyPair(ctx, importedID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKeyPair(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKeyPair(ctx, importedID); err != nil {
		t.Fatal(err)
	}

	raw, f := recordedSnapshot(t, dir)
	for what, secret := range map[string]string{
		"a key id":            created.ID,
		"the other key id":    importedID,
		"the private key":     created.PrivateKey,
		"a PEM block":         "PRIVATE KEY",
		"the public key":      strings.Fields(pub)[1],
		"the generated key":   strings.Fields(created.PublicKey)[1],
		"the key comment":     "alice@example",
		"a signature":         "Signature",
		"the signing method":  "TC3-HMAC",
		"the secret id":       emulator.DemoSecretID,
		"the secret key":      emulator.DemoSecretKey,
		"a created time":      imported.CreatedTime,
		"the Authorization":   "Authorization",
		"the request headers": "X-TC-",
	} {
		if secret != "" && strings.Contains(raw, secret) {
			t.Errorf("the snapshot holds %s (%q)", what, secret)
		}
	}
	if m := uuidPattern.FindString(raw); m != "" {
		t.Errorf("the snapshot holds a request id %s", m)
	}

	for i, ex := range f.Exchanges {
		if ex.Status != 200 || ex.Note != "" || ex.Region != testRegion || ex.Version == "" {
			t.Errorf("exchange %d: %+v", i, ex)
		}
		if got := at(ex.Response, "Response", "RequestId"); got != placeholderRequestID {
			t.Errorf("exchange %d (%s): RequestId %v", i, ex.Action, got)
		}
		if at(ex.Response, "Response", "Error") != nil {
			t.Errorf("exchange %d (%s) failed: %v", i, ex.Action, ex.Response)
		}
	}
	// The client reads back after some changes (consistency.go), so the
	// checks find each call by its action, in order.
	pos := 0
	next := func(action string) Exchange {
		t.Helper()
		for ; pos < len(f.Exchanges); pos++ {
			if ex := f.Exchanges[pos]; ex.Action == action {
				pos++
				return ex
			}
		}
		t.Fatalf("no %s after exchange %d", action, pos)
		return Exchange{}
	}

	create := next("CreateKeyPair")
	if create.Service != "cvm" || create.Version != "2017-03-12" {
		t.Errorf("CreateKeyPair: service %q, version %q", create.Service, create.Version)
	}
	kp := at(create.Response, "Response", "KeyPair")
	for field, want := range map[string]any{
		"KeyId": "skey-<1>", "PrivateKey": placeholderPrivateKey, "PublicKey": "ssh-rsa <public-key-1>",
		"CreatedTime": placeholderTime, "KeyName": "snap_created",
	} {
		if got := at(kp, field); got != want {
			t.Errorf("CreateKeyPair answer: %s = %v, want %v", field, got, want)
		}
	}
	describe := next("DescribeKeyPairs")
	if got := at(describe.Request, "KeyIds", 0); got != "skey-<1>" {
		t.Errorf("DescribeKeyPairs asks for %v, want skey-<1>", got)
	}
	if got := at(describe.Response, "Response", "KeyPairSet", 0, "PublicKey"); got != "ssh-rsa <public-key-1>" {
		t.Errorf("DescribeKeyPairs answers public key %v, want that of the create", got)
	}
	imp := next("ImportKeyPair")
	if got := at(imp.Request, "PublicKey"); got != "ssh-rsa <public-key-2>" {
		t.Errorf("ImportKeyPair sends %v, want ssh-rsa <public-key-2>", got)
	}
	if got := at(imp.Response, "Response", "KeyId"); got != "skey-<2>" {
		t.Errorf("ImportKeyPair answers %v, want skey-<2>", got)
	}
	if got := at(next("ModifyKeyPairAttribute").Request, "KeyId"); got != "skey-<2>" {
		t.Errorf("ModifyKeyPairAttribute of %v, want skey-<2>", got)
	}
	tags := next("ModifyResourceTags")
	if tags.Service != "tag" || tags.Version != "2018-08-13" {
		t.Errorf("ModifyResourceTags: service %q, version %q", tags.Service, tags.Version)
	}
	if got, want := at(tags.Request, "Resource"), "qcs::cvm:"+testRegion+":uin/:keypair/skey-<1>"; got != want {
		t.Errorf("ModifyResourceTags of %v, want %v", got, want)
	}
	// The imported key reads back with the placeholder it went out with,
	// whatever its comment.
	var readBack []any
	for _, ex := range f.Exchanges[pos:] {
		if ex.Action == "DescribeKeyPairs" {
			set, _ := at(ex.Response, "Response", "KeyPairSet").([]any)
			for _, kp := range set {
				if at(kp, "KeyId") == "skey-<2>" {
					readBack = append(readBack, at(kp, "PublicKey"))
				}
			}
		}
	}
	if len(readBack) == 0 || readBack[0] != "ssh-rsa <public-key-2>" {
		t.Errorf("the imported key reads back as %v, want ssh-rsa <public-key-2>", readBack)
	}
	if got := at(next("DeleteKeyPairs").Request, "KeyIds", 0); got != "skey-<1>" {
		t.Errorf("first delete of %v, want skey-<1>", got)
	}
	if got := at(next("DeleteKeyPairs").Request, "KeyIds", 0); got != "skey-<2>" {
		t.Errorf("second delete of %v, want skey-<2>", got)
	}
}

// Concurrent calls each get a whole exchange in a file that stays JSON,
// and distinct ids get distinct placeholders.
func TestSnapshot_concurrentCalls(t *testing.T) {
	dir := t.TempDir()
	c, ctl := newTestClient(t, dir, 1000)
	const n = 12
	ids := createN(t, c, n)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.DeleteKeyPair(context.Background(), id); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	raw, f := recordedSnapshot(t, dir)
	calls := 0
	for _, k := range stats(t, ctl).Calls {
		calls += k
	}
	if len(f.Exchanges) != calls {
		t.Errorf("%d exchanges recorded, the emulator answered %d calls", len(f.Exchanges), calls)
	}
	created := map[any]bool{}
	for _, ex := range f.Exchanges {
		if ex.Action == "CreateKeyPair" {
			created[at(ex.Response, "Response", "KeyPair", "KeyId")] = true
		}
	}
	for i := 1; i <= n; i++ {
		if p := fmt.Sprintf("skey-<%d>", i); !created[p] {
			t.Errorf("no create answered %s: %v", p, created)
		}
	}
	for _, id := range ids {
		if strings.Contains(raw, id) {
			t.Errorf("the snapshot holds the id %s", id)
		}
	}
}

// The temporary credentials of STS and the account's uin are replaced.
func TestSnapshot_assumeRole(t *testing.T) {
	dir := t.TempDir()
	_, url := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, Roles: []emulator.Role{{RoleArn: testRoleArn}}})
	captured := &capturedAnswers{}
	record := Recorder(dir)
	c, err := client.New(client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey,
		Region: testRegion, Endpoint: url, RateLimit: 100, MaxRetries: 2,
		AssumeRole: &client.AssumeRole{RoleArn: testRoleArn, SessionName: "terraform"},
		WrapTransport: func(next http.RoundTripper, endpoint string) http.RoundTripper {
			return record(captured.wrap(next), endpoint)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListKeyPairs(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// The temporary credentials, as STS gave them.
	var id, key, token string
	for _, body := range captured.raw {
		var answer struct {
			Response struct {
				Credentials struct{ TmpSecretId, TmpSecretKey, Token string }
			}
		}
		if json.Unmarshal(body, &answer) == nil && answer.Response.Credentials.Token != "" {
			creds := answer.Response.Credentials
			id, key, token = creds.TmpSecretId, creds.TmpSecretKey, creds.Token
		}
	}
	if id == "" || key == "" || token == "" {
		t.Fatalf("no STS answer with credentials among %d answers", len(captured.raw))
	}

	raw, f := recordedSnapshot(t, dir)
	if len(f.Exchanges) != 2 || f.Exchanges[0].Service != "sts" || f.Exchanges[0].Action != "AssumeRole" {
		t.Fatalf("exchanges %+v", f.Exchanges)
	}
	for _, secret := range []string{id, key, token, emulator.DemoUin} {
		if strings.Contains(raw, secret) {
			t.Errorf("the snapshot holds %q", secret)
		}
	}
	sts := f.Exchanges[0]
	if got := at(sts.Request, "RoleArn"); got != "qcs::cam::uin/<uin>:roleName/deployer" {
		t.Errorf("RoleArn %v", got)
	}
	for field, want := range map[string]any{
		"TmpSecretId": "<tmp-secret-id>", "TmpSecretKey": "<tmp-secret-key>", "Token": "<token>",
	} {
		if got := at(sts.Response, "Response", "Credentials", field); got != want {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
	// Times keep their JSON type: a Unix time stays a number.
	if got := at(sts.Response, "Response", "ExpiredTime"); got != float64(0) {
		t.Errorf("ExpiredTime %v, want 0", got)
	}
	if got := at(sts.Response, "Response", "Expiration"); got != placeholderTime {
		t.Errorf("Expiration %v, want %s", got, placeholderTime)
	}
}

// The fields of an AssumeRole request that a replay does not need as
// they were (external id, policy, session name) become placeholders, the
// same for the same value, so that a right and a wrong external id stay
// apart; an answer that quotes one does not keep it.
func TestSnapshot_assumeRoleRequestRedacted(t *testing.T) {
	dir := t.TempDir()
	const (
		externalID = "ext-secret-4242"
		wrongID    = "ext-wrong-7777"
		session    = "alice.laptop"
		policy     = `{"version":"2.0","statement":[{"effect":"allow","action":["cvm:DescribeKeyPairs"],"resource":["*"]}]}`
	)
	_, endpoint := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, Roles: []emulator.Role{{RoleArn: testRoleArn, ExternalID: externalID}}})
	assume := func(id string) error {
		c, err := client.New(client.Config{
			SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey,
			Region: testRegion, Endpoint: endpoint, RateLimit: 100, MaxRetries: 0,
			AssumeRole:    &client.AssumeRole{RoleArn: testRoleArn, SessionName: session, SessionDuration: 900, Policy: policy, ExternalID: id},
			WrapTransport: Recorder(dir),
		})
		if err != nil {
			t.Fatal(err)
		}
		return c.CheckCredentials(context.Background())
	}
	if err := assume(externalID); err != nil {
		t.Fatal(err)
	}
	if err := assume(wrongID); err == nil {
		t.Fatal("a wrong external id was accepted")
	}
	if err := assume(externalID); err != nil {
		t.Fatal(err)
	}

	raw, f := recordedSnapshot(t, dir)
	for what, secret := range map[string]string{
		"the external id":       externalID,
		"the wrong external id": wrongID,
		"the session name":      session,
		"the policy":            policy,
		"the encoded policy":    url.QueryEscape(policy),
		"the policy's action":   "DescribeKeyPairs",
	} {
		if strings.Contains(raw, secret) {
			t.Errorf("the snapshot holds %s (%q)", what, secret)
		}
	}
	var sts []Exchange
	for _, ex := range f.Exchanges {
		if ex.Action == "AssumeRole" {
			sts = append(sts, ex)
		}
	}
	if len(sts) != 3 {
		t.Fatalf("%d AssumeRole exchanges, want 3: %+v", len(sts), f.Exchanges)
	}
	for i, want := range []string{"<external-id-1>", "<external-id-2>", "<external-id-1>"} {
		req := sts[i].Request
		if got := at(req, "ExternalId"); got != want {
			t.Errorf("AssumeRole %d: ExternalId %v, want %s", i, got, want)
		}
		for field, want := range map[string]any{
			"Policy": "<policy-1>", "RoleSessionName": "<session-name-1>",
			"RoleArn": "qcs::cam::uin/<uin>:roleName/deployer", "DurationSeconds": float64(900),
		} {
			if got := at(req, field); got != want {
				t.Errorf("AssumeRole %d: %s = %v, want %v", i, field, got, want)
			}
		}
	}
	if got := at(sts[1].Response, "Response", "Error", "Code"); got != "UnauthorizedOperation" {
		t.Errorf("the wrong external id: code %v", got)
	}
}

// Every field of stsRequestSecrets is redacted, at any depth, values of a
// form that STS refuses get malformed placeholders so that a replay is
// refused too, a message that quotes a value loses it, and error codes
// and fields a replay needs stay.
func TestSnapshot_stsRequestFields(t *testing.T) {
	r := &recorder{dir: t.TempDir(), target: "cloud", ids: map[string]string{}, keys: map[string]string{}, next: map[string]int{}}
	ctx := context.Background()
	ex := Exchange{Service: "sts", Action: "AssumeRole", Version: "2018-08-13", Region: testRegion}
	r.record(ctx, ex, []byte(`{"RoleArn":"qcs::cam::uin/100000000001:roleName/deployer","RoleSessionName":"a",`+
		`"Policy":"not%20json","ExternalId":"","SourceIdentity":"alice@example.com",`+
		`"Tags":[{"Key":"owner","Value":"alice"}],"DurationSeconds":900}`), nil, 200,
		[]byte(`{"Response":{"Error":{"Code":"InvalidParameter.ParamError","Message":"RoleSessionName a is invalid; owner alice"},"RequestId":"r"}}`), "")
	// The same values in a CVM request are no secret of STS: they stay.
	ex2 := Exchange{Service: "cvm", Action: "CreateKeyPair", Version: "2017-03-12", Region: testRegion}
	r.record(ctx, ex2, []byte(`{"KeyName":"k","Tags":[{"Key":"owner","Value":"alice"}]}`), nil, 200, []byte(`{"Response":{"RequestId":"r"}}`), "")

	files, _ := filepath.Glob(filepath.Join(r.dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	req := f.Exchanges[0].Request
	for field, want := range map[string]any{
		"RoleSessionName": "<malformed-session-name-1>", "Policy": "<malformed-policy-1>",
		"ExternalId": "", "SourceIdentity": "<source-identity-1>", "DurationSeconds": float64(900),
	} {
		if got := at(req, field); got != want {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
	if k, v := at(req, "Tags", 0, "Key"), at(req, "Tags", 0, "Value"); k != "<sts-tag-1>" || v != "<sts-tag-2>" {
		t.Errorf("Tags %v", at(req, "Tags"))
	}
	resp := f.Exchanges[0].Response
	if got := at(resp, "Response", "Error", "Code"); got != "InvalidParameter.ParamError" {
		t.Errorf("Code %v", got)
	}
	if got, want := at(resp, "Response", "Error", "Message"), "RoleSessionName <malformed-session-name-1> is invalid; <sts-tag-1> <sts-tag-2>"; got != want {
		t.Errorf("Message %q, want %q", got, want)
	}
	if got := at(f.Exchanges[1].Request, "Tags", 0, "Value"); got != "alice" {
		t.Errorf("the CVM request's tag became %v", got)
	}
}

// Snapshot files, and the directory when the recorder makes it, are the
// owner's alone.
func TestSnapshot_fileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snapshots", "run")
	c, _ := newTestClient(t, dir, 100)
	if _, err := c.ListKeyPairs(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		info, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o700 {
			t.Errorf("%s: mode %#o, want 0700", d, mode)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("%s: mode %#o, want 0600", files[0], mode)
	}
}

// A snapshot that cannot be written changes nothing for the calls.
func TestSnapshot_writeFailureDoesNotFailCalls(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, notADir, 100)
	kp, err := c.CreateKeyPair(context.Background(), "snap_unwritable", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKeyPair(context.Background(), kp.ID); err != nil {
		t.Fatal(err)
	}
}

// Without the variable the tests install no wrapper; with it, a
// recorder into its directory.
func TestSnapshot_fromEnv(t *testing.T) {
	t.Setenv(EnvDir, "")
	if FromEnv() != nil {
		t.Error("FromEnv gave a wrapper with the variable empty")
	}
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	wrap := FromEnv()
	if wrap == nil {
		t.Fatal("FromEnv gave no wrapper with the variable set")
	}
	if rt, ok := wrap(http.DefaultTransport, "").(recordingTransport); !ok || rt.rec.dir != dir || rt.rec.target != "cloud" {
		t.Errorf("FromEnv wrapped the transport in %#v", rt)
	}
}

// Lost answers are recorded with their status and a note, without the
// body.
func TestSnapshot_notJSON(t *testing.T) {
	r := &recorder{dir: t.TempDir(), target: "cloud", ids: map[string]string{}, keys: map[string]string{}, next: map[string]int{}}
	ex := Exchange{Service: "cvm", Action: "DescribeKeyPairs", Version: "2017-03-12"}
	r.record(context.Background(), ex, []byte(`{"KeyIds":["skey-abcd1234"]}`), nil, 502, []byte("<html><body>502 Bad Gateway</body></html>"), "")
	r.record(context.Background(), ex, []byte(`{"KeyIds":["skey-abcd1234"]}`), nil, 0, nil, "no answer: connection reset")
	files, _ := filepath.Glob(filepath.Join(r.dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Exchanges) != 2 {
		t.Fatalf("exchanges %+v", f.Exchanges)
	}
	first, second := f.Exchanges[0], f.Exchanges[1]
	if first.Status != 502 || first.Response != nil || first.Note != "the answer is not JSON: 41 bytes of HTML" {
		t.Errorf("502: %+v", first)
	}
	if second.Status != 0 || second.Response != nil || second.Note != "no answer: connection reset" {
		t.Errorf("no answer: %+v", second)
	}
	if at(first.Request, "KeyIds", 0) != "skey-<1>" || at(second.Request, "KeyIds", 0) != "skey-<1>" {
		t.Errorf("requests %v, %v", first.Request, second.Request)
	}
}
