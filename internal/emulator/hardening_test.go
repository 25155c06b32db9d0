package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// controlStatus sends one control call with the given Host header, content
// type (none when "") and Authorization header (none when "") and returns
// the HTTP status.
func (e *testEnv) controlStatus(method, path, host, contentType, body, authorization string) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestControlAPI_host checks that the control API answers only Host
// headers that name a loopback address, the listen address or a name of
// AllowHosts: a web page
// that rebinds its name to 127.0.0.1 sends its own name, and gets 403,
// also for a reset, which then resets nothing.
func TestControlAPI_host(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{ListenAddr: "emulator.test:8090", AllowHosts: []string{"emulator.internal"}})
	e.create(testRegion, "survives")
	_, port, _ := net.SplitHostPort(e.host)
	for _, tt := range []struct {
		host string
		want int
	}{
		{e.host, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST", http.StatusOK},
		{"127.0.0.2:1", http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"emulator.test:8090", http.StatusOK},
		{"Emulator.Internal:" + port, http.StatusOK},
		{"evil.example:" + port, http.StatusForbidden},
		{"emulator.internal.evil.example", http.StatusForbidden},
		{"evil.example", http.StatusForbidden},
		{"127.0.0.1.evil.example:" + port, http.StatusForbidden},
		{"localhost.evil.example", http.StatusForbidden},
		{"10.1.2.3:" + port, http.StatusForbidden},
		{"[2001:db8::1]:" + port, http.StatusForbidden},
	} {
		if got := e.controlStatus(http.MethodGet, "/_emulator/stats", tt.host, "", "", ""); got != tt.want {
			t.Errorf("GET stats with Host %q: HTTP %d, want %d", tt.host, got, tt.want)
		}
	}
	if got := e.controlStatus(http.MethodPost, "/_emulator/reset", "rebound.example:"+port, "application/json", "", ""); got != http.StatusForbidden {
		t.Errorf("POST reset with a foreign Host: HTTP %d, want 403", got)
	}
	if n := len(e.describe(testRegion)); n != 1 {
		t.Errorf("after a refused reset: %d key pairs, want 1", n)
	}
}

// TestControlAPI_hostOfTheConnection checks that a Host naming the IP
// address the connection arrived at is accepted: what clients on the
// network send to an emulator that listens on every interface.
func TestControlAPI_hostOfTheConnection(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{KeyBits: 1024, KeyPool: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	local := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8090}
	for _, tt := range []struct {
		host string
		want int
	}{
		{"192.0.2.7:8090", http.StatusOK},
		{"192.0.2.8:8090", http.StatusForbidden},
		{"emulator.example:8090", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/_emulator/stats", nil)
		req.Host = tt.host
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, net.Addr(local)))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != tt.want {
			t.Errorf("Host %q on a connection to %v: HTTP %d, want %d", tt.host, local, w.Code, tt.want)
		}
	}
}

// cvmVia is a CVM client whose calls name host in their Host header (and
// signature) but reach the emulator whatever the name: what a browser does
// for a page whose name was rebound to 127.0.0.1.
func (e *testEnv) cvmVia(host string) *cvm.Client {
	e.t.Helper()
	prof := e.profile()
	prof.HttpProfile.Endpoint = host
	c, err := cvm.NewClient(common.NewCredential(DemoSecretID, DemoSecretKey), testRegion, prof)
	if err != nil {
		e.t.Fatal(err)
	}
	c.WithHttpTransport(&http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, e.host)
	}})
	return c
}

