package emulator_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/snapshot"
)

// snapshotRoot holds the snapshots that internal/snapshot
// records: cloud/ of the real service (make testacc-cloud RECORD=1),
// emulator/ of this emulator (make snapshots).
const snapshotRoot = "testdata/snapshots"

// exchange is one recorded call, in the recorder's own type, so that
// the replay reads what the recorder writes.
type exchange = snapshot.Exchange

// Every recorded exchange, replayed in order against a fresh strict
// emulator, gets the same error code (or success) and an answer of the
// same shape: the same JSON paths with the same JSON types. This is how
// LocalStack checks its parity with AWS: record the real service once,
// compare forever after.
func TestSnapshot_replay(t *testing.T) {
	var files []string
	err := filepath.WalkDir(snapshotRoot, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no snapshot under %s: run make snapshots", snapshotRoot)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(snapshotRoot, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			replaySnapshot(t, path, rel)
		})
	}
}

// replayConfig is the emulator the snapshots are replayed against: strict,
// as the real service is, and without the lags, rate limit and key size
// that only make runs slow or timing-dependent. Under Strict a lag of 0
// means the Strict default; a negative one turns it off. Without lags,
// the emulator's state follows the order of the calls, which is the order
// in which the recorded client saw the state settle: it waited for
// visibility before it went on.
func replayConfig() emulator.Config {
	return emulator.Config{KeyBits: 1024, RateLimit: 0, Strict: true, VisibilityLag: -1, TagLag: -1, TerminateLag: -1}
}

func replaySnapshot(t *testing.T, path, name string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var snap snapshot.File
	if err := dec.Decode(&snap); err != nil {
		t.Fatalf("%s is not a snapshot: %v", name, err)
	}
	if snap.Format != snapshot.Format {
		t.Fatalf("%s: format %d, want %d", name, snap.Format, snapshot.Format)
	}

	r := newReplayer(t)
	cfg := replayConfig()
	cfg.Projects, cfg.Roles = r.account(snap.Exchanges)
	_, base := emulator.NewTestServer(t, cfg)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	r.host = u.Host
	r.makeInstances(snap.Exchanges, emulator.ControlClient{URL: base})

	var compared, uncompared, unsent int
	for i, ex := range snap.Exchanges {
		recorded, hasAnswer := ex.Response.(map[string]any)
		code := errorCode(ex.Response)
		if hasAnswer && notSent(code) {
			unsent++
			continue
		}
		answer, err := r.send(ex)
		if err != nil {
			t.Errorf("%s: exchange %d (%s): %v", name, i, ex.Action, err)
			continue
		}
		if !hasAnswer {
			// Tolerance: a lost answer (a dropped connection, a
			// gateway's 502, a cut body) says nothing about the answer's
			// shape, but the call may have changed the state, as the
			// faults of the emulator always do (they strike after the
			// change is committed): it is sent, so that the state
			// follows, and its answer is not compared.
			uncompared++
			continue
		}
		compared++
		if got := errorCode(answer); got != code {
			t.Errorf("%s: exchange %d (%s): error code %s, the recording has %s (message %q)",
				name, i, ex.Action, describeCode(got), describeCode(code), errorMessage(answer))
			continue
		}
		for _, d := range shapeOf(recorded).diff(shapeOf(answer)) {
			t.Errorf("%s: exchange %d (%s): %s", name, i, ex.Action, d)
		}
		r.bind(recorded, answer)
	}
	t.Logf("%s: %d exchanges: %d compared, %d sent without a recorded answer, %d not sent (throttled, server faults, refused credentials); values made up for %v",
		name, len(snap.Exchanges), compared, uncompared, unsent, r.madeUp)
}

// notSent says which recorded answers are accidents of the recording
// run, whose call is neither sent nor compared (tolerances):
//   - RequestLimitExceeded: the call was refused before it did anything,
//     and the client sent it again (a later exchange); the replay has no
//     rate limit.
//   - InternalError: a server fault of the moment; the client retried.
//   - AuthFailure: about the recording run's credentials (expired,
//     mistyped, or wrong on purpose in a test), which a snapshot does not
//     hold; the replay signs every call with the emulator's demo key.
func notSent(code string) bool {
	for _, prefix := range []string{"RequestLimitExceeded", "InternalError", "AuthFailure"} {
		if code == prefix || strings.HasPrefix(code, prefix+".") {
			return true
		}
	}
	return false
}

func errorCode(v any) string {
	s, _ := at(v, "Response", "Error", "Code").(string)
	return s
}

func errorMessage(v any) string {
	s, _ := at(v, "Response", "Error", "Message").(string)
	return s
}

func describeCode(code string) string {
	if code == "" {
		return "success"
	}
	return code
}

