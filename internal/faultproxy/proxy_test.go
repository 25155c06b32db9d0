package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testPrivateKey stands for the private key of a CreateKeyPair answer.
const testPrivateKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEtestKEYmaterial\n-----END RSA PRIVATE KEY-----\n"

// backend is a stand-in for the emulator: it answers each action with a
// fixed envelope and records the calls that reached it, which is what
// "after the commit" means here.
type backend struct {
	mu    sync.Mutex
	calls []string
	srv   *httptest.Server
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		action := r.Header.Get("X-TC-Action")
		b.mu.Lock()
		b.calls = append(b.calls, action)
		b.mu.Unlock()
		var params struct{ KeyName string }
		_ = json.Unmarshal(body, &params)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(backendAnswer(action, params.KeyName))
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// backendAnswer is the backend's answer to action; a create of the name
// "taken" fails, as a duplicate name does.
func backendAnswer(action, keyName string) []byte {
	var response map[string]any
	switch {
	case action == "CreateKeyPair" && keyName == "taken":
		response = map[string]any{"Error": map[string]string{"Code": "InvalidKeyPairName.Duplicate", "Message": "taken"}}
	case action == "CreateKeyPair":
		response = map[string]any{"KeyPair": map[string]any{"KeyId": "skey-1", "KeyName": keyName, "PublicKey": "ssh-rsa AAAA", "PrivateKey": testPrivateKey}}
	case action == "ImportKeyPair":
		response = map[string]any{"KeyId": "skey-2"}
	case action == "DescribeKeyPairs":
		response = map[string]any{"TotalCount": 1, "KeyPairSet": []any{map[string]any{"KeyId": "skey-1", "KeyName": "one"}}}
	default:
		response = map[string]any{}
	}
	response["RequestId"] = "req-" + action
	body, _ := json.Marshal(map[string]any{"Response": response})
	return body
}

func (b *backend) count(action string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, c := range b.calls {
		if c == action {
			n++
		}
	}
	return n
}

func startProxy(t *testing.T, cfg Config) *Proxy {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// reply is what a caller got.
type reply struct {
	status      int
	contentType string
	length      int64 // Content-Length
	body        []byte
	err         error // of the call, or of reading the body
}

// call sends one API call through the proxy with a client of its own (no
// connection shared between calls, unless client is given).
func call(t *testing.T, client *http.Client, url, action, body string) reply {
	t.Helper()
	if client == nil {
		client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKID/x, SignedHeaders=content-type;host, Signature=0123456789abcdef0123456789abcdef")
	resp, err := client.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), length: resp.ContentLength, body: got, err: err}
}

func TestCatalogue(t *testing.T) {
	seen := map[Kind]bool{}
	for _, e := range Catalogue {
		if seen[e.Kind] {
			t.Errorf("%s: twice in the catalogue", e.Kind)
		}
		seen[e.Kind] = true
		if e.Description == "" || strings.Contains(e.Description, "\n") {
			t.Errorf("%s: the description must be one line", e.Kind)
		}
		if e.Kind != None && (len(e.Actions) == 0 || e.Rate <= 0 || e.Rate > 1) {
			t.Errorf("%s: acts on %v at rate %v: it would never act", e.Kind, e.Actions, e.Rate)
		}
		if got, err := Lookup(string(e.Kind)); err != nil || got.Kind != e.Kind {
			t.Errorf("Lookup(%s) = %v, %v", e.Kind, got.Kind, err)
		}
	}
	if _, err := Lookup("no_such_kind"); err == nil || !strings.Contains(err.Error(), "empty_body") {
		t.Errorf("Lookup of an unknown kind: %v, want an error that lists the kinds", err)
	}
	if e, _ := Lookup(string(TagLag)); e.TagLag <= 5*time.Second {
		t.Errorf("tag_lag's emulator tag lag is %v: it must outlast the provider's 5 s lookup", e.TagLag)
	}
}

// Kinds that answer 200 with a spoiled body, after the emulator got the
// call.
func TestSpoiledAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind   Kind
		action string
		want   func(t *testing.T, r reply, genuine []byte)
	}{
		{EmptyBody, "DeleteKeyPairs", func(t *testing.T, r reply, _ []byte) {
			if string(r.body) != "{}" || r.contentType != "application/json" {
				t.Errorf("got %s %q, want {} as JSON", r.contentType, r.body)
			}
		}},
		{NullResponse, "DescribeKeyPairs", func(t *testing.T, r reply, _ []byte) {
			if string(r.body) != `{"Response":null}` {
				t.Errorf("got %q", r.body)
			}
		}},
		{WrongContentType, "CreateKeyPair", func(t *testing.T, r reply, genuine []byte) {
			if r.contentType != "text/event-stream" || !bytes.Equal(r.body, genuine) {
				t.Errorf("got %s %q, want the real answer as text/event-stream", r.contentType, r.body)
			}
		}},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			b := newBackend(t)
			p := startProxy(t, Config{Target: b.srv.URL, Kind: c.kind, Seed: 1, Rate: 1})
			r := call(t, nil, p.URL(), c.action, `{"KeyName":"one"}`)
			if r.err != nil || r.status != http.StatusOK {
				t.Fatalf("status %d, error %v", r.status, r.err)
			}
			c.want(t, r, backendAnswer(c.action, "one"))
			if b.count(c.action) != 1 {
				t.Errorf("the call did not reach the emulator before the answer")
			}
			if got := p.Stats().Applied[c.action]; got != 1 {
				t.Errorf("applied %d, want 1", got)
			}
		})
	}
}