// TestSignedAPI_host checks that the signed API, like the control API,
// answers only Host headers that name a loopback address, the listen
// address, the IP address of the connection or a name of AllowHosts. The
// demo credential is public, so a web page rebound to 127.0.0.1 could
// sign calls with it: its calls, which name its own host, get an error
// that the SDK reads as one, change nothing and are not counted.
func TestSignedAPI_host(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{
		ListenAddr: "emulator.test:8090",
		AllowHosts: []string{"emulator.internal", "Compose_Service", "192.0.2.9", "2001:DB8::9"},
		Roles:      []Role{{RoleArn: testRoleArn}},
	})
	_, port, _ := net.SplitHostPort(e.host)
	const refusal = "AuthFailure.UnauthorizedOperation"

	req := cvm.NewCreateKeyPairRequest()
	req.KeyName, req.ProjectId = ptr("rebound"), ptr(int64(0))
	_, err := e.cvmVia("evil.example:" + port).CreateKeyPair(req)
	wantCode(t, err, refusal)
	var sdkErr *tcerr.TencentCloudSDKError
	if !errors.As(err, &sdkErr) || !strings.Contains(sdkErr.Message, `Host "evil.example" is not allowed`) ||
		!strings.Contains(sdkErr.Message, "--allow-host evil.example") || sdkErr.RequestId == "" {
		t.Errorf("refusal %v: want a message that names the host and --allow-host, and a RequestId", err)
	}

	// Every service and action, STS and Tag included, and a GET too.
	for _, c := range []rawCall{
		{Action: "CreateKeyPair", Body: `{"KeyName":"rebound_raw","ProjectId":0}`},
		{Action: "DescribeKeyPairs"},
		{Service: "tag", Action: "ModifyResourceTags", Body: `{"Resource":"qcs::cvm:ap-guangzhou:uin/:keypair/skey-00000000","ReplaceTags":[{"TagKey":"a","TagValue":"b"}]}`},
		{Service: "sts", Version: "2018-08-13", Action: "AssumeRole", Body: `{"RoleArn":"` + testRoleArn + `","RoleSessionName":"rebound"}`},
	} {
		for _, host := range []string{"evil.example:" + port, "evil.example", "emulator.internal.evil.example", "127.0.0.1.evil.example", "192.0.2.10", "[2001:db8::1]:" + port} {
			c.Host = host
			if code, msg, _ := e.do(e.raw(c)); code != refusal {
				t.Errorf("%s %s with Host %q: code %q (%s), want %s", c.Service, c.Action, host, code, msg, refusal)
			}
		}
	}
	get, err := http.NewRequest(http.MethodGet, e.url+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	get.Host = "evil.example"
	if code, _, _ := e.do(get); code != refusal {
		t.Errorf("GET with a foreign Host: code %q, want %s", code, refusal)
	}
	// A request without a Host header (HTTP/1.0) names no host it may.
	noHost := e.raw(rawCall{Action: "DescribeKeyPairs"})
	noHost.Host = ""
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, noHost)
	if !strings.Contains(w.Body.String(), refusal) {
		t.Errorf("no Host: %s, want %s", w.Body.String(), refusal)
	}

	if st := e.stats(); len(st.Calls) != 0 {
		t.Errorf("refused calls were counted: %+v", st.Calls)
	}
	if n := len(e.describe(testRegion)); n != 0 {
		t.Errorf("after refused creates: %d key pairs, want 0", n)
	}

	for _, host := range []string{
		e.host, "localhost:" + port, "LOCALHOST", "127.0.0.2:1", "[::1]:" + port,
		"emulator.test:8090", "emulator.internal", "EMULATOR.INTERNAL:80", "compose_service:8090",
		"192.0.2.9:8090", "[2001:db8::9]:443", "[2001:db8:0::9]",
	} {
		if code, msg, _ := e.do(e.raw(rawCall{Action: "DescribeKeyPairs", Host: host})); code != "" {
			t.Errorf("DescribeKeyPairs with Host %q: %s: %s, want success", host, code, msg)
		}
	}
	e.create(testRegion, "from_loopback")

	// The IP address the connection arrived at.
	for _, tt := range []struct {
		host string
		want string
	}{{"192.0.2.7:8090", ""}, {"192.0.2.8:8090", refusal}} {
		req := e.raw(rawCall{Action: "DescribeKeyPairs", Host: tt.host})
		// Canonical header names, as they arrive from the wire.
		header := http.Header{}
		for k, v := range req.Header {
			header[http.CanonicalHeaderKey(k)] = v
		}
		req.Header = header
		local := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8090}
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, net.Addr(local)))
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		var env envelope
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatal(err)
		}
		got := ""
		if env.Response.Error != nil {
			got = env.Response.Error.Code
		}
		if got != tt.want {
			t.Errorf("Host %q on a connection to %v: code %q, want %q", tt.host, local, got, tt.want)
		}
	}
}

