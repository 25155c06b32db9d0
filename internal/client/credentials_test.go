package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

const testRoleArn = "qcs::cam::uin/" + emulator.DemoUin + ":roleName/deployer"

// envOf is a getenv over a fixed map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeProfile writes a tccli profile into dir.
func writeProfile(t *testing.T, dir, name, credential, configure string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".credential"), []byte(credential), 0o600); err != nil {
		t.Fatal(err)
	}
	if configure != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".configure"), []byte(configure), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestResolveCredentials_attributesWinOverEnvironment(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{EnvSecretID: "AKIDenv", EnvSecretKey: "env-key", EnvRegion: "ap-beijing", EnvSecurityToken: "env-token"})
	r, err := ResolveCredentials(Settings{SecretID: "AKIDattr", SecretKey: "attr-key", Region: "ap-shanghai"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if r.SecretID != "AKIDattr" || r.SecretKey != "attr-key" || r.Region != "ap-shanghai" || r.SecurityToken != "env-token" {
		t.Errorf("resolved %+v", r)
	}
	if r.Source != "the provider block" {
		t.Errorf("source %q", r.Source)
	}

	r, err = ResolveCredentials(Settings{}, env)
	if err != nil || r.SecretID != "AKIDenv" || r.Source != "environment variables" || r.Region != "ap-beijing" {
		t.Errorf("environment only: %+v, %v", r, err)
	}
	r, err = ResolveCredentials(Settings{SecretID: "AKIDattr"}, env)
	if err != nil || r.SecretID != "AKIDattr" || r.SecretKey != "env-key" || r.Source != "the provider block and environment variables" {
		t.Errorf("mixed: %+v, %v", r, err)
	}
}

func TestResolveCredentials_missing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := ResolveCredentials(Settings{SecretID: "AKIDonly", SharedCredentialsDir: dir}, envOf(nil))
	var missing *MissingError
	if !errors.As(err, &missing) || len(missing.Items) != 2 ||
		!strings.Contains(missing.Items[0], "secret_key (or the environment variable TENCENTCLOUD_SECRET_KEY)") ||
		!strings.Contains(missing.Items[1], "region (or the environment variable TENCENTCLOUD_REGION") {
		t.Fatalf("half a pair: %v", err)
	}

	_, err = ResolveCredentials(Settings{SharedCredentialsDir: dir, Region: "ap-guangzhou"}, envOf(nil))
	want := `no credentials: secret_id and secret_key (or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY) are not set, and there is no profile "default" in ` + dir
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("nothing set:\n%v\nwant %s", err, want)
	}

	_, err = ResolveCredentials(Settings{SharedCredentialsDir: dir, Region: "ap-guangzhou"}, envOf(map[string]string{EnvProfile: "prod"}))
	if err == nil || !strings.Contains(err.Error(), `profile "prod" not found: `+filepath.Join(dir, "prod.credential")+" does not exist") {
		t.Fatalf("named profile missing: %v", err)
	}

	writeProfile(t, dir, "broken", `{"secretId": "AKIDx"}`, "")
	_, err = ResolveCredentials(Settings{Profile: "broken", SharedCredentialsDir: dir, Region: "ap-guangzhou"}, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), `profile "broken": `+filepath.Join(dir, "broken.credential")+" has no secretKey") {
		t.Fatalf("incomplete profile: %v", err)
	}
	writeProfile(t, dir, "garbage", `secretId = x`, "")
	_, err = ResolveCredentials(Settings{Profile: "garbage", SharedCredentialsDir: dir, Region: "ap-guangzhou"}, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "is not a JSON object") {
		t.Fatalf("malformed profile: %v", err)
	}
}

func TestResolveCredentials_profile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProfile(t, dir, "default", `{"secretId": " AKIDdefault ", "secretKey": "default-key"}`, `{"_sys_param": {"region": "ap-chengdu", "output": "json"}}`)
	writeProfile(t, dir, "temp", `{"secretId": "AKIDtemp", "secretKey": "temp-key", "token": "temp-token"}`, "")
	writeProfile(t, dir, "role", `{"secretId": "AKIDrole", "secretKey": "role-key", "role-arn": "`+testRoleArn+`", "role-session-name": "ci"}`, "")

	r, err := ResolveCredentials(Settings{SharedCredentialsDir: dir}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if r.SecretID != "AKIDdefault" || r.SecretKey != "default-key" || r.Region != "ap-chengdu" || r.AssumeRole != nil {
		t.Errorf("default profile: %+v", r)
	}
	if want := `profile "default" (` + filepath.Join(dir, "default.credential") + ")"; r.Source != want {
		t.Errorf("source %q, want %q", r.Source, want)
	}

	// The region attribute wins over the profile's; the profile and the
	// directory come from the environment too.
	r, err = ResolveCredentials(Settings{Region: "ap-beijing"},
		envOf(map[string]string{EnvProfile: "temp", EnvSharedCredentialsDir: dir}))
	if err != nil || r.SecurityToken != "temp-token" || r.Region != "ap-beijing" {
		t.Errorf("temporary profile: %+v, %v", r, err)
	}

	r, err = ResolveCredentials(Settings{Profile: "role", SharedCredentialsDir: dir, Region: "ap-beijing"}, envOf(nil))
	if err != nil || r.AssumeRole == nil || r.AssumeRole.RoleArn != testRoleArn || r.AssumeRole.SessionName != "ci" {
		t.Errorf("profile with a role: %+v, %v", r, err)
	}

	// Credentials in the environment win over any profile.
	r, err = ResolveCredentials(Settings{SharedCredentialsDir: dir, Region: "ap-beijing"},
		envOf(map[string]string{EnvSecretID: "AKIDenv", EnvSecretKey: "env-key"}))
	if err != nil || r.SecretID != "AKIDenv" {
		t.Errorf("environment before profile: %+v, %v", r, err)
	}
}

