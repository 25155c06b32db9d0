package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Distinctive secrets: the test fails if any of them, any signature the
// emulator received, or any 16-character piece of a generated private key
// shows up in what Terraform and the provider print or log.
const (
	secretsTestSecretID  = "AKIDSECRETSTEST0000000000000000000000"
	secretsTestSecretKey = "sk-NEVER-LOGGED-7f3a9c1e5b2d8a4f6e0c"
	secretsTestToken     = "tok-NEVER-LOGGED-c0ffee-91d2e8b7a6f54321"
	// privateKeyWindow is the length of the private key pieces searched for.
	privateKeyWindow = 16
)

// signaturePattern is an Authorization signature as the SDK sends it.
var signaturePattern = regexp.MustCompile(`Signature=([0-9a-fA-F]{16,})`)

// A whole lifecycle through the real terraform binary and a real build of
// the provider, with TF_LOG=trace: apply (a generated key pair with tags
// and a description, and an imported one), plan, an in-place update, an
// apply that fails with an API error, import and destroy. Nothing printed,
// logged or shown as a diagnostic may hold a secret.
func TestAccSecrets_neverLogged(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	if acctest.CloudMode() {
		t.Skip("runs against the emulator, whose credentials and signatures it knows")
	}

	// The emulator, behind a recorder of the signatures it receives.
	srv, err := emulator.New(emulator.Config{
		Credentials: []emulator.Credential{{SecretID: secretsTestSecretID, SecretKey: secretsTestSecretKey, Token: secretsTestToken}},
		KeyBits:     2048,
	})
	if err != nil {
		t.Fatal(err)
	}
	var sigMu sync.Mutex
	signatures := map[string]bool{}
	// The answers to CreateKeyPair are kept too: when they are cut, the
	// private keys they hold never reach the state, and must not reach
	// anything else either.
	var createAnswers []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := signaturePattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			sigMu.Lock()
			signatures[m[1]] = true
			sigMu.Unlock()
		}
		if r.Header.Get("X-TC-Action") != "CreateKeyPair" {
			srv.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		sigMu.Lock()
		createAnswers = append(createAnswers, rec.Body.String())
		sigMu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})

	// Terraform with a build of the provider, in an environment without
	// anything of the caller's that could change the run or leak other
	// credentials in, and with the test's own credentials.
	tf := acctest.NewCLI(t, acctest.OurAddress)
	tf.Env = append(tf.Env,
		"TENCENTCLOUD_ENDPOINT="+hs.URL,
		"TENCENTCLOUD_SECRET_ID="+secretsTestSecretID,
		"TENCENTCLOUD_SECRET_KEY="+secretsTestSecretKey,
		"TENCENTCLOUD_SECURITY_TOKEN="+secretsTestToken,
		"TENCENTCLOUD_REGION="+acctest.Region,
	)
	work := tf.Dir
	logDir := filepath.Join(filepath.Dir(work), "logs")
	if err := os.Mkdir(logDir, 0o700); err != nil {
		t.Fatal(err)
	}

	// The public key of the imported key pair: no private key of it is
	// ever sent.
	tf.Write("imported.pub", acctest.PublicKey(t)+"\n")

	var captured []capturedOutput
	step := 0
	run := func(wantFail bool, args ...string) string {
		t.Helper()
		step++
		logPath := filepath.Join(logDir, fmt.Sprintf("%02d-%s.log", step, args[0]))
		cmd := tf.Command(append(args, "-no-color")...)
		cmd.Env = append(cmd.Env, "TF_LOG=trace", "TF_LOG_PATH="+logPath)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		name := strings.Join(args, " ")
		captured = append(captured, capturedOutput{name: name + " (output)", text: out.String()})
		if log, readErr := os.ReadFile(logPath); readErr == nil {
			captured = append(captured, capturedOutput{name: name + " (TF_LOG_PATH)", text: string(log)})
		} else {
			t.Errorf("terraform %s wrote no log: %v", name, readErr)
		}
		if wantFail != (err != nil) {
			t.Fatalf("terraform %s: err = %v, want failure %v\n%s", name, err, wantFail, out.String())
		}
		return out.String()
	}

	config := func(generatedName, description, tags, extra string) {
		tf.Write("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

provider "tencentcloud" {}

resource "tencentcloud_key_pair" "generated" {
  key_name    = %q
  description = %q
  tags        = %s
}

resource "tencentcloud_key_pair" "imported" {
  key_name   = "secrets_imported"
  public_key = file("${path.module}/imported.pub")
  tags       = { team = "platform" }
}
%s`, generatedName, description, tags, extra))
	}

	config("secrets_generated", "made by the secrets test", `{ team = "platform", env = "test" }`, "")
	run(false, "apply", "-auto-approve", "-input=false")
	privateKey := statePrivateKey(t, filepath.Join(work, "terraform.tfstate"), "generated")
	// The same key in the OpenSSH format has other pieces; it holds the
	// public key too, whose pieces are no secret.
	privateKeyOpenSSH := stateAttribute(t, filepath.Join(work, "terraform.tfstate"), "generated", "private_key_openssh")
	publicKey := stateAttribute(t, filepath.Join(work, "terraform.tfstate"), "generated", "public_key")
	run(false, "plan", "-input=false", "-detailed-exitcode")

	config("secrets_renamed", "renamed by the secrets test", `{ team = "security" }`, "")
	run(false, "apply", "-auto-approve", "-input=false")

	// An API error (the name is taken) gives a diagnostic.
	config("secrets_renamed", "renamed by the secrets test", `{ team = "security" }`, `
resource "tencentcloud_key_pair" "duplicate" {
  key_name = "secrets_imported"
}
`)
	if out := run(true, "apply", "-auto-approve", "-input=false"); !strings.Contains(out, "already in use") {
		t.Errorf("the failed apply shows no duplicate-name diagnostic:\n%s", out)
	}

	// Every answer to CreateKeyPair cut short after the commit, with
	// correct HTTP framing: the SDK's parse error quotes the cut body,
	// private key included. The create fails, leaves nothing behind, and
	// says nothing of the key.
	ctl := emulator.ControlClient{URL: hs.URL}
	if err := ctl.SetFaults(t.Context(), emulator.Faults{Rules: []emulator.FaultRule{{Action: "CreateKeyPair", TruncatedJSON: 1}}}); err != nil {
		t.Fatal(err)
	}
	config("secrets_renamed", "renamed by the secrets test", `{ team = "security" }`, `
resource "tencentcloud_key_pair" "truncated" {
  key_name = "secrets_truncated"
}
`)
	if out := run(true, "apply", "-auto-approve", "-input=false"); !strings.Contains(out, "could not be read") {
		t.Errorf("the apply with cut answers shows no diagnostic of it:\n%s", out)
	}
	if err := ctl.SetFaults(t.Context(), emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	checker, err := client.New(client.Config{SecretID: secretsTestSecretID, SecretKey: secretsTestSecretKey, SecurityToken: secretsTestToken,
		Region: acctest.Region, Endpoint: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	if kp, err := checker.FindKeyPairByName(t.Context(), "secrets_truncated"); err == nil {
		t.Errorf("the creates with cut answers left key pair %s behind", kp.ID)
	}

	config("secrets_renamed", "renamed by the secrets test", `{ team = "security" }`, "")
	importedID := stateAttribute(t, filepath.Join(work, "terraform.tfstate"), "imported", "id")
	run(false, "state", "rm", "tencentcloud_key_pair.imported")
	run(false, "import", "-input=false", "tencentcloud_key_pair.imported", importedID)
	run(false, "plan", "-input=false")
	run(false, "destroy", "-auto-approve", "-input=false")

	// What is searched for.
	sigMu.Lock()
	sigs := make([]string, 0, len(signatures))
	for s := range signatures {
		sigs = append(sigs, s)
	}
	sigMu.Unlock()
	if len(sigs) == 0 {
		t.Fatal("the emulator recorded no signature: the lifecycle made no API call")
	}
	windows := privateKeyWindows(t, privateKey)
	for w := range privateKeyWindows(t, privateKeyOpenSSH) {
		if !strings.Contains(publicKey, w) {
			windows[w] = true
		}
	}
	cutKeys := 0
	sigMu.Lock()
	for _, answer := range createAnswers {
		if cut := cutPrivateKeyWindows(answer); len(cut) > 0 {
			cutKeys++
			maps.Copy(windows, cut)
		}
	}
	sigMu.Unlock()
	if cutKeys == 0 {
		t.Error("no cut CreateKeyPair answer held a private key: the test does not plant one")
	}

	lines, bodyLogs := 0, 0
	for _, c := range captured {
		lines += strings.Count(c.text, "\n")
		for _, line := range strings.Split(c.text, "\n") {
			if strings.Contains(line, "Tencent Cloud API response") && strings.Contains(line, "PrivateKey") && strings.Contains(line, "<redacted>") {
				bodyLogs++
			}
		}
		for _, secret := range []struct{ what, value string }{
			{"the secret key", secretsTestSecretKey},
			{"the security token", secretsTestToken},
		} {
			if i := strings.Index(c.text, secret.value); i >= 0 {
				t.Errorf("%s holds %s: %s", c.name, secret.what, excerpt(c.text, i))
			}
		}
		for _, sig := range sigs {
			if i := strings.Index(c.text, sig); i >= 0 {
				t.Errorf("%s holds an Authorization signature the emulator received: %s", c.name, excerpt(c.text, i))
				break
			}
		}
		if loc := signaturePattern.FindStringIndex(c.text); loc != nil {
			t.Errorf("%s holds an Authorization signature: %s", c.name, excerpt(c.text, loc[0]))
		}
		if i := strings.Index(c.text, "PRIVATE KEY-----"); i >= 0 {
			t.Errorf("%s holds a PEM private key: %s", c.name, excerpt(c.text, i))
		}
		for i := 0; i+privateKeyWindow <= len(c.text); i++ {
			if windows[c.text[i:i+privateKeyWindow]] {
				t.Errorf("%s holds a piece of the generated private key at byte %d", c.name, i)
				break
			}
		}
	}
	// The search must have had something to search: the provider's trace
	// logs, with the redacted CreateKeyPair answer among them.
	if bodyLogs == 0 {
		t.Error("no redacted CreateKeyPair answer in the trace logs: the provider's body logging did not reach TF_LOG_PATH")
	}
	t.Logf("scanned %d captures, %d lines, for the secret key, the token, %d signatures and %d private key pieces; %d redacted CreateKeyPair answers logged",
		len(captured), lines, len(sigs), len(windows), bodyLogs)
}

// cutPrivateKeyWindows returns the privateKeyWindow-long pieces of the
// base64 of a private key in a JSON answer, cut or whole.
func cutPrivateKeyWindows(answer string) map[string]bool {
	i := strings.Index(answer, "PRIVATE KEY-----")
	if i < 0 {
		return nil
	}
	var b64 strings.Builder
	rest := strings.ReplaceAll(answer[i+len("PRIVATE KEY-----"):], `\n`, "")
	for _, r := range rest {
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", r) {
			break
		}
		b64.WriteRune(r)
	}
	out := map[string]bool{}
	text := b64.String()
	for i := 0; i+privateKeyWindow <= len(text); i++ {
		out[text[i:i+privateKeyWindow]] = true
	}
	return out
}

type capturedOutput struct {
	name, text string
}

// stateAttribute reads an attribute of a tencentcloud_key_pair from the
// state file itself: `terraform show -json` would print it.
func stateAttribute(t *testing.T, stateFile, name, attribute string) string {
	t.Helper()
	raw, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatalf("parse %s: %v", stateFile, err)
	}
	for _, r := range state.Resources {
		if r.Type == "tencentcloud_key_pair" && r.Name == name && len(r.Instances) == 1 {
			if v, ok := r.Instances[0].Attributes[attribute].(string); ok {
				return v
			}
		}
	}
	t.Fatalf("the state has no %s of tencentcloud_key_pair.%s", attribute, name)
	return ""
}

func statePrivateKey(t *testing.T, stateFile, name string) string {
	t.Helper()
	pemText := stateAttribute(t, stateFile, name, "private_key")
	if !strings.Contains(pemText, "PRIVATE KEY-----") {
		t.Fatalf("tencentcloud_key_pair.%s has no PEM private key in the state", name)
	}
	return pemText
}

// privateKeyWindows returns every privateKeyWindow-character piece of the
// base64 body of a PEM key, within each line and across line breaks.
func privateKeyWindows(t *testing.T, pemText string) map[string]bool {
	t.Helper()
	var body []string
	for _, line := range strings.Split(pemText, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "-----") && !strings.Contains(line, ":") {
			body = append(body, line)
		}
	}
	windows := map[string]bool{}
	add := func(s string) {
		for i := 0; i+privateKeyWindow <= len(s); i++ {
			windows[s[i:i+privateKeyWindow]] = true
		}
	}
	for _, line := range body {
		add(line)
	}
	add(strings.Join(body, ""))
	if len(windows) < 100 {
		t.Fatalf("the private key has only %d pieces of %d characters", len(windows), privateKeyWindow)
	}
	return windows
}

// longHex is what a signature, or a piece of one, looks like.
var longHex = regexp.MustCompile(`[0-9a-fA-F]{16,}`)

// excerpt shows what comes before a secret that was found, with the secret
// itself cut off and other secrets masked, so that the test's own output
// does not spread them.
func excerpt(text string, i int) string {
	before := text[max(0, i-80):i]
	before = longHex.ReplaceAllString(before, "<hex>")
	for _, secret := range []string{secretsTestSecretKey, secretsTestToken} {
		before = strings.ReplaceAll(before, secret, "<secret>")
	}
	return fmt.Sprintf("%q...", before)
}