func TestNoObject(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: NoObject, Seed: 1, Rate: 1})
	for action, field := range map[string]string{"CreateKeyPair": "KeyPair", "ImportKeyPair": "KeyId", "DescribeKeyPairs": "KeyPairSet"} {
		r := call(t, nil, p.URL(), action, `{"KeyName":"one"}`)
		var env struct{ Response map[string]any }
		if err := json.Unmarshal(r.body, &env); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: status %d, body %q: %v", action, r.status, r.body, err)
		}
		if _, ok := env.Response[field]; ok {
			t.Errorf("%s: the answer still holds %s: %s", action, field, r.body)
		}
		if env.Response["RequestId"] != "req-"+action {
			t.Errorf("%s: the answer lost its RequestId: %s", action, r.body)
		}
		if b.count(action) != 1 {
			t.Errorf("%s did not reach the emulator", action)
		}
	}
	if _, ok := env(t, call(t, nil, p.URL(), "DescribeKeyPairs", `{}`).body)["TotalCount"]; !ok {
		t.Errorf("DescribeKeyPairs without KeyPairSet lost its TotalCount too")
	}
	// An error answer has no object to leave out: it passes as it is.
	if r := call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"taken"}`); !bytes.Equal(r.body, backendAnswer("CreateKeyPair", "taken")) {
		t.Errorf("an error answer was changed: %s", r.body)
	}
}

func env(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var e struct{ Response map[string]any }
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	return e.Response
}

func TestDroppedAfterCommit(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: DroppedAfterCommit, Seed: 1, Rate: 1})
	r := call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`)
	if r.err == nil {
		t.Fatalf("got an answer (%d %q), want the connection closed", r.status, r.body)
	}
	if b.count("CreateKeyPair") != 1 {
		t.Errorf("the call did not reach the emulator")
	}
	// Its private key was in the lost answer: the checks look for it.
	if g := p.Generated(); len(g) != 1 || g[0].PrivateKey != testPrivateKey || g[0].Name != "one" {
		t.Errorf("generated = %+v, want the key pair of the lost answer", g)
	}
	select {
	case <-p.Passed("CreateKeyPair"):
		t.Errorf("a dropped answer counts as passed")
	default:
	}
}