func at(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// The placeholders of internal/snapshot.
var (
	idPlaceholder        = regexp.MustCompile(`\b(skey|ins|img)-<\d+>`)
	wholeIDPlaceholder   = regexp.MustCompile(`^(skey|ins|img)-<\d+>$`)
	publicKeyPlaceholder = regexp.MustCompile(`^(\S+) <public-key-\d+>$`)
)

const uinPlaceholder = "<uin>"

// The placeholders of the STS request fields that the recorder redacts
// (stsRequestSecrets in internal/snapshot) and that STS checks
// the form of: a replay sends a stand-in of the right form for each. The
// <malformed-...> placeholders, and the external ids, which STS only
// compares with the role's, are sent as they are: the recorded role's
// external id is its placeholder too (replayer.account).
var (
	sessionNamePlaceholder = regexp.MustCompile(`^<session-name-(\d+)>$`)
	policyPlaceholder      = regexp.MustCompile(`^<policy-\d+>$`)
)

// standInPolicy is a URL-encoded JSON policy, as the client sends one.
var standInPolicy = url.QueryEscape(`{"version":"2.0","statement":[{"effect":"allow","action":["cvm:*"],"resource":["*"]}]}`)

// replayer maps the placeholders of one snapshot to the values of one
// emulator. A placeholder first seen in an answer is bound to what the
// emulator answered at the same place; one first seen in a request (an
// id a test made up to look for nothing, a public key to import) is bound
// to a value made up for it, unknown to the emulator.
type replayer struct {
	t       *testing.T
	host    string
	values  map[string]string // placeholder => value
	holders map[string]string // value => placeholder
	made    int
	// madeUp are the placeholders first seen in a request, for the log:
	// a placeholder that an answer should have bound shows here.
	madeUp  []string
	clients map[string]*common.Client
	capture *captureTransport
}

func newReplayer(t *testing.T) *replayer {
	return &replayer{t: t, values: map[string]string{}, holders: map[string]string{},
		clients: map[string]*common.Client{}, capture: &captureTransport{next: http.DefaultTransport}}
}

func (r *replayer) bindValue(placeholder, value string) {
	r.values[placeholder] = value
	r.holders[value] = placeholder
}

// account returns what the recorded account had before the run and the
// API cannot make, so that the replay's emulator has it too (a
// tolerance): the projects that successful creates and imports used, and
// the roles that successful AssumeRole calls assumed.
func (r *replayer) account(exchanges []exchange) ([]int64, []emulator.Role) {
	projects := map[int64]bool{}
	var roles []emulator.Role
	for _, ex := range exchanges {
		if _, ok := ex.Response.(map[string]any); !ok || errorCode(ex.Response) != "" {
			continue
		}
		if n, ok := at(ex.Request, "ProjectId").(json.Number); ok {
			if id, err := n.Int64(); err == nil && id != 0 {
				projects[id] = true
			}
		}
		if ex.Action == "AssumeRole" {
			arn, _ := at(ex.Request, "RoleArn").(string)
			external, _ := at(ex.Request, "ExternalId").(string)
			role := emulator.Role{RoleArn: strings.ReplaceAll(arn, uinPlaceholder, emulator.DemoUin), ExternalID: external}
			if !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
	}
	var ids []int64
	for id := range projects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, roles
}

// makeInstances creates, through the control API, every instance that a
// request names, stopped, in the region of its first call (a tolerance:
// instances are made outside the key pair API, by the console or the
// control API, and a snapshot does not record that). A recorded error
// that depends on the instance's state, such as a running instance bound
// without ForceStop, shows as a difference.
func (r *replayer) makeInstances(exchanges []exchange, ctl emulator.ControlClient) {
	for _, ex := range exchanges {
		for _, p := range placeholdersIn(ex.Request) {
			if !strings.HasPrefix(p, "ins-") || r.values[p] != "" {
				continue
			}
			id := r.makeID("ins")
			r.bindValue(p, id)
			in := emulator.Instance{InstanceID: id, Region: ex.Region, State: "STOPPED", OsType: "LINUX"}
			if err := ctl.SetInstance(context.Background(), in); err != nil {
				r.t.Fatalf("create instance %s for %s: %v", id, p, err)
			}
		}
	}
}

func placeholdersIn(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			out = append(out, idPlaceholder.FindAllString(v, -1)...)
		}
	}
	walk(v)
	sort.Strings(out)
	return out
}

// makeID makes up an id of the API's form that the emulator never handed
// out (its ids do not start with zz this early in their sequence, and a
// collision would need the same 8 characters).
func (r *replayer) makeID(prefix string) string {
	r.made++
	return fmt.Sprintf("%s-zz%06d", prefix, r.made)
}

