// Package snapshot records the Tencent Cloud API traffic of tests,
// normalized (no secret, no real id, no request id), so that the
// emulator's answers can be compared with the real service's
// (internal/emulator/snapshot_test.go). It is an http.RoundTripper wrapper
// that tests install through client.Config.WrapTransport: only tests
// import this package, so that none of it ships in the provider binary.
package snapshot

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/transport"
)

// EnvDir names a directory into which the tests record every API call's
// request and answer (FromEnv). `make snapshots` sets it to record the
// emulator, `make testacc-cloud RECORD=1` to record the real service.
const EnvDir = "TENCENTCLOUD_SNAPSHOT_DIR"

// Format is the version of the snapshot file format.
const Format = 1

// File is the content of a snapshot file, a JSON object:
//
//	{"format": 1, "target": "cloud" or "endpoint", "exchanges": [
//	  {"service": "cvm", "action": "CreateKeyPair", "version": "2017-03-12",
//	   "region": "ap-guangzhou", "request": {...params...},
//	   "status": 200, "response": {"Response": {...}}},
//	  {..., "status": 502, "note": "the answer is not JSON: ..."},
//	  ...]}
//
// The exchanges are in the order their answers arrived: a call that used
// what another answered was sent after that answer, so replaying in this
// order keeps every dependency. Each exchange is one block of lines, so
// that a file re-recorded after a small change diffs small.
type File struct {
	Format    int        `json:"format"`
	Target    string     `json:"target"`
	Exchanges []Exchange `json:"exchanges"`
}

// Exchange is one call: what was asked, and what came back.
type Exchange struct {
	Service string `json:"service"`
	Action  string `json:"action"`
	Version string `json:"version"`
	Region  string `json:"region,omitempty"`
	Request any    `json:"request"`
	// Status is the HTTP status, 0 when no answer came.
	Status   int    `json:"status,omitempty"`
	Response any    `json:"response,omitempty"`
	Note     string `json:"note,omitempty"`
}

// The placeholders of normalized values.
const (
	placeholderRequestID  = "<request-id>"
	placeholderPrivateKey = "<private-key>"
	placeholderTime       = "<time>"
	placeholderUin        = "<uin>"
	placeholderSecretID   = "<secret-id>"
)

// secretPlaceholders name the secrets of STS answers; the other
// secret fields (transport.IsSecretField) become transport.Redacted.
var secretPlaceholders = map[string]string{
	"tmpsecretid": "<tmp-secret-id>", "tmpsecretkey": "<tmp-secret-key>", "token": "<token>",
}

// stsRequestSecrets are the fields of STS requests (AssumeRole and its
// kin), compared case-insensitively, whose values a replay does not need
// as they were and a snapshot must not keep: the external id, which the
// role's trust policy treats as a shared secret; the session policy,
// which shows what the role may do; the session name and source
// identity, which often name a person or a machine; and session tags.
// Each becomes a numbered placeholder of its stem (<external-id-1>), the
// same for the same value within a file, so that a replay still tells a
// right external id from a wrong one. Snapshot files are meant to be
// committed, so nothing here may rely on their being private.
var stsRequestSecrets = map[string]string{
	"externalid": "external-id", "policy": "policy", "rolesessionname": "session-name",
	"sourceidentity": "source-identity", "tags": "sts-tag",
}

// stsSessionNamePattern is the form of RoleSessionName that STS accepts
// (2 to 128 letters, digits and =,.@_- characters). A session name of
// another form becomes a <malformed-session-name-N> placeholder, so that
// a replay sends a name that STS refuses too; the same goes for a policy
// that is not URL-encoded JSON.
var stsSessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)