func TestCutAfterCommit(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: CutAfterCommit, Seed: 1, Rate: 1})
	r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`)
	genuine := backendAnswer("DescribeKeyPairs", "")
	if r.status != http.StatusOK || r.length != int64(len(genuine)) {
		t.Fatalf("status %d, Content-Length %d: want 200 and the whole body's length %d", r.status, r.length, len(genuine))
	}
	if !errors.Is(r.err, io.ErrUnexpectedEOF) || !bytes.Equal(r.body, genuine[:len(genuine)/2]) {
		t.Errorf("read %q, %v: want half the body, then unexpected EOF", r.body, r.err)
	}
}

func TestThrottledRecovery(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: ThrottledRecovery, Seed: 1, Rate: 1, ThrottleCalls: 3, ThrottleFor: time.Minute})
	// Reads before any lost answer pass.
	if r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`); r.err != nil || strings.Contains(string(r.body), "RequestLimitExceeded") {
		t.Fatalf("a read before the lost answer: %q, %v", r.body, r.err)
	}
	if r := call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`); r.err == nil {
		t.Fatalf("the create was answered: %q", r.body)
	}
	for i := range 3 {
		r := call(t, nil, p.URL(), "DescribeKeyPairs", fmt.Sprintf(`{"Filters":[{"Name":"key-name","Values":["one%d"]}]}`, i))
		if code := errorCode(t, r.body); code != "RequestLimitExceeded" {
			t.Errorf("read %d after the lost answer: %q, want RequestLimitExceeded", i+1, r.body)
		}
	}
	if b.count("DescribeKeyPairs") != 1 {
		t.Errorf("refused reads reached the emulator")
	}
	if r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`); errorCode(t, r.body) != "" {
		t.Errorf("the 4th read after the lost answer was refused too: %q", r.body)
	}

	// The window also ends with its time.
	p2 := startProxy(t, Config{Target: b.srv.URL, Kind: ThrottledRecovery, Seed: 1, Rate: 1, ThrottleCalls: 100, ThrottleFor: 200 * time.Millisecond})
	call(t, nil, p2.URL(), "ImportKeyPair", `{"KeyName":"two"}`)
	if r := call(t, nil, p2.URL(), "DescribeKeyPairs", `{}`); errorCode(t, r.body) != "RequestLimitExceeded" {
		t.Errorf("a read right after a lost import: %q, want RequestLimitExceeded", r.body)
	}
	time.Sleep(300 * time.Millisecond)
	if r := call(t, nil, p2.URL(), "DescribeKeyPairs", `{}`); errorCode(t, r.body) != "" {
		t.Errorf("a read after the window's time: %q", r.body)
	}
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	e, _ := env(t, body)["Error"].(map[string]any)
	code, _ := e["Code"].(string)
	return code
}