// TestConfig_allowHosts checks the names that AllowHosts takes.
func TestConfig_allowHosts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		host string
		ok   bool
	}{
		{"emulator", true},
		{"host.docker.internal", true},
		{"compose_service-1", true},
		{"192.0.2.1", true},
		{"::1", true},
		{"[2001:db8::1]", true},
		{"", false},
		{"emulator:8090", false},
		{"[2001:db8::1]:80", false},
		{"two words", false},
		{"-leading.hyphen", false},
		{"a..b", false},
		{"*.example", false},
		{"http://emulator", false},
	} {
		s, err := New(Config{KeyBits: 1024, KeyPool: 1, AllowHosts: []string{tt.host}})
		if s != nil {
			s.Close()
		}
		if (err == nil) != tt.ok {
			t.Errorf("AllowHosts %q: error %v, want accepted %v", tt.host, err, tt.ok)
		}
		if err != nil && strings.Contains(tt.host, ":8") && !strings.Contains(err.Error(), "without a port") {
			t.Errorf("AllowHosts %q: %v, want it to say: without a port", tt.host, err)
		}
	}
}

// TestControlAPI_contentType checks that the control API refuses a call
// that changes something unless it declares a JSON body: a web page can
// send a text/plain, form or empty POST across origins without asking
// first, and must not be able to reset the emulator or set faults. GET
// needs no content type.
func TestControlAPI_contentType(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	e.create(testRegion, "survives")
	for _, tt := range []struct {
		method, path, contentType, body string
		want                            int
	}{
		{http.MethodPost, "/_emulator/reset", "text/plain", "{}", http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/reset", "text/plain;charset=UTF-8", "", http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/reset", "application/x-www-form-urlencoded", "a=b", http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/reset", "multipart/form-data; boundary=x", "", http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/reset", "", "", http.StatusUnsupportedMediaType},
		{http.MethodPut, "/_emulator/faults", "text/plain", `{"rules":[{"action":"*","internal_error":1}]}`, http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/instances", "text/plain", `{"InstanceId":"ins-abcdefgh","Region":"ap-guangzhou"}`, http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/roles", "text/plain", `{"RoleArn":"qcs::cam::uin/100000000001:roleName/x"}`, http.StatusUnsupportedMediaType},
		{http.MethodDelete, "/_emulator/images/img-abcd1234", "", "", http.StatusUnsupportedMediaType},
		{http.MethodPost, "/_emulator/reset", "application/jsonx", "", http.StatusUnsupportedMediaType},
		{http.MethodGet, "/_emulator/stats", "", "", http.StatusOK},
		{http.MethodGet, "/_emulator/stats", "text/plain", "", http.StatusOK},
		{http.MethodPut, "/_emulator/faults", "application/json; charset=utf-8", `{"rules":[]}`, http.StatusOK},
	} {
		if got := e.controlStatus(tt.method, tt.path, "", tt.contentType, tt.body, ""); got != tt.want {
			t.Errorf("%s %s as %q: HTTP %d, want %d", tt.method, tt.path, tt.contentType, got, tt.want)
		}
	}
	var instances []Instance
	var roles []Role
	e.control(http.MethodGet, "/_emulator/instances", nil, &instances)
	e.control(http.MethodGet, "/_emulator/roles", nil, &roles)
	if n := len(e.describe(testRegion)); n != 1 || len(instances) != 0 || len(roles) != 0 {
		t.Errorf("after refused calls: %d key pairs, instances %v, roles %v; want the key pair and nothing added", n, instances, roles)
	}
	if st := e.stats(); len(st.Faults) != 0 || st.Calls["DescribeKeyPairs"] != 1 {
		t.Errorf("stats %+v: a refused call changed something", st)
	}
}