var (
	// snapshotIDPattern finds the ids that become numbered placeholders:
	// key pairs, instances and images (apicontract's id patterns,
	// unanchored).
	snapshotIDPattern = regexp.MustCompile(`\b(skey|ins|img)-[a-z0-9]{8}\b`)
	// uinPattern finds the account in resource names and role ARNs
	// (qcs::cam::uin/100000000001:roleName/x).
	uinPattern = regexp.MustCompile(`\buin/\d+`)
	// secretIDPattern finds API key ids in error messages.
	secretIDPattern = regexp.MustCompile(`\bAKID[0-9A-Za-z]{8,}`)
	// publicKeyPattern finds an OpenSSH public key inside a message.
	publicKeyPattern = regexp.MustCompile(`\b(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp\d+|sk-[a-z0-9@.-]+) AAAA[0-9A-Za-z+/]+=*`)
)

// snapshotTimeLayouts are the forms in which the API writes times.
var snapshotTimeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05"}

// recorder appends the exchanges of one process with one API (the
// real cloud, or one endpoint) to one file. Placeholders are consistent
// within the file: the same id gives the same placeholder in every
// exchange.
type recorder struct {
	dir, target string

	mu   sync.Mutex
	path string // "" until the first exchange
	// tail is the offset of the closing bracket of the exchanges, where
	// the next exchange goes.
	tail   int64
	count  int
	failed bool // a write failed: the file is incomplete, stop writing
	ids    map[string]string
	keys   map[string]string
	next   map[string]int
	// stsValues maps a stem and a redacted STS request value
	// (stsRequestSecrets) to its placeholder.
	stsValues map[string]string
}

var recorders struct {
	mu  sync.Mutex
	m   map[string]*recorder
	seq int
}

// FromEnv returns Recorder of the directory that EnvDir names, or nil
// when it is not set, so that a test can hand it to
// client.Config.WrapTransport as it is.
func FromEnv() func(next http.RoundTripper, endpoint string) http.RoundTripper {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		return nil
	}
	return Recorder(dir)
}

// Recorder returns a wrapper, for client.Config.WrapTransport, that
// records every call through it into dir. Every client of the process
// with the same directory and endpoint shares one recorder, so that a
// test's clients (one per Terraform command) write one file whose
// placeholders agree.
func Recorder(dir string) func(next http.RoundTripper, endpoint string) http.RoundTripper {
	return func(next http.RoundTripper, endpoint string) http.RoundTripper {
		target := "cloud"
		if endpoint != "" {
			target = "endpoint"
		}
		key := dir + "\x00" + endpoint
		recorders.mu.Lock()
		defer recorders.mu.Unlock()
		if recorders.m == nil {
			recorders.m = map[string]*recorder{}
		}
		r, ok := recorders.m[key]
		if !ok {
			r = &recorder{dir: dir, target: target,
				ids: map[string]string{}, keys: map[string]string{}, next: map[string]int{}}
			recorders.m[key] = r
		}
		return recordingTransport{next: next, rec: r}
	}
}

type recordingTransport struct {
	next http.RoundTripper
	rec  *recorder
}

func (t recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := Exchange{
		Service: signedService(req),
		Action:  req.Header.Get("X-TC-Action"),
		Version: req.Header.Get("X-TC-Version"),
		Region:  req.Header.Get("X-TC-Region"),
	}
	reqBody, reqErr := transport.RequestBody(req)

	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.rec.record(req.Context(), ex, reqBody, reqErr, 0, nil, "no answer: "+err.Error())
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	// The SDK reads the body next: it gets the same bytes and the same
	// error, so that recording changes nothing.
	var rest io.Reader = bytes.NewReader(body)
	if readErr != nil {
		rest = io.MultiReader(rest, transport.ErrReader{Err: readErr})
	}
	resp.Body = io.NopCloser(rest)
	note := ""
	if readErr != nil {
		note = fmt.Sprintf("the answer was cut after %d bytes: %v", len(body), readErr)
	}
	t.rec.record(req.Context(), ex, reqBody, reqErr, resp.StatusCode, body, note)
	return resp, nil
}