// value is what a placeholder stands for in a request.
func (r *replayer) value(placeholder string) string {
	if v, ok := r.values[placeholder]; ok {
		return v
	}
	var v string
	if m := publicKeyPlaceholder.FindStringSubmatch(placeholder); m != nil {
		v = r.makePublicKey(m[1])
		if v == "" {
			// A type this test cannot make: sent as it is, which the
			// API refuses as malformed, as it refuses most such keys.
			return placeholder
		}
	} else {
		prefix, _, _ := strings.Cut(placeholder, "-")
		v = r.makeID(prefix)
	}
	r.bindValue(placeholder, v)
	r.madeUp = append(r.madeUp, placeholder)
	return v
}

// makePublicKey makes a new public key of an OpenSSH type, in the form
// the recorder keys placeholders by: the type and the base64 key. It
// generates the keys itself: a snapshot may hold ed25519 and ECDSA keys,
// and terraform-plugin-testing's acctest.RandSSHKeyPair makes RSA keys
// only.
func (r *replayer) makePublicKey(typ string) string {
	var pub any
	switch typ {
	case ssh.KeyAlgoRSA:
		k, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			r.t.Fatal(err)
		}
		pub = &k.PublicKey
	case ssh.KeyAlgoED25519:
		p, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			r.t.Fatal(err)
		}
		pub = p
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		curve := map[string]elliptic.Curve{ssh.KeyAlgoECDSA256: elliptic.P256(), ssh.KeyAlgoECDSA384: elliptic.P384(), ssh.KeyAlgoECDSA521: elliptic.P521()}[typ]
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			r.t.Fatal(err)
		}
		pub = &k.PublicKey
	default:
		return ""
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		r.t.Fatal(err)
	}
	return keyMaterial(key)
}

func keyMaterial(key ssh.PublicKey) string {
	return key.Type() + " " + base64.StdEncoding.EncodeToString(key.Marshal())
}

// substitute returns a copy of a recorded request with its placeholders
// replaced by the emulator's values.
func (r *replayer) substitute(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = r.substitute(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = r.substitute(x)
		}
		return out
	case string:
		if publicKeyPlaceholder.MatchString(v) {
			return r.value(v)
		}
		if m := sessionNamePlaceholder.FindStringSubmatch(v); m != nil {
			return "session-" + m[1]
		}
		if policyPlaceholder.MatchString(v) {
			return standInPolicy
		}
		v = idPlaceholder.ReplaceAllStringFunc(v, r.value)
		return strings.ReplaceAll(v, uinPlaceholder, emulator.DemoUin)
	}
	return v
}

// bind binds the placeholders first seen in a recorded answer to what
// the emulator answered at the same place. Elements of arrays are paired
// by KeyName when they have one (key names are unique in an account and
// survive normalization, while the order of a listing may differ, and a
// listing of the real account holds key pairs that the replay never
// made); else by position, when both arrays have the same length.
func (r *replayer) bind(recorded, answer any) {
	switch rec := recorded.(type) {
	case map[string]any:
		ans, _ := answer.(map[string]any)
		for k, x := range rec {
			if y, ok := ans[k]; ok {
				r.bind(x, y)
			}
		}
	case []any:
		ans, _ := answer.([]any)
		byName := map[string]any{}
		for _, y := range ans {
			if name, ok := at(y, "KeyName").(string); ok {
				byName[name] = y
			}
		}
		for i, x := range rec {
			if name, ok := at(x, "KeyName").(string); ok {
				if y, ok := byName[name]; ok {
					r.bind(x, y)
				}
			} else if len(rec) == len(ans) {
				r.bind(x, ans[i])
			}
		}
	case string:
		got, ok := answer.(string)
		if !ok || got == "" {
			return
		}
		if _, bound := r.values[rec]; bound {
			return
		}
		if m := publicKeyPlaceholder.FindStringSubmatch(rec); m != nil {
			key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(got))
			if err == nil && key.Type() == m[1] && r.holders[keyMaterial(key)] == "" {
				r.bindValue(rec, keyMaterial(key))
			}
			return
		}
		if m := wholeIDPlaceholder.FindStringSubmatch(rec); m != nil && strings.HasPrefix(got, m[1]+"-") && r.holders[got] == "" {
			r.bindValue(rec, got)
		}
	}
}

