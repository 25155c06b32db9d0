package transport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestRedactJSON(t *testing.T) {
	t.Parallel()
	const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
	tests := []struct {
		name, in string
		want     string
		secrets  []string
	}{
		{
			name:    "create key pair answer",
			in:      `{"Response":{"KeyPair":{"KeyId":"skey-00000001","PrivateKey":` + mustJSON(pem) + `,"Tags":[]},"RequestId":"r1"}}`,
			want:    `{"Response":{"KeyPair":{"KeyId":"skey-00000001","PrivateKey":"<redacted>","Tags":[]},"RequestId":"r1"}}`,
			secrets: []string{"MIIEowIBAAKCAQEA"},
		},
		{
			name:    "public keys of an import and of an answer",
			in:      `{"KeyName":"k","PublicKey":"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice","Response":{"KeyPairSet":[{"KeyId":"skey-00000001","PublicKey":"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"}]}}`,
			want:    `{"KeyName":"k","PublicKey":"<redacted>","Response":{"KeyPairSet":[{"KeyId":"skey-00000001","PublicKey":"<redacted>"}]}}`,
			secrets: []string{"AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"},
		},
		{
			name:    "sts credentials, any case",
			in:      `{"Response":{"Credentials":{"Token":"tok-123","TmpSecretId":"AKIDtmp","TmpSecretKey":"tmpkey"},"ExpiredTime":1700000000}}`,
			want:    `{"Response":{"Credentials":{"TmpSecretId":"<redacted>","TmpSecretKey":"<redacted>","Token":"<redacted>"},"ExpiredTime":1700000000}}`,
			secrets: []string{"tok-123", "AKIDtmp", "tmpkey"},
		},
		{
			name:    "nested in arrays, lower case names",
			in:      `[{"a":[{"secretKey":{"x":"deep-secret"}},{"authorization":"TC3-HMAC-SHA256 Signature=abc"}]}]`,
			want:    `[{"a":[{"secretKey":"<redacted>"},{"authorization":"<redacted>"}]}]`,
			secrets: []string{"deep-secret", "abc"},
		},
		{
			name:    "private key under another name",
			in:      `{"Message":` + mustJSON("oops "+pem) + `}`,
			want:    `{"Message":"<redacted>"}`,
			secrets: []string{"MIIEowIBAAKCAQEA"},
		},
		{
			name: "nothing secret, numbers and html kept",
			in:   `{"KeyName":"a<b>","ProjectId":12345678901234567890,"Limit":1.5,"SecretId":"AKIDpublic"}`,
			want: `{"KeyName":"a<b>","Limit":1.5,"ProjectId":12345678901234567890,"SecretId":"AKIDpublic"}`,
		},
		{
			name:    "not JSON",
			in:      `PrivateKey=` + pem,
			want:    `<` + itoa(len(`PrivateKey=`+pem)) + ` bytes, not JSON: redacted>`,
			secrets: []string{"MIIEowIBAAKCAQEA"},
		},
		{
			name:    "two JSON values",
			in:      `{} {"PrivateKey":"x"}`,
			want:    `<21 bytes, not JSON: redacted>`,
			secrets: []string{`"x"`},
		},
		{
			// Secrets Manager answers both keys base64-encoded; a
			// public key never reaches a log, base64 or not.
			name: "ssm key pair value, base64",
			in: `{"Response":{"SSHKeyID":"skey-00000001","PublicKey":` + mustJSON(b64("ssh-rsa AAAAB3Nza skey_1")) +
				`,"PrivateKey":` + mustJSON(b64(pem)) + `,"SSHKeyName":"k","KeyPair":{"PublicKey":"ssh-rsa AAAAB3Nza skey_1"}}}`,
			want: `{"Response":{"KeyPair":{"PublicKey":"<redacted>"},"PrivateKey":"<redacted>","PublicKey":"<redacted>",` +
				`"SSHKeyID":"skey-00000001","SSHKeyName":"k"}}`,
			secrets: []string{b64(pem)[:20], b64("ssh-rsa AAAAB3Nza skey_1")},
		},
		{
			// A base64 private key under any name, at any offset.
			name:    "base64 private key under another name",
			in:      `{"Message":` + mustJSON("x"+b64(pem)) + `,"Other":` + mustJSON(b64("a"+pem)) + `,"Third":` + mustJSON(b64("ab"+pem)) + `}`,
			want:    `{"Message":"<redacted>","Other":"<redacted>","Third":"<redacted>"}`,
			secrets: []string{b64(pem)[:20]},
		},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactJSON([]byte(tt.in))
			if got != tt.want {
				t.Errorf("RedactJSON(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("RedactJSON(%q) keeps the secret %q", tt.in, s)
				}
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=0123abcd")
	h.Set("X-TC-Token", "token-value")
	h.Set("X-TC-Action", "CreateKeyPair")
	got := RedactHeaders(h)
	if got["Authorization"] != Redacted || got["X-Tc-Token"] != Redacted {
		t.Errorf("secret headers not redacted: %v", got)
	}
	if got["X-Tc-Action"] != "CreateKeyPair" {
		t.Errorf("X-TC-Action = %q, want it kept", got["X-Tc-Action"])
	}
}

// The transport logs both bodies, redacted, through the request's context,
// and hands the SDK the response body unchanged.
func TestLoggingTransport(t *testing.T) {
	t.Parallel()
	const answer = `{"Response":{"KeyPair":{"KeyId":"skey-00000001","PrivateKey":"-----BEGIN RSA PRIVATE KEY-----\nSECRETBODY\n-----END RSA PRIVATE KEY-----\n"},"RequestId":"r1"}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"KeyName":"a"}` {
			t.Errorf("server got body %q", body)
		}
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(`{"KeyName":"a"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKID/x, Signature=deadbeef")
	req.Header.Set("X-TC-Token", "the-token")
	req.Header.Set("X-TC-Action", "CreateKeyPair")
	resp, err := Logging{Next: http.DefaultTransport}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || string(body) != answer {
		t.Fatalf("body for the SDK = %q, %v; want the server's answer", body, err)
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d log entries, want 2: %v", len(entries), entries)
	}
	for _, e := range entries {
		if e["@level"] != "trace" || e["action"] != "CreateKeyPair" {
			t.Errorf("entry %v: want level trace and action CreateKeyPair", e)
		}
	}
	if b, _ := entries[0]["body"].(string); b != `{"KeyName":"a"}` {
		t.Errorf("request body logged as %q", b)
	}
	if b, _ := entries[1]["body"].(string); !strings.Contains(b, `"PrivateKey":"<redacted>"`) || !strings.Contains(b, "skey-00000001") {
		t.Errorf("response body logged as %q", b)
	}
	all := logs.String()
	for _, e := range entries {
		raw, _ := json.Marshal(e)
		all += string(raw)
	}
	for _, secret := range []string{"SECRETBODY", "deadbeef", "the-token"} {
		if strings.Contains(all, secret) {
			t.Errorf("the log holds the secret %q", secret)
		}
	}
}

// A body in a log field is redacted in whatever form a logger writes it:
// hclog's text format (the acceptance tests' sink) renders slices element
// by element and would print the bytes of an unredacted []byte; its JSON
// format (a provider under Terraform) marshals the field.
func TestRedactedBody_formats(t *testing.T) {
	t.Parallel()
	body := redactedBody{[]byte(`{"KeyId":"skey-1","PrivateKey":"SECRETBODY"}`)}
	for _, jsonFormat := range []bool{false, true} {
		var out bytes.Buffer
		hclog.New(&hclog.LoggerOptions{Output: &out, Level: hclog.Trace, JSONFormat: jsonFormat}).Trace("answer", "body", body)
		logged := out.String()
		if jsonFormat {
			var entry map[string]any
			if err := json.Unmarshal(out.Bytes(), &entry); err != nil {
				t.Fatalf("JSON format: %v: %q", err, logged)
			}
			logged, _ = entry["body"].(string)
		}
		if !strings.Contains(logged, "skey-1") || !strings.Contains(logged, Redacted) || strings.Contains(out.String(), "SECRETBODY") {
			t.Errorf("JSON format %v: logged %q, want the body with the private key redacted", jsonFormat, out.String())
		}
	}
}

// A failure to read the response reaches the SDK as it would without the
// transport.
func TestLoggingTransport_readError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	next := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"Resp`), ErrReader{boom}))}, nil
	})
	req := httptest.NewRequest(http.MethodPost, "http://example.invalid/", strings.NewReader(`{}`))
	resp, err := Logging{Next: next}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if string(body) != `{"Resp` || !errors.Is(err, boom) {
		t.Errorf("read %q, %v; want the partial body and the read error", body, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func mustJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