// signedService is the service of the TC3 signature's credential scope
// (Credential=<id>/<date>/<service>/tc3_request), which is what the API
// routes by; the host's first label when there is no signature.
func signedService(req *http.Request) string {
	auth := req.Header.Get("Authorization")
	if _, cred, ok := strings.Cut(auth, "Credential="); ok {
		cred, _, _ = strings.Cut(cred, ",")
		if parts := strings.Split(cred, "/"); len(parts) == 4 {
			return parts[2]
		}
	}
	host, _, _ := strings.Cut(req.URL.Hostname(), ".")
	return host
}

// record normalizes one exchange and appends it to the file. It never
// fails the call: a problem is logged and the exchange dropped.
func (r *recorder) record(ctx context.Context, ex Exchange, reqBody []byte, reqErr error, status int, body []byte, note string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed {
		return
	}
	// redacted maps the STS request values taken out of this exchange to
	// their placeholders, so that an answer that quotes one (an error
	// message) does not keep it either.
	var redacted map[string]string
	if reqErr != nil {
		ex.Request = "<the request body could not be read: " + reqErr.Error() + ">"
	} else if v, ok := decodeSnapshotJSON(reqBody); ok {
		if ex.Service == "sts" {
			redacted = r.redactSTSRequest(v)
		}
		ex.Request = r.normalize(v)
	} else if len(bytes.TrimSpace(reqBody)) > 0 {
		ex.Request = fmt.Sprintf("<%d bytes, not JSON>", len(reqBody))
	}
	ex.Status = status
	if status != 0 {
		if v, ok := decodeSnapshotJSON(body); ok && note == "" {
			ex.Response = r.normalize(replaceValues(v, redacted))
		} else if note == "" {
			note = fmt.Sprintf("the answer is not JSON: %d bytes of %s", len(body), contentKind(body))
		}
	}
	ex.Note, _ = replaceValues(r.text(note), redacted).(string)
	if err := r.append(ex); err != nil {
		r.failed = true
		tflog.Warn(ctx, "Tencent Cloud API snapshot: recording stopped", map[string]any{
			"path": r.path, "error": err.Error(),
		})
	}
}

func decodeSnapshotJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// contentKind says what a body that is not JSON looks like, without
// keeping any of it.
func contentKind(b []byte) string {
	t := bytes.TrimSpace(b)
	switch {
	case len(t) == 0:
		return "nothing"
	case bytes.HasPrefix(bytes.ToLower(t), []byte("<!doctype html")), bytes.HasPrefix(bytes.ToLower(t), []byte("<html")):
		return "HTML"
	case t[0] == '{' || t[0] == '[':
		return "truncated JSON"
	}
	return "text"
}

// append writes ex in front of the file's closing bracket, so that the
// file is a complete JSON document after every exchange.
func (r *recorder) append(ex Exchange) error {
	// Placeholders keep their angle brackets: no HTML escaping.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(ex); err != nil {
		return err
	}
	block := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	const closing = "\n  ]\n}\n"
	if r.path == "" {
		// Only the owner may read snapshots, and the directory when the
		// recorder makes it: they show the account's calls, and a
		// redaction that misses something must not leak to every user of
		// the machine. A directory that exists keeps its mode.
		if err := os.MkdirAll(r.dir, 0o700); err != nil {
			return err
		}
		recorders.mu.Lock()
		recorders.seq++
		seq := recorders.seq
		recorders.mu.Unlock()
		// Nanoseconds, process id and a sequence number: parallel
		// processes and several recorders of one process never collide,
		// and the names sort in the order the files were begun.
		path := filepath.Join(r.dir, fmt.Sprintf("%d-%d-%d.json", time.Now().UnixNano(), os.Getpid(), seq))
		head := fmt.Sprintf("{\n  \"format\": %d,\n  \"target\": %q,\n  \"exchanges\": [", Format, r.target)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = f.WriteString(head + closing)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		r.path, r.tail = path, int64(len(head))
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	sep := "\n    "
	if r.count > 0 {
		sep = ",\n    "
	}
	chunk := sep + string(block)
	_, err = f.WriteAt([]byte(chunk+closing), r.tail)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	r.tail += int64(len(chunk))
	r.count++
	return nil
}