// TestControlAPI_token checks that with a control token every control
// call needs it as a bearer token: 401 without it or with another one,
// through the raw API and through ControlClient; the API itself is
// unaffected.
func TestControlAPI_token(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef-token"
	e := newEnv(t, Config{ControlToken: token})
	for _, tt := range []struct {
		authorization string
		want          int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer " + token + "x", http.StatusUnauthorized},
		{"Bearer " + token[:len(token)-1], http.StatusUnauthorized},
		{"Basic " + token, http.StatusUnauthorized},
		{token, http.StatusUnauthorized},
		{"Bearer " + token, http.StatusOK},
		{"bearer " + token, http.StatusOK},
	} {
		for _, call := range []struct{ method, path, contentType string }{
			{http.MethodGet, "/_emulator/stats", ""},
			{http.MethodGet, "/_emulator/roles", ""},
			{http.MethodPost, "/_emulator/reset", "application/json"},
		} {
			if got := e.controlStatus(call.method, call.path, "", call.contentType, "", tt.authorization); got != tt.want {
				t.Errorf("%s %s with Authorization %q: HTTP %d, want %d", call.method, call.path, tt.authorization, got, tt.want)
			}
		}
	}

	ctx := context.Background()
	if _, err := (ControlClient{URL: e.url}).Stats(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("ControlClient without the token: %v, want 401", err)
	}
	if _, err := (ControlClient{URL: e.url, Token: "wrong"}).Stats(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("ControlClient with a wrong token: %v, want 401", err)
	}
	ctl := ControlClient{URL: e.url, Token: token}
	if err := ctl.SetFaults(ctx, Faults{}); err != nil {
		t.Errorf("ControlClient with the token: %v", err)
	}
	e.create(testRegion, "no_token_needed")
	if st, err := ctl.Stats(ctx); err != nil || st.Calls["CreateKeyPair"] != 1 {
		t.Errorf("stats = %+v, %v; want one CreateKeyPair", st, err)
	}

	for _, bad := range []string{"two words", "tab\there", "new\nline"} {
		if _, err := New(Config{ControlToken: bad}); err == nil {
			t.Errorf("New with control token %q: no error", bad)
		}
	}
}

// TestTimeouts_latencyFaultOutlastsThem checks that read and write
// timeouts shorter than a latency fault do not cut it: net/http counts
// both from the request's arrival, and cancels the request's context when
// the read deadline passes. It runs on the bubble's clock, on which the
// call takes exactly the latency.
func TestTimeouts_latencyFaultOutlastsThem(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e, _ := newBubbleEnv(t, Config{ReadHeaderTimeout: 100 * time.Millisecond, ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
		e.setFaults(FaultRule{Action: "CreateKeyPair", Latency: 1, LatencyMS: 400})
		start := time.Now()
		kp := e.create(testRegion, "slow")
		if d := time.Since(start); d != 400*time.Millisecond {
			t.Errorf("create took %v, want the 400ms latency", d)
		}
		if kp.PrivateKey == nil {
			t.Error("the delayed answer lacks the private key")
		}
	})
}

// dialStalled opens n connections to ln that send nothing.
func dialStalled(t *testing.T, ln *memListener, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := ln.Dial(t.Context(), "", "")
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	return conns
}

// closedAfter reads c, answers included, until the server closes it, and
// returns how long that took from start on the bubble's clock. It fails
// the test if c is still open a minute after start, longer than any
// timeout of these tests.
func closedAfter(t *testing.T, c net.Conn, start time.Time, what string) time.Duration {
	t.Helper()
	if err := c.SetReadDeadline(start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("%s: still open after a minute", what)
	}
	return time.Since(start)
}