func TestRefusedRecovery(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: RefusedRecovery, Seed: 1, Rate: 1, RefuseFor: 300 * time.Millisecond})
	addr := strings.TrimPrefix(p.URL(), "http://")
	// A client with a keep-alive connection open before the refusal.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	if r := call(t, client, p.URL(), "DescribeKeyPairs", `{}`); r.err != nil {
		t.Fatal(r.err)
	}
	if r := call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`); r.err == nil {
		t.Fatalf("the create was answered: %q", r.body)
	}
	if b.count("CreateKeyPair") != 1 {
		t.Errorf("the create did not reach the emulator")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial during the refusal: %v, want connection refused", err)
	}
	// The idle connection was closed too: the call cannot slip through.
	if r := call(t, client, p.URL(), "DescribeKeyPairs", `{}`); r.err == nil {
		t.Errorf("a call on a kept-alive connection got through during the refusal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.WaitListening(ctx); err != nil {
		t.Fatal(err)
	}
	if p.URL() != "http://"+addr {
		t.Errorf("listening again on %s, want the same port %s", p.URL(), addr)
	}
	if r := call(t, client, p.URL(), "DescribeKeyPairs", `{}`); r.err != nil || r.status != http.StatusOK {
		t.Errorf("after the refusal: %d, %v", r.status, r.err)
	}
	if s := p.Stats(); s.Refusals != 1 {
		t.Errorf("refusals %d, want 1", s.Refusals)
	}
}

func TestTagLag(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: TagLag, Seed: 1, Rate: 1})
	if r := call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`); r.err == nil {
		t.Errorf("the create was answered: %q", r.body)
	}
	if b.count("CreateKeyPair") != 1 {
		t.Errorf("the create did not reach the emulator")
	}
	if r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`); r.err != nil || errorCode(t, r.body) != "" {
		t.Errorf("tag_lag spoils reads: %q, %v", r.body, r.err)
	}
}

func TestHugeBody(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	// Small, to decode: the same JSON value as the real answer.
	small := startProxy(t, Config{Target: b.srv.URL, Kind: HugeBody, Seed: 1, Rate: 1, HugeSize: 1 << 20})
	r := call(t, nil, small.URL(), "DescribeKeyPairs", `{}`)
	if r.err != nil || len(r.body) < 1<<20 || r.length != int64(len(r.body)) {
		t.Fatalf("%d bytes, Content-Length %d, %v: want at least 1 MiB", len(r.body), r.length, r.err)
	}
	var got, want any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(backendAnswer("DescribeKeyPairs", ""), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("padded answer %v, want %v", got, want)
	}
	// At most MaxHuge per proxy.
	call(t, nil, small.URL(), "DescribeKeyPairs", `{}`)
	if r := call(t, nil, small.URL(), "DescribeKeyPairs", `{}`); len(r.body) >= 1<<20 {
		t.Errorf("a third huge answer")
	}
}

// A huge answer of the real size is streamed: neither side holds it. Not
// parallel, so that the allocations it counts are its own (parallel tests
// wait while it runs).
func TestHugeBodyStreamed(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: HugeBody, Seed: 1, Rate: 1})
	req, _ := http.NewRequest(http.MethodPost, p.URL(), strings.NewReader(`{}`))
	req.Header.Set("X-TC-Action", "DescribeKeyPairs")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if err != nil || n <= 64<<20 || strconv.FormatInt(n, 10) != resp.Header.Get("Content-Length") {
		t.Errorf("read %d bytes (Content-Length %s), %v: want past 64 MiB", n, resp.Header.Get("Content-Length"), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MiB to stream %d MiB: the answer is held in memory", alloc>>20, n>>20)
	}
}

func TestEmptyReads(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: EmptyReads, Seed: 1, Rate: 1})
	// Not armed: reads pass.
	if r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`); env(t, r.body)["TotalCount"] != float64(1) {
		t.Errorf("a read while not armed: %q", r.body)
	}
	empty := func(r reply) bool {
		resp := env(t, r.body)
		set, ok := resp["KeyPairSet"].([]any)
		return ok && len(set) == 0 && resp["TotalCount"] == float64(0) && resp["RequestId"] != ""
	}
	// Armed: one streak of 2 or 3, then reads pass, until armed again.
	for range 2 {
		p.Arm(true)
		var pattern []bool
		for range 6 {
			pattern = append(pattern, empty(call(t, nil, p.URL(), "DescribeKeyPairs", `{"KeyIds":["skey-1"]}`)))
		}
		if got := fmt.Sprint(pattern); got != "[true true false false false false]" && got != "[true true true false false false]" {
			t.Errorf("reads while armed at rate 1: empty %v, want one streak of 2 or 3", pattern)
		}
	}

	// At a lower rate, empty answers come in one run of 2 or 3: the one
	// that hit, and those after it whatever their own roll.
	seeds := 0
	for seed := uint64(1); seed <= 40; seed++ {
		runs := 0
		p := startProxy(t, Config{Target: b.srv.URL, Kind: EmptyReads, Seed: seed, Rate: 0.3})
		p.Arm(true)
		var pattern []bool
		for range 8 {
			r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`)
			pattern = append(pattern, env(t, r.body)["TotalCount"] == float64(0))
		}
		for i := 0; i < len(pattern); {
			if !pattern[i] {
				i++
				continue
			}
			j := i
			for j < len(pattern) && pattern[j] {
				j++
			}
			if j-i < 2 && j < len(pattern) {
				t.Errorf("seed %d: %v: an empty read alone", seed, pattern)
			}
			if runs++; runs > 1 {
				t.Errorf("seed %d: %v: more than one streak", seed, pattern)
			}
			i = j
		}
		_ = p.Close()
		if runs > 0 {
			seeds++
		}
	}
	if seeds == 0 {
		t.Errorf("no seed gave empty reads")
	}
}

func TestInterrupt(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: Interrupt, Seed: 1, Rate: 1, Hold: 2 * time.Second})
	passed := p.Passed("CreateKeyPair")
	done := make(chan reply, 1)
	go func() { done <- call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`) }()
	select {
	case <-passed:
	case <-time.After(10 * time.Second):
		t.Fatal("the create never passed")
	}
	r := <-done
	if r.err != nil || !bytes.Equal(r.body, backendAnswer("CreateKeyPair", "one")) {
		t.Errorf("held answer: %q, %v: want the real one", r.body, r.err)
	}
	select {
	case <-p.Passed("DescribeKeyPairs"):
		t.Errorf("an action never called counts as passed")
	default:
	}
}