// normalize replaces, at any depth, what differs from run to run or must
// not be kept: request ids, private keys, secrets, times, ids and the
// account's uin. It keeps every value's JSON type, so that the shape of
// an answer survives; only the secret fields (transport.IsSecretField) become strings
// whatever they were.
func (r *recorder) normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, field := range v {
			v[k] = r.normalizeField(k, field)
		}
		return v
	case []any:
		for i, elem := range v {
			v[i] = r.normalize(elem)
		}
		return v
	case string:
		return r.text(v)
	}
	return v
}

func (r *recorder) normalizeField(name string, v any) any {
	lower := strings.ToLower(name)
	s, isString := v.(string)
	_, isNumber := v.(json.Number)
	switch {
	case v == nil:
		return nil
	case name == "RequestId" && isString:
		return placeholderRequestID
	case lower == "privatekey" && isString && s != "":
		return placeholderPrivateKey
	case lower == "publickey" && isString && s != "":
		return r.publicKey(s)
	case secretPlaceholders[lower] != "":
		return secretPlaceholders[lower]
	case transport.IsSecretField(lower):
		return transport.Redacted
	case lower == "uin" || lower == "owneruin" || lower == "appid":
		if isNumber {
			return json.Number("0")
		}
		if isString {
			return placeholderUin
		}
	case strings.HasSuffix(name, "Time") || name == "Expiration":
		// Unix times keep their type; written times become <time>.
		if isNumber {
			return json.Number("0")
		}
		if isString && s != "" {
			return placeholderTime
		}
	}
	return r.normalize(v)
}

// text normalizes a string value: a time as a whole, else the ids, the
// uin, API key ids and public keys inside it, and anything that looks like
// a secret (transport.HasSecretMarker).
func (r *recorder) text(s string) string {
	if s == "" {
		return s
	}
	if transport.HasSecretMarker(s) {
		return transport.Redacted
	}
	for _, layout := range snapshotTimeLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return placeholderTime
		}
	}
	s = publicKeyPattern.ReplaceAllStringFunc(s, r.publicKey)
	s = snapshotIDPattern.ReplaceAllStringFunc(s, r.id)
	s = uinPattern.ReplaceAllString(s, "uin/"+placeholderUin)
	return secretIDPattern.ReplaceAllString(s, placeholderSecretID)
}

// id returns the placeholder of a real id: its prefix and a number in
// angle brackets (skey-<1>), which no real id can be.
func (r *recorder) id(value string) string {
	if p, ok := r.ids[value]; ok {
		return p
	}
	prefix, _, _ := strings.Cut(value, "-")
	r.next[prefix]++
	p := prefix + "-<" + strconv.Itoa(r.next[prefix]) + ">"
	r.ids[value] = p
	return p
}

// publicKey returns the placeholder of an OpenSSH public key: its type and
// a number (ssh-rsa <public-key-1>), the same for the same key whatever
// its comment, so that a replay can tell a key it has seen from a new one
// and make a key of the right type. A value that is not exactly one key
// stays as it is: why the API refuses it is what matters, and it holds no
// secret.
func (r *recorder) publicKey(s string) string {
	line := strings.TrimSpace(s)
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil || len(options) > 0 || len(bytes.TrimSpace(rest)) > 0 || strings.ContainsAny(line, "\r\n") {
		return s
	}
	material := key.Type() + " " + base64.StdEncoding.EncodeToString(key.Marshal())
	if p, ok := r.keys[material]; ok {
		return p
	}
	r.next["public-key"]++
	p := key.Type() + " <public-key-" + strconv.Itoa(r.next["public-key"]) + ">"
	r.keys[material] = p
	return p
}

