// Package transport holds the HTTP round trippers below the SDK's calls:
// Logging logs every request and answer at TRACE level with their secrets
// redacted, and CapAnswers refuses answers past a size cap. It knows which
// JSON fields and headers hold secrets, and nothing of actions, retries or
// error codes; it does not record snapshots (internal/snapshot does, in tests).
package transport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Redacted replaces every secret in what is logged.
const Redacted = "<redacted>"

// secretFields are the JSON fields whose values never reach a log, compared
// case-insensitively, at any depth: the private key of CreateKeyPair, the
// temporary credentials of STS answers, tokens, passwords and signatures.
// SecretId is not among them: it names a key, and support asks for it.
var secretFields = map[string]bool{
	"privatekey": true, "secretkey": true, "secret_key": true,
	"token": true, "securitytoken": true, "security_token": true, "sessiontoken": true, "x-tc-token": true,
	"tmpsecretkey": true, "tmpsecretid": true,
	"authorization": true, "signature": true, "password": true,
	"clientsecret": true, "client_secret": true,
	"accesstoken": true, "access_token": true, "refreshtoken": true, "refresh_token": true,
	"webidentitytoken": true,
}

// keptOutFields are no secret, but never reach a log either: the public
// key of ImportKeyPair and DescribeKeyPairs, which a configuration may keep
// out of the state (public_key_wo of tencentcloud_key_pair), and the
// base64 public key of Secrets Manager's GetSSHKeyPairValue. Unlike
// secretFields, they stay in recorded snapshots.
var keptOutFields = map[string]bool{"publickey": true}

// secretMarkers make a string value secret whatever its field is called,
// such as a PEM private key inside a message, also base64-encoded, as
// Secrets Manager answers keys (GetSSHKeyPairValue): the encodings of
// "PRIVATE KEY" at each of the three offsets a base64 text may put it.
var secretMarkers = append([]string{"PRIVATE KEY", "Signature="}, base64Markers("PRIVATE KEY")...)

// base64Markers returns what the base64 encoding of any text that holds s
// holds, whatever the offset of s in it: for each of the three
// alignments, the characters that depend on the bytes of s alone.
func base64Markers(s string) []string {
	var out []string
	for pad := range 3 {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", pad) + s))
		start := (pad*8 + 5) / 6
		end := (pad + len(s)) * 8 / 6
		out = append(out, enc[start:end])
	}
	return out
}

// IsSecretField reports whether a JSON field, lowercased, holds a secret.
func IsSecretField(lower string) bool { return secretFields[lower] }

// HasSecretMarker reports whether a string value is secret whatever its
// field is called.
func HasSecretMarker(s string) bool {
	for _, marker := range secretMarkers {
		if strings.Contains(s, marker) {
			return true
		}
	}
	return false
}

// RedactJSON returns body with the value of every secret field, and of
// every field kept out of logs, replaced by "<redacted>", at any depth. A body that is not JSON cannot be redacted
// field by field, so only its length is kept.
func RedactJSON(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return fmt.Sprintf("<%d bytes, not JSON: redacted>", len(body))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(redactValue(v)); err != nil {
		return fmt.Sprintf("<%d bytes: redacted>", len(body))
	}
	return strings.TrimSuffix(out.String(), "\n")
}

func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, field := range v {
			if lower := strings.ToLower(k); secretFields[lower] || keptOutFields[lower] {
				v[k] = Redacted
				continue
			}
			v[k] = redactValue(field)
		}
		return v
	case []any:
		for i, elem := range v {
			v[i] = redactValue(elem)
		}
		return v
	case string:
		if HasSecretMarker(v) {
			return Redacted
		}
		return v
	}
	return v
}

// RedactHeaders returns the headers of a call for a log, with the values
// of Authorization, X-TC-Token and anything else that can hold a secret
// replaced by "<redacted>".
func RedactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		lower := strings.ToLower(name)
		switch {
		case lower == "authorization", lower == "cookie", lower == "set-cookie",
			strings.Contains(lower, "token"), strings.Contains(lower, "secret"), strings.Contains(lower, "signature"):
			out[name] = Redacted
		default:
			out[name] = strings.Join(values, ", ")
		}
	}
	return out
}

// redactedBody is a body in a log field, redacted by RedactJSON when the
// logger formats the line, and only then: a logger whose level drops the
// line never formats it, so that a call whose logs nobody reads costs no
// parsing and encoding of its bodies. It is a struct, not a []byte, so
// that no logger renders it as a slice of bytes: text loggers print its
// String, JSON loggers its MarshalText.
type redactedBody struct{ body []byte }

func (b redactedBody) String() string { return RedactJSON(b.body) }

func (b redactedBody) MarshalText() ([]byte, error) { return []byte(RedactJSON(b.body)), nil }

// Logging logs every request and response body at TRACE level
// through tflog, redacted, with the context of the call (the SDK gives the
// HTTP request the context of the SDK request). The SDK's own debug dump
// (profile.Debug) stays off: it would log bodies and the Authorization
// header as they are.
type Logging struct {
	Next http.RoundTripper
}

func (t Logging) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	fields := map[string]any{
		"action": req.Header.Get("X-TC-Action"),
		"url":    req.URL.Redacted(),
	}
	reqFields := map[string]any{"headers": RedactHeaders(req.Header)}
	if body, err := RequestBody(req); err == nil {
		reqFields["body"] = redactedBody{body}
	}
	tflog.Trace(ctx, "Tencent Cloud API request", mergeFields(fields, reqFields))

	resp, err := t.Next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	// The SDK reads the body next: give it the same bytes, and the same
	// error if reading failed, so that logging changes nothing.
	var rest io.Reader = bytes.NewReader(body)
	if readErr != nil {
		rest = io.MultiReader(rest, ErrReader{readErr})
	}
	resp.Body = io.NopCloser(rest)
	respFields := map[string]any{"status": resp.StatusCode, "body": redactedBody{body}}
	if readErr != nil {
		respFields["read_error"] = readErr.Error()
	}
	tflog.Trace(ctx, "Tencent Cloud API response", mergeFields(fields, respFields))
	return resp, nil
}

// RequestBody reads the body of req without consuming it.
func RequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

func mergeFields(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// ErrReader fails every read with Err: a body that was cut keeps its
// error for whoever reads it next.
type ErrReader struct{ Err error }

func (r ErrReader) Read([]byte) (int, error) { return 0, r.Err }