// The default directory is ~/.tccli.
func TestResolveCredentials_homeDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.Mkdir(filepath.Join(home, ".tccli"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeProfile(t, filepath.Join(home, ".tccli"), "default", `{"secretId": "AKIDhome", "secretKey": "home-key"}`, `{"_sys_param": {"region": "ap-guangzhou"}}`)
	r, err := ResolveCredentials(Settings{}, envOf(nil))
	if err != nil || r.SecretID != "AKIDhome" || r.Region != "ap-guangzhou" {
		t.Fatalf("~/.tccli: %+v, %v", r, err)
	}
}

func TestResolveCredentials_assumeRole(t *testing.T) {
	t.Parallel()
	base := Settings{SecretID: "AKIDx", SecretKey: "k", Region: "ap-guangzhou"}

	// A block's attributes win; the environment fills what it leaves out.
	s := base
	s.AssumeRole = &AssumeRole{RoleArn: testRoleArn}
	r, err := ResolveCredentials(s, envOf(map[string]string{
		EnvAssumeRoleArn: "qcs::cam::uin/1:roleName/other", EnvAssumeRoleName: "from-env", EnvAssumeRoleDuration: "900",
		EnvAssumeRolePolicy: `{"version":"2.0"}`, EnvAssumeRoleExternalID: "ext",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := (AssumeRole{RoleArn: testRoleArn, SessionName: "from-env", SessionDuration: 900, Policy: `{"version":"2.0"}`, ExternalID: "ext"}); *r.AssumeRole != want {
		t.Errorf("assume role %+v, want %+v", *r.AssumeRole, want)
	}

	// The environment alone turns it on, with the default duration.
	r, err = ResolveCredentials(base, envOf(map[string]string{EnvAssumeRoleArn: testRoleArn, EnvAssumeRoleName: "tf"}))
	if err != nil || r.AssumeRole == nil || r.AssumeRole.SessionDuration != DefaultSessionDuration {
		t.Errorf("from the environment: %+v, %v", r, err)
	}

	s.AssumeRole = &AssumeRole{}
	_, err = ResolveCredentials(s, envOf(map[string]string{EnvAssumeRoleDuration: "forever"}))
	for _, want := range []string{
		`TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION="forever" is not a number of seconds`,
		"assume_role.role_arn (or the environment variable TENCENTCLOUD_ASSUME_ROLE_ARN)",
		"assume_role.session_name (or the environment variable TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME)",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("incomplete assume_role: %v\nwant %s", err, want)
		}
	}
}

// fakeClock is a clock that moves only when a test moves it, so that how
// long the calls take never counts toward an expiry. It starts at the real
// time: the SDK signs with the real time, which the emulator wants within
// five minutes of its own.
type fakeClock struct {
	base   time.Time
	offset atomic.Int64
}

func newFakeClock() *fakeClock { return &fakeClock{base: time.Now()} }

func (c *fakeClock) now() time.Time          { return c.base.Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) advance(d time.Duration) { c.offset.Add(int64(d)) }
func assumeRoleCalls(t *testing.T, ctl emulator.ControlClient) int {
	t.Helper()
	return stats(t, ctl).Calls["AssumeRole"]
}

func TestAssumeRole_renewsBeforeExpiry(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	_, url := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, Now: clock.now, Roles: []emulator.Role{{RoleArn: testRoleArn, ExternalID: "ext-1"}}})
	ctl := emulator.ControlClient{URL: url}
	c, err := New(Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, CredentialSource: "environment variables",
		Region: testRegion, Endpoint: url, RateLimit: 100, MaxRetries: 2, Now: clock.now,
		AssumeRole: &AssumeRole{RoleArn: testRoleArn, SessionName: "terraform", SessionDuration: 100, ExternalID: "ext-1",
			Policy: `{"version":"2.0","statement":[{"effect":"allow","action":["cvm:*"],"resource":["*"]}]}`},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CheckCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	list := func() {
		t.Helper()
		if _, err := c.ListKeyPairs(ctx, nil); err != nil {
			t.Fatalf("call with the assumed role: %v", err)
		}
	}
	list()
	if n := assumeRoleCalls(t, ctl); n != 1 {
		t.Fatalf("%d AssumeRole calls, want 1", n)
	}
	// The margin is a tenth of the session: 10 s of 100.
	clock.advance(85 * time.Second)
	list()
	if n := assumeRoleCalls(t, ctl); n != 1 {
		t.Fatalf("%d AssumeRole calls 15 s before expiry, want 1", n)
	}
	clock.advance(6 * time.Second)
	list()
	if n := assumeRoleCalls(t, ctl); n != 2 {
		t.Fatalf("%d AssumeRole calls 9 s before expiry, want 2", n)
	}
	// The new credentials last a full session from the renewal.
	clock.advance(80 * time.Second)
	list()
	if n := assumeRoleCalls(t, ctl); n != 2 {
		t.Fatalf("%d AssumeRole calls, want 2", n)
	}
	if !strings.Contains(c.CredentialSource(), "assume_role (role_arn "+testRoleArn+", session_name terraform) with credentials from environment variables") {
		t.Errorf("source %q", c.CredentialSource())
	}
}

func TestAssumeRole_errorsNameTheSource(t *testing.T) {
	t.Parallel()
	_, url := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, Roles: []emulator.Role{{RoleArn: testRoleArn, ExternalID: "ext-1"}}})
	for name, tc := range map[string]struct {
		id, key string
		role    AssumeRole
		code    string
	}{
		"unknown role":     {emulator.DemoSecretID, emulator.DemoSecretKey, AssumeRole{RoleArn: testRoleArn + "x", SessionName: "tf"}, "ResourceNotFound.RoleNotFound"},
		"wrong external":   {emulator.DemoSecretID, emulator.DemoSecretKey, AssumeRole{RoleArn: testRoleArn, SessionName: "tf", ExternalID: "no"}, "UnauthorizedOperation"},
		"unknown identity": {"AKIDnobody", "x", AssumeRole{RoleArn: testRoleArn, SessionName: "tf", ExternalID: "ext-1"}, "AuthFailure.SecretIdNotFound"},
	} {
		c, err := New(Config{SecretID: tc.id, SecretKey: tc.key, CredentialSource: `profile "default" (/home/me/.tccli/default.credential)`,
			Region: testRegion, Endpoint: url, AssumeRole: &tc.role})
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckCredentials(context.Background())
		if code(err) != tc.code {
			t.Errorf("%s: code %q (%v), want %s", name, code(err), err, tc.code)
			continue
		}
		want := "assume_role (role_arn " + tc.role.RoleArn + `, session_name tf) with credentials from profile "default" (/home/me/.tccli/default.credential): `
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v\nwant it to start with %s", name, err, want)
		}
		if strings.Contains(err.Error(), tc.key) && len(tc.key) > 2 {
			t.Errorf("%s: the error holds the secret key", name)
		}
		if !errors.Is(c.CredentialError(), err) && c.CredentialError().Error() != err.Error() {
			t.Errorf("%s: CredentialError %v", name, c.CredentialError())
		}
	}
}

