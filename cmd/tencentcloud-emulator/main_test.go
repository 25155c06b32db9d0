package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"
)

// TestRun starts the command in-process, calls it with the SDK, and stops
// it with SIGTERM, which must flush the state file and end without error.
// The secret key and the control token come from the environment, so that
// they stay out of ps.
func TestRun(t *testing.T) {
	// The test's own subscription keeps a SIGTERM from killing the test
	// process should run have stopped listening for it already.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	t.Cleanup(func() { signal.Stop(sigs) })
	t.Setenv("TENCENTCLOUD_EMULATOR_SECRET_KEY", "cmd-key")
	t.Setenv("TENCENTCLOUD_EMULATOR_CONTROL_TOKEN", "cmd-control-token")

	state := filepath.Join(t.TempDir(), "state.json")
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{
			"--listen", "127.0.0.1:0", "--secret-id", "AKIDcmd", "--max-connections", "8",
			"--key-bits", "1024", "--projects", "1001, 1002", "--rate-limit", "0", "--state-file", state, "--strict",
		}, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("no output; run returned %v", <-done)
	}
	// From here run is serving; a failure below must not leave it running
	// after the test.
	terminated := false
	t.Cleanup(func() {
		stopping := !terminated
		if stopping {
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}
		select {
		case err := <-done:
			// When the test sent SIGTERM itself, it has checked err.
			if stopping && err != nil {
				t.Errorf("run after SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not stop after SIGTERM")
		}
	})
	m := regexp.MustCompile(`^listening on http://(127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("first line %q, want listening on http://127.0.0.1:PORT", lines.Text())
	}

	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint, prof.HttpProfile.Scheme = m[1], "http"
	client, err := cvm.NewClient(common.NewCredential("AKIDcmd", "cmd-key"), "ap-guangzhou", prof)
	if err != nil {
		t.Fatal(err)
	}
	req := cvm.NewCreateKeyPairRequest()
	name, project := "from_cmd", int64(1002)
	req.KeyName, req.ProjectId = &name, &project
	resp, err := client.CreateKeyPair(req)
	if err != nil {
		t.Fatalf("create key pair: %v", err)
	}
	// --strict reached the emulator: the answer is lean, the comment
	// numeric.
	if kp := resp.Response.KeyPair; kp.CreatedTime != nil || kp.Tags != nil || !regexp.MustCompile(` skey_[0-9]+$`).MatchString(*kp.PublicKey) {
		t.Errorf("--strict: create answered CreatedTime %v, Tags %v, public key %q; want a lean answer and a numeric comment", kp.CreatedTime != nil, kp.Tags != nil, *kp.PublicKey)
	}

	// The control API wants the token from the environment.
	ctx := context.Background()
	if _, err := (emulator.ControlClient{URL: "http://" + m[1]}).Stats(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("control API without the token: %v, want 401", err)
	}
	if st, err := (emulator.ControlClient{URL: "http://" + m[1], Token: "cmd-control-token"}).Stats(ctx); err != nil || st.Calls["CreateKeyPair"] != 1 {
		t.Errorf("control API with the token: %+v, %v; want one CreateKeyPair", st, err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	terminated = true
	select {
	case err := <-done:
		done <- err // for the cleanup
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after SIGTERM")
	}
	if lines.Scan() {
		t.Errorf("more than one line on stdout: %q", lines.Text())
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), *resp.Response.KeyPair.KeyId) {
		t.Errorf("state file lacks the key pair (%v)", err)
	}
}

func TestRunFlagErrors(t *testing.T) {
	for _, name := range []string{"TENCENTCLOUD_EMULATOR_SECRET_ID", "TENCENTCLOUD_EMULATOR_SECRET_KEY", "TENCENTCLOUD_EMULATOR_CONTROL_TOKEN"} {
		t.Setenv(name, "")
	}
	for _, args := range [][]string{
		{"--secret-id", "only-id"},
		{"--projects", "1,x"},
		{"--quota", "0"},
		{"--key-bits", "512"},
		{"--listen", "127.0.0.1:0", "extra"},
		{"--no-such-flag"},
		{"--scope", "galaxy"},
		{"--visibility-lag", "-1s"},
		{"--tag-lag", "soon"},
		{"--strict", "--terminate-lag", "-3s"},
		{"--max-connections", "0"},
		{"--listen", "no-port"},
		{"--listen", "127.0.0.1:0", "--allow-host", "emulator:8090"},
		{"--listen", "127.0.0.1:0", "--allow-host", ""},
	} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// TestParseFlags checks the configuration that the flags make: --strict
// turns every behaviour on with its default, and a flag given as well
// overrides its part, also to turn it off.
func TestParseFlags(t *testing.T) {
	t.Parallel()
	strict := emulator.Config{
		Scope: "account", LeanCreate: true, PartialDelete: true,
		VisibilityLag: time.Second, TagLag: 2 * time.Second, TerminateLag: 3 * time.Second,
		RestartAfterForceStop: true, NumericKeyComments: true,
	}
	for _, tt := range []struct {
		args []string
		want emulator.Config
	}{
		{nil, emulator.Config{Scope: "account"}},
		{[]string{"--scope", "region"}, emulator.Config{Scope: "region"}},
		{[]string{"--strict"}, strict},
		{[]string{"--strict", "--scope", "region", "--visibility-lag", "0", "--lean-create=false", "--tag-lag", "500ms"}, emulator.Config{
			Scope: "region", PartialDelete: true, TagLag: 500 * time.Millisecond, TerminateLag: 3 * time.Second,
			RestartAfterForceStop: true, NumericKeyComments: true,
		}},
		{[]string{"--lean-create", "--partial-delete", "--visibility-lag", "2s", "--tag-lag", "1m", "--terminate-lag", "1h"}, emulator.Config{
			Scope: "account", LeanCreate: true, PartialDelete: true,
			VisibilityLag: 2 * time.Second, TagLag: time.Minute, TerminateLag: time.Hour,
		}},
		{[]string{"--strict", "--hold-lags"}, func() emulator.Config { c := strict; c.HoldLags = true; return c }()},
	} {
		cfg, _, err := parseFlags(tt.args, io.Discard)
		if err != nil {
			t.Errorf("parseFlags(%q): %v", tt.args, err)
			continue
		}
		if listen := cfg.ListenAddr; listen != "127.0.0.1:8090" || cfg.Quota != 100 || cfg.RateLimit != 10 {
			t.Errorf("parseFlags(%q): listen %s, quota %d, rate limit %v: the defaults changed", tt.args, listen, cfg.Quota, cfg.RateLimit)
		}
		got := emulator.Config{
			Scope: cfg.Scope, Strict: cfg.Strict, LeanCreate: cfg.LeanCreate, PartialDelete: cfg.PartialDelete,
			VisibilityLag: cfg.VisibilityLag, TagLag: cfg.TagLag, TerminateLag: cfg.TerminateLag,
			RestartAfterForceStop: cfg.RestartAfterForceStop, NumericKeyComments: cfg.NumericKeyComments,
			HoldLags: cfg.HoldLags,
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseFlags(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
	}
}

// TestHelpNamesTheFlags checks that the help text names every new flag
// and what --strict turns on.
func TestHelpNamesTheFlags(t *testing.T) {
	t.Parallel()
	var help strings.Builder
	if _, _, err := parseFlags([]string{"--help"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"-allow-host NAME", "DNS rebinding", "-control-token", "-max-connections", "TENCENTCLOUD_EMULATOR_SECRET_KEY", "TENCENTCLOUD_EMULATOR_CONTROL_TOKEN", "-scope", "-strict", "-lean-create", "-partial-delete", "-visibility-lag", "-tag-lag", "-terminate-lag", "-hold-lags", "/_emulator/lags/end", "--visibility-lag 1s", "--tag-lag 2s", "--terminate-lag 3s", "ForceStop", "skey_112168"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("the help text lacks %q", want)
		}
	}
}

// TestRunRefusesOpenControlAPI checks that the command will not serve the
// control API without a token on an address other than loopback, and
// says how to fix it; with the token from the flag or the environment it
// is accepted. run is called only with addresses it could not bind
// anyway (a documentation network, a name that never resolves), so that
// a regression fails the test instead of serving until SIGTERM; the
// wildcard addresses go through parseFlags, its first step.
func TestRunRefusesOpenControlAPI(t *testing.T) {
	t.Setenv("TENCENTCLOUD_EMULATOR_CONTROL_TOKEN", "")
	refused := func(listen string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "not a loopback address") || !strings.Contains(err.Error(), "TENCENTCLOUD_EMULATOR_CONTROL_TOKEN") {
			t.Errorf("--listen %s without a token: %v, want a refusal naming the token", listen, err)
		}
	}
	for _, listen := range []string{"192.0.2.1:8090", "emulator.invalid:8090"} {
		refused(listen, run([]string{"--listen", listen}, io.Discard, io.Discard))
	}
	for _, listen := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		_, _, err := parseFlags([]string{"--listen", listen}, io.Discard)
		refused(listen, err)
	}
	for _, listen := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0", "127.0.0.2:0"} {
		cfg, _, err := parseFlags([]string{"--listen", listen}, io.Discard)
		if err != nil || cfg.ControlToken != "" {
			t.Errorf("--listen %s without a token: %v, token %q; want it accepted, open", listen, err, cfg.ControlToken)
		}
	}

	cfg, _, err := parseFlags([]string{"--listen", "0.0.0.0:0", "--control-token", "from-flag"}, io.Discard)
	if err != nil || cfg.ControlToken != "from-flag" || cfg.ListenAddr != "0.0.0.0:0" {
		t.Errorf("--control-token: %v, token %q, listen address %q", err, cfg.ControlToken, cfg.ListenAddr)
	}
	t.Setenv("TENCENTCLOUD_EMULATOR_CONTROL_TOKEN", "from-env")
	cfg, _, err = parseFlags([]string{"--listen", "0.0.0.0:0"}, io.Discard)
	if err != nil || cfg.ControlToken != "from-env" {
		t.Errorf("$TENCENTCLOUD_EMULATOR_CONTROL_TOKEN: %v, token %q", err, cfg.ControlToken)
	}
	// The flag wins over the environment, also on loopback.
	cfg, _, err = parseFlags([]string{"--control-token", "from-flag"}, io.Discard)
	if err != nil || cfg.ControlToken != "from-flag" {
		t.Errorf("flag and environment: %v, token %q, want the flag's", err, cfg.ControlToken)
	}
}

// TestParseFlags_allowHost checks that --allow-host may be given more
// than once, each name reaching the Config, and that the emulator it
// configures then answers a signed call naming one of them, and refuses
// one naming another host.
func TestParseFlags_allowHost(t *testing.T) {
	t.Parallel()
	cfg, _, err := parseFlags(nil, io.Discard)
	if err != nil || cfg.AllowHosts != nil {
		t.Errorf("no --allow-host: %v, allowed hosts %q; want none", err, cfg.AllowHosts)
	}
	cfg, _, err = parseFlags([]string{"--allow-host", "emulator", "--key-bits", "1024", "--allow-host", "host.docker.internal"}, io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.AllowHosts, []string{"emulator", "host.docker.internal"}) {
		t.Fatalf("two --allow-host: %v, allowed hosts %q", err, cfg.AllowHosts)
	}

	_, url := emulator.NewTestServer(t, cfg)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	describe := func(host string) error {
		prof := profile.NewClientProfile()
		prof.HttpProfile.Endpoint, prof.HttpProfile.Scheme = host+":"+port, "http"
		client, err := cvm.NewClient(common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey), "ap-guangzhou", prof)
		if err != nil {
			t.Fatal(err)
		}
		// Every name reaches the emulator, as a name that DNS resolves to
		// it would.
		client.WithHttpTransport(&http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		}})
		_, err = client.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
		return err
	}
	for _, host := range []string{"emulator", "host.docker.internal", "127.0.0.1"} {
		if err := describe(host); err != nil {
			t.Errorf("Host %s: %v, want it answered", host, err)
		}
	}
	if err := describe("evil.example"); err == nil || !strings.Contains(err.Error(), "AuthFailure.UnauthorizedOperation") || !strings.Contains(err.Error(), "--allow-host evil.example") {
		t.Errorf("Host evil.example: %v, want AuthFailure.UnauthorizedOperation naming --allow-host", err)
	}
}

// TestParseFlags_envCredentials checks that
// TENCENTCLOUD_EMULATOR_SECRET_ID and TENCENTCLOUD_EMULATOR_SECRET_KEY
// stand in for --secret-id and --secret-key when those are not given.
func TestParseFlags_envCredentials(t *testing.T) {
	const idEnv, keyEnv = "TENCENTCLOUD_EMULATOR_SECRET_ID", "TENCENTCLOUD_EMULATOR_SECRET_KEY"
	for _, tt := range []struct {
		name    string
		env     [2]string // id, key
		args    []string
		want    []emulator.Credential
		wantErr bool
	}{
		{"none: the demo pair", [2]string{"", ""}, nil, nil, false},
		{"both from the environment", [2]string{"AKIDenv", "env-key"}, nil, []emulator.Credential{{SecretID: "AKIDenv", SecretKey: "env-key"}}, false},
		{"the id from the flag, the key from the environment", [2]string{"", "env-key"}, []string{"--secret-id", "AKIDflag"}, []emulator.Credential{{SecretID: "AKIDflag", SecretKey: "env-key"}}, false},
		{"flags win", [2]string{"AKIDenv", "env-key"}, []string{"--secret-id", "AKIDflag", "--secret-key", "flag-key"}, []emulator.Credential{{SecretID: "AKIDflag", SecretKey: "flag-key"}}, false},
		{"an id without a key", [2]string{"AKIDenv", ""}, nil, nil, true},
		{"a key without an id", [2]string{"", "env-key"}, nil, nil, true},
	} {
		t.Setenv(idEnv, tt.env[0])
		t.Setenv(keyEnv, tt.env[1])
		cfg, _, err := parseFlags(tt.args, io.Discard)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(cfg.Credentials, tt.want) {
			t.Errorf("%s: credentials %+v, want %+v", tt.name, cfg.Credentials, tt.want)
		}
	}
}

// The lines of --print-env, pasted into a shell, point the SDK at the
// emulator with credentials it accepts; with credentials of one's own,
// they never hold the secret key.
func TestPrintEnv(t *testing.T) {
	if _, withEnv, err := parseFlags([]string{"--print-env"}, io.Discard); err != nil || !withEnv {
		t.Fatalf("--print-env: %v, %v", withEnv, err)
	}
	_, url := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024})
	var out strings.Builder
	printEnv(&out, url, emulator.Config{})
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env[name] = value
		}
	}
	client, err := testcloud.NewCVM(env["TENCENTCLOUD_ENDPOINT"], env["TENCENTCLOUD_SECRET_ID"], env["TENCENTCLOUD_SECRET_KEY"], env["TENCENTCLOUD_REGION"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest()); err != nil {
		t.Errorf("the printed lines %q do not reach the emulator: %v", out.String(), err)
	}

	out.Reset()
	printEnv(&out, url, emulator.Config{Credentials: []emulator.Credential{{SecretID: "AKIDmine", SecretKey: "my-secret-key"}}})
	if strings.Contains(out.String(), "my-secret-key") || !strings.Contains(out.String(), "TENCENTCLOUD_SECRET_ID=AKIDmine") {
		t.Errorf("with credentials of one's own: %q; want the SecretId and never the key", out.String())
	}
}