// The same calls under the same seed meet the same answers; another seed
// gives others, and a retry of a call gets a roll of its own.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	pattern := func(seed uint64) string {
		p := startProxy(t, Config{Target: b.srv.URL, Kind: DroppedAfterCommit, Seed: seed})
		defer p.Close()
		var s strings.Builder
		for i := range 30 {
			// Ids listed in either order are the same subject.
			body := fmt.Sprintf(`{"KeyIds":["skey-%d","skey-x"]}`, i%5)
			if i%2 == 1 {
				body = fmt.Sprintf(`{"KeyIds":["skey-x","skey-%d"]}`, i%5)
			}
			if r := call(t, nil, p.URL(), "DeleteKeyPairs", body); r.err != nil {
				s.WriteByte('x')
			} else {
				s.WriteByte('.')
			}
		}
		return s.String()
	}
	a, again, other := pattern(7), pattern(7), pattern(8)
	if a != again {
		t.Errorf("seed 7 gave %s, then %s", a, again)
	}
	if a == other {
		t.Errorf("seeds 7 and 8 gave the same answers %s", a)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("seed 7 at rate 0.3 gave %s: all or nothing", a)
	}
	if subject("DeleteKeyPairs", []byte(`{"KeyIds":["b","a"]}`), nil) != subject("DeleteKeyPairs", []byte(`{"KeyIds":["a","b"]}`), nil) {
		t.Errorf("the order of ids changes the subject")
	}
}

func TestSignaturesRecorded(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: None, Seed: 1})
	r := call(t, nil, p.URL(), "DescribeKeyPairs", `{}`)
	if !bytes.Equal(r.body, backendAnswer("DescribeKeyPairs", "")) {
		t.Errorf("none changed the answer: %q", r.body)
	}
	if got := p.Signatures(); len(got) != 1 || got[0] != "0123456789abcdef0123456789abcdef" {
		t.Errorf("signatures %v", got)
	}
	if s := p.Stats(); s.Calls["DescribeKeyPairs"] != 1 || len(s.Applied) != 0 {
		t.Errorf("stats %+v", s)
	}
}

// Calls about key ids are named after their key pairs once an answer
// showed them: the emulator numbers key pairs in the order creates arrive,
// which varies between runs.
func TestSubjectNamesKeyIDs(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := startProxy(t, Config{Target: b.srv.URL, Kind: None, Seed: 1})
	before := subject("DeleteKeyPairs", []byte(`{"KeyIds":["skey-1"]}`), p.renameLocked)
	call(t, nil, p.URL(), "CreateKeyPair", `{"KeyName":"one"}`) // answers skey-1
	call(t, nil, p.URL(), "ImportKeyPair", `{"KeyName":"two"}`) // answers skey-2
	p.mu.Lock()
	defer p.mu.Unlock()
	if got := subject("DeleteKeyPairs", []byte(`{"KeyIds":["skey-2","skey-1"]}`), p.renameLocked); got != `KeyIds=["name:one","name:two"]`+"\n" {
		t.Errorf("subject %q, want the ids named and sorted by name", got)
	}
	if got := subject("ModifyResourceTags", []byte(`{"Resource":"qcs::cvm:ap-guangzhou:uin/:keypair/skey-1"}`), p.renameLocked); !strings.Contains(got, "keypair/name:one") {
		t.Errorf("subject %q: the id in a resource name is not named", got)
	}
	if before != `KeyIds=["skey-1"]`+"\n" {
		t.Errorf("an id no answer showed: %q", before)
	}
}