// redactSTSRequest replaces, in the top level of an STS request, the
// value of every field of stsRequestSecrets by its placeholder (each
// string inside it, for a list such as Tags), and returns the values it
// replaced with their placeholders.
func (r *recorder) redactSTSRequest(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	replaced := map[string]string{}
	// Sorted, so that the numbers of placeholders do not change from one
	// recording of the same calls to the next.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		field := m[k]
		stem := stsRequestSecrets[strings.ToLower(k)]
		if stem == "" {
			continue
		}
		m[k] = mapStrings(field, func(s string) string {
			p := r.stsPlaceholder(stem, s)
			if s != "" {
				replaced[s] = p
				// A message may quote the policy decoded.
				if u, err := url.QueryUnescape(s); err == nil && u != s {
					replaced[u] = p
				}
			}
			return p
		})
	}
	return replaced
}

// stsPlaceholder returns the placeholder of one redacted STS value: its
// stem, malformed- in front when STS refuses the value for its form
// (stsSessionNamePattern), and a number in angle brackets.
func (r *recorder) stsPlaceholder(stem, value string) string {
	if value == "" {
		// An empty value holds nothing, and the API may treat it as
		// missing: it stays.
		return value
	}
	switch stem {
	case "session-name":
		if !stsSessionNamePattern.MatchString(value) {
			stem = "malformed-" + stem
		}
	case "policy":
		// The client sends the policy URL-encoded, as the API takes it.
		if text, err := url.QueryUnescape(value); err != nil || !json.Valid([]byte(text)) {
			stem = "malformed-" + stem
		}
	}
	if r.stsValues == nil {
		r.stsValues = map[string]string{}
	}
	key := stem + "\x00" + value
	if p, ok := r.stsValues[key]; ok {
		return p
	}
	if r.next == nil {
		r.next = map[string]int{}
	}
	r.next[stem]++
	p := "<" + stem + "-" + strconv.Itoa(r.next[stem]) + ">"
	r.stsValues[key] = p
	return p
}

// mapStrings applies f to every string in a decoded JSON value, at any
// depth, in place, in the order of the fields' names.
func mapStrings(v any, f func(string) string) any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			v[k] = mapStrings(v[k], f)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = mapStrings(x, f)
		}
		return v
	case string:
		return f(v)
	}
	return v
}

// replaceValues replaces, in every string of a decoded JSON value but
// error codes, each value of redacted by its placeholder where it stands
// as a whole (not inside a longer word: a session name "tf" leaves
// "tfstate" alone), longest first so that a value inside another is not
// replaced in part. Codes stay: a replay compares them, and they never
// quote a request.
func replaceValues(v any, redacted map[string]string) any {
	if len(redacted) == 0 {
		return v
	}
	values := make([]string, 0, len(redacted))
	for s := range redacted {
		values = append(values, s)
	}
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	replace := func(s string) string {
		for _, value := range values {
			s = replaceWhole(s, value, redacted[value])
		}
		return s
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k != "Code" {
					v[k] = walk(x)
				}
			}
			return v
		case []any:
			for i, x := range v {
				v[i] = walk(x)
			}
			return v
		case string:
			return replace(v)
		}
		return v
	}
	return walk(v)
}

// replaceWhole replaces every occurrence of value in s that no letter or
// digit continues on either side.
func replaceWhole(s, value, placeholder string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, value)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		end := i + len(value)
		before, after := byte(' '), byte(' ')
		if i > 0 {
			before = s[i-1]
		}
		if end < len(s) {
			after = s[end]
		}
		if isWordByte(before) && isWordByte(value[0]) || isWordByte(after) && isWordByte(value[len(value)-1]) {
			// Inside a longer word: keep one byte and look further.
			out.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		out.WriteString(s[:i])
		out.WriteString(placeholder)
		s = s[end:]
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}