// send sends one recorded request, its placeholders replaced, through the
// SDK's common client, and returns the emulator's answer.
func (r *replayer) send(ex exchange) (any, error) {
	c, ok := r.clients[ex.Region]
	if !ok {
		cp := profile.NewClientProfile()
		cp.HttpProfile.Scheme = "HTTP"
		cp.HttpProfile.Endpoint = r.host
		cp.DisableRegionBreaker = true
		cp.NetworkFailureMaxRetries = 0
		cp.RateLimitExceededMaxRetries = 0
		c = common.NewCommonClient(common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey), ex.Region, cp)
		c.WithHttpTransport(r.capture)
		r.clients[ex.Region] = c
	}
	params := map[string]any{}
	if m, ok := r.substitute(ex.Request).(map[string]any); ok {
		params = m
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	req := tchttp.NewCommonRequest(ex.Service, ex.Version, ex.Action)
	if err := req.SetActionParameters(body); err != nil {
		return nil, err
	}
	r.capture.body = nil
	// An API error comes back as an error too; the answer is what the
	// transport saw.
	sendErr := c.Send(req, tchttp.NewCommonResponse())
	if r.capture.body == nil {
		return nil, fmt.Errorf("no answer: %v", sendErr)
	}
	dec := json.NewDecoder(bytes.NewReader(r.capture.body))
	dec.UseNumber()
	var answer any
	if err := dec.Decode(&answer); err != nil {
		return nil, fmt.Errorf("the answer is not JSON (HTTP %d): %v", r.capture.status, err)
	}
	return answer, nil
}

// captureTransport keeps the last answer's body; the replay sends one call
// at a time.
type captureTransport struct {
	next   http.RoundTripper
	body   []byte
	status int
}

func (c *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	c.body, c.status = body, resp.StatusCode
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// shape is the JSON paths of a value with their JSON types. The elements
// of an array share the path <array>[] and merge into one shape, so that
// the lengths of arrays do not count.
type shape struct {
	types map[string]map[string]bool
	// filled are the arrays that have at least one element.
	filled map[string]bool
}

func shapeOf(v any) shape {
	s := shape{types: map[string]map[string]bool{}, filled: map[string]bool{}}
	s.add("$", v)
	return s
}

func (s shape) add(path string, v any) {
	typ := "null"
	switch v := v.(type) {
	case map[string]any:
		typ = "object"
		for k, x := range v {
			s.add(path+"."+k, x)
		}
	case []any:
		typ = "array"
		if len(v) > 0 {
			s.filled[path] = true
		}
		for _, x := range v {
			s.add(path+"[]", x)
		}
	case string:
		typ = "string"
	case json.Number, float64:
		typ = "number"
	case bool:
		typ = "bool"
	}
	if s.types[path] == nil {
		s.types[path] = map[string]bool{}
	}
	s.types[path][typ] = true
}

// underEmptyArray says whether path lies inside an array that has no
// element in s, whose elements cannot be compared (a tolerance: what a
// listing holds differs between runs, with other key pairs in a real
// account, or tags that show after a lag).
func (s shape) underEmptyArray(path string) bool {
	for i := 0; ; {
		j := strings.Index(path[i:], "[]")
		if j < 0 {
			return false
		}
		array := path[:i+j]
		if set := s.types[array]; set["array"] && !s.filled[array] {
			return true
		}
		i += j + 2
	}
}

// diff lists the paths whose types differ between the recorded shape s
// and the emulator's shape o.
func (s shape) diff(o shape) []string {
	paths := map[string]bool{}
	for p := range s.types {
		paths[p] = true
	}
	for p := range o.types {
		paths[p] = true
	}
	var out []string
	for p := range paths {
		rec, emu := typeList(s.types[p]), typeList(o.types[p])
		if rec == emu || s.underEmptyArray(p) || o.underEmptyArray(p) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the recording has %s, the emulator %s", p, rec, emu))
	}
	sort.Strings(out)
	return out
}

func typeList(set map[string]bool) string {
	if len(set) == 0 {
		return "nothing"
	}
	var types []string
	for t := range set {
		types = append(types, t)
	}
	sort.Strings(types)
	return strings.Join(types, "|")
}

// The shape comparison and its tolerance of empty arrays.
func TestSnapshot_shapeDiff(t *testing.T) {
	decode := func(s string) any {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		recorded, emulated string
		want               []string
	}{
		{`{"a":[{"b":1},{"c":"x"}]}`, `{"a":[{"c":"y","b":2}]}`, nil},
		{`{"a":[]}`, `{"a":[{"b":1}]}`, nil},
		{`{"a":[{"b":1}]}`, `{"a":[]}`, nil},
		{`{"a":[{"b":[]}]}`, `{"a":[{"b":[{"c":true}]}]}`, nil},
		{`{"a":1,"b":"x"}`, `{"a":"1"}`, []string{
			"$.a: the recording has number, the emulator string",
			"$.b: the recording has string, the emulator nothing",
		}},
		{`{"a":[{"b":null}]}`, `{"a":[{"b":"x","c":0}]}`, []string{
			"$.a[].b: the recording has null, the emulator string",
			"$.a[].c: the recording has nothing, the emulator number",
		}},
		{`{"a":{}}`, `{"a":[]}`, []string{"$.a: the recording has object, the emulator array"}},
	} {
		got := shapeOf(decode(c.recorded)).diff(shapeOf(decode(c.emulated)))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s against %s:\n got %q\nwant %q", c.recorded, c.emulated, got, c.want)
		}
	}
}