// domain and protocol pick the host and scheme of every call, STS
// included: <service>.<domain> over HTTP here, reached through a dialer
// that sends every host to the emulator, which is told to answer those
// names.
func TestClient_domainAndProtocol(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{KeyBits: 1024, Roles: []emulator.Role{{RoleArn: testRoleArn}},
		AllowHosts: []string{"sts.cloud.example.test", "cvm.cloud.example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	hosts := map[string]bool{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts[r.Host] = true
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })

	c, err := New(Config{SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: testRegion,
		Domain: "cloud.example.test", Protocol: "HTTP", AssumeRole: &AssumeRole{RoleArn: testRoleArn, SessionName: "tf"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := hs.Listener.Addr().String()
	c.transport.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	kp, err := c.CreateKeyPair(context.Background(), "domain_test", 0, map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeKeyPair(context.Background(), kp.ID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range []string{"sts.cloud.example.test", "cvm.cloud.example.test"} {
		if !hosts[h] {
			t.Errorf("no call to %s; calls went to %v", h, hosts)
		}
	}

	if _, err := New(Config{Protocol: "FTP"}); err == nil || !strings.Contains(err.Error(), "HTTP or HTTPS") {
		t.Errorf("bad protocol: %v", err)
	}
	if _, err := New(Config{Domain: "https://x.test/"}); err == nil || !strings.Contains(err.Error(), "root domain") {
		t.Errorf("bad domain: %v", err)
	}
}