// TestTimeouts_stalledConnections checks that connections which stall,
// before their headers, in their body or between requests, are closed by
// the header, read and idle timeouts, each when its time comes, and that
// many stalled connections, more than the cap, only delay a normal call
// until they time out, a cap's worth at a time.
func TestTimeouts_stalledConnections(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const header, read, idle = 100 * time.Millisecond, 300 * time.Millisecond, 200 * time.Millisecond
		e, ln := newBubbleEnv(t, Config{ReadHeaderTimeout: header, ReadTimeout: read, IdleTimeout: idle, MaxConnections: 4})

		// Four times the cap of connections that send nothing: the
		// server takes them four at a time, in the order they came, and
		// the header timeout closes each four.
		stalled := dialStalled(t, ln, 16)
		start := time.Now()
		closed := make([]time.Duration, len(stalled))
		var readers sync.WaitGroup
		for i, c := range stalled {
			readers.Go(func() { closed[i] = closedAfter(t, c, start, fmt.Sprintf("stalled connection %d", i)) })
		}
		e.describe(testRegion)
		if took := time.Since(start); took != 4*header {
			t.Errorf("a call behind %d stalled connections took %v, want %v: four rounds of the header timeout", len(stalled), took, 4*header)
		}
		readers.Wait()
		for i, d := range closed {
			if want := time.Duration(i/4+1) * header; d != want {
				t.Errorf("stalled connection %d closed after %v, want %v", i, d, want)
			}
		}

		// A body that stops halfway: the read timeout ends the call.
		slow := dialStalled(t, ln, 1)[0]
		start = time.Now()
		fmt.Fprintf(slow, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Key", e.host)
		if d := closedAfter(t, slow, start, "connection with half a body"); d != read {
			t.Errorf("connection with half a body closed after %v, want the read timeout, %v", d, read)
		}

		// A keep-alive connection after its answer: the idle timeout.
		keep := dialStalled(t, ln, 1)[0]
		fmt.Fprintf(keep, "GET /_emulator/keypool HTTP/1.1\r\nHost: %s\r\n\r\n", e.host)
		resp, err := http.ReadResponse(bufio.NewReader(keep), nil)
		if err != nil {
			t.Fatalf("keep-alive call: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("keep-alive call: HTTP %d, close %v", resp.StatusCode, resp.Close)
		}
		if d := closedAfter(t, keep, time.Now(), "idle keep-alive connection"); d != idle {
			t.Errorf("idle keep-alive connection closed after %v, want the idle timeout, %v", d, idle)
		}
	})
}

// TestConnectionCap checks that the server keeps at most MaxConnections
// connections open: one more waits, unserved, until one of them closes.
// In the bubble, "waits" is exact: every goroutine has done what it can.
func TestConnectionCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv, err := New(Config{KeyBits: 1024, KeyPool: 1, MaxConnections: 2})
		if err != nil {
			t.Fatal(err)
		}
		ln := newMemListener()
		hs := srv.HTTPServer(nil)
		var mu sync.Mutex
		accepted := 0
		hs.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		}
		served := make(chan error, 1)
		go func() { served <- hs.Serve(srv.Listener(ln)) }()
		t.Cleanup(func() {
			_ = hs.Close()
			if err := <-served; !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
			_ = srv.Close()
		})
		acceptedNow := func() int {
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			return accepted
		}

		stalled := dialStalled(t, ln, 2)
		if n := acceptedNow(); n != 2 {
			t.Fatalf("%d connections accepted, want 2", n)
		}
		extra := dialStalled(t, ln, 1)[0]
		// The request waits in the pipe until the server reads it.
		go fmt.Fprintf(extra, "GET /_emulator/stats HTTP/1.1\r\nHost: %s\r\n\r\n", memAddr{})
		if n := acceptedNow(); n != 2 {
			t.Fatalf("%d connections accepted past the cap of 2", n)
		}
		stalled[0].Close()
		if n := acceptedNow(); n != 3 {
			t.Fatalf("%d connections accepted after one closed, want 3", n)
		}
		resp, err := http.ReadResponse(bufio.NewReader(extra), nil)
		if err != nil {
			t.Fatalf("the waiting call: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the waiting call: HTTP %d", resp.StatusCode)
		}
	})
}

// TestConfig_httpFields checks the defaults and the refusals of the
// fields that guard the HTTP server.
func TestConfig_httpFields(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{KeyBits: 1024, KeyPool: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := srv.HTTPServer(nil)
	if hs.ReadHeaderTimeout != DefaultReadHeaderTimeout || hs.ReadTimeout != DefaultReadTimeout ||
		hs.WriteTimeout != DefaultWriteTimeout || hs.IdleTimeout != DefaultIdleTimeout || srv.maxConns != DefaultMaxConnections {
		t.Errorf("defaults: %v %v %v %v %d", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout, srv.maxConns)
	}
	for _, cfg := range []Config{
		{ReadTimeout: -time.Second},
		{WriteTimeout: -1},
		{IdleTimeout: -1},
		{ReadHeaderTimeout: -1},
		{MaxConnections: -1},
		{ListenAddr: "no-port"},
	} {
		if s, err := New(cfg); err == nil {
			s.Close()
			t.Errorf("New(%+v): no error", cfg)
		}
	}
}
