package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs.URL
}

func (e *testEnv) setFaults(rules ...FaultRule) {
	e.t.Helper()
	if rules == nil {
		rules = []FaultRule{}
	}
	if code := e.control(http.MethodPut, "/_emulator/faults", Faults{Seed: 1, Rules: rules}, nil); code != http.StatusOK {
		e.t.Fatalf("set faults: HTTP %d", code)
	}
}

func (e *testEnv) tryCreate(name string) error {
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName, req.ProjectId = ptr(name), ptr(int64(0))
	_, err := e.cvm(testRegion).CreateKeyPair(req)
	return err
}

func TestFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})

	e.setFaults(FaultRule{Action: "*", InternalError: 1})
	wantCode(t, e.tryCreate("err"), "InternalError")
	e.setFaults(FaultRule{Action: "CreateKeyPair", Throttle: 1})
	wantCode(t, e.tryCreate("throttled"), "RequestLimitExceeded")
	if n := len(e.describe(testRegion)); n != 0 {
		t.Fatalf("faulted creates left %d key pairs", n)
	}

	e.setFaults(FaultRule{Action: "*", DropAfterCommit: 1})
	err := e.tryCreate("dropped")
	wantCode(t, err, "ClientError.NetworkError")
	e.setFaults()
	if got := e.describe(testRegion); len(got) != 1 || *got[0].KeyName != "dropped" {
		t.Fatalf("after a dropped answer: %d key pairs, want the committed one", len(got))
	}

	e.setFaults(FaultRule{Action: "DescribeKeyPairs", Latency: 1, LatencyMS: 300})
	start := time.Now()
	e.describe(testRegion)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("latency fault: call took %v, want at least 300ms", d)
	}
	// The latency rule names another action, so this create is not
	// delayed; the stats below show no fault for it.
	e.create(testRegion, "fast")

	var cfg Faults
	e.control(http.MethodGet, "/_emulator/faults", nil, &cfg)
	if len(cfg.Rules) != 1 || cfg.Rules[0].LatencyMS != 300 || cfg.Seed != 1 {
		t.Errorf("GET faults = %+v", cfg)
	}
	st := e.stats()
	if st.Faults["CreateKeyPair"] != 3 || st.Faults["DescribeKeyPairs"] != 1 || st.Calls["CreateKeyPair"] != 4 {
		t.Errorf("stats = %+v, want 3 CreateKeyPair faults of 4 calls and 1 DescribeKeyPairs fault", st)
	}

	// An empty rule list turns faults off.
	e.setFaults()
	e.control(http.MethodGet, "/_emulator/faults", nil, &cfg)
	if len(cfg.Rules) != 0 {
		t.Errorf("rules after clearing: %+v", cfg.Rules)
	}
	for _, bad := range []string{
		`{"rules":[{"action":"*","internal_error":1.5}]}`,
		`{"rules":[{"action":"","throttle":0.5}]}`,
		`{"rules":[{"action":"*","latency":1,"latency_ms":-1}]}`,
		`{"rules":[{"action":"*","colour":1}]}`,
	} {
		req, _ := http.NewRequest(http.MethodPut, e.url+"/_emulator/faults", strings.NewReader(bad))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("PUT %s: HTTP %d, want 400", bad, resp.StatusCode)
		}
	}
}

// faultCall is one call of the fault replay tests, made anew for each
// attempt.
type faultCall struct {
	name string
	send func(e *testEnv) error
}

// faultCalls are calls about distinct things: creates of distinct names,
// listings filtered by distinct names, deletes of distinct (absent) ids.
// Without faults each answers the same whenever it is sent.
func faultCalls() []faultCall {
	var calls []faultCall
	for i := range 12 {
		name := fmt.Sprintf("replay_%d", i)
		id := fmt.Sprintf("skey-%08d", i)
		calls = append(calls,
			faultCall{"create " + name, func(e *testEnv) error { return e.tryCreate(name) }},
			faultCall{"list " + name, func(e *testEnv) error {
				req := cvm.NewDescribeKeyPairsRequest()
				req.Filters = []*cvm.Filter{{Name: ptr("key-name"), Values: ptrs(name)}}
				_, err := e.cvm(testRegion).DescribeKeyPairs(req)
				return err
			}},
			faultCall{"delete " + id, func(e *testEnv) error {
				req := cvm.NewDeleteKeyPairsRequest()
				req.KeyIds = ptrs(id)
				_, err := e.cvm(testRegion).DeleteKeyPairs(req)
				return err
			}},
		)
	}
	return calls
}

// replayFaults resets the emulator, sets faults with seed, and sends each
// call attempts times in a row; the calls go one after another in the
// given order, or all at once when concurrent. It returns the error code
// ("" for success) of every attempt of every call, and the injected fault
// counts.
func (e *testEnv) replayFaults(seed uint64, calls []faultCall, attempts int, concurrent bool) (map[string]string, map[string]int) {
	e.t.Helper()
	if code := e.control(http.MethodPost, "/_emulator/reset", nil, nil); code != http.StatusOK {
		e.t.Fatalf("reset: HTTP %d", code)
	}
	rules := []FaultRule{{Action: "*", InternalError: 0.2, Throttle: 0.2, DropAfterCommit: 0.2}}
	if code := e.control(http.MethodPut, "/_emulator/faults", Faults{Seed: seed, Rules: rules}, nil); code != http.StatusOK {
		e.t.Fatalf("set faults: HTTP %d", code)
	}
	var mu sync.Mutex
	outcomes := map[string]string{}
	run := func(c faultCall) {
		for a := range attempts {
			code := errCode(c.send(e))
			mu.Lock()
			outcomes[fmt.Sprintf("%s #%d", c.name, a)] = code
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for _, c := range calls {
		if concurrent {
			wg.Go(func() { run(c) })
		} else {
			run(c)
		}
	}
	wg.Wait()
	return outcomes, e.stats().Faults
}

// TestFaultSeed_orderDoesNotMatter checks that a seed gives every call the
// same faults whatever order the calls arrive in: one after another, in
// reverse, and all at once.
func TestFaultSeed_orderDoesNotMatter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	calls := faultCalls()
	want, wantCounts := e.replayFaults(7, calls, 3, false)
	var faulted int
	for _, code := range want {
		if code != "" && !strings.HasPrefix(code, "InvalidKeyPair") {
			faulted++
		}
	}
	if faulted == 0 || faulted == len(want) {
		t.Fatalf("%d of %d calls faulted: the test does not tell faults apart", faulted, len(want))
	}
	reversed := slices.Clone(calls)
	slices.Reverse(reversed)
	for _, order := range []struct {
		name       string
		calls      []faultCall
		concurrent bool
	}{{"reversed", reversed, false}, {"concurrent", calls, true}} {
		got, gotCounts := e.replayFaults(7, order.calls, 3, order.concurrent)
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Errorf("%s: %s: %q, but %q in order", order.name, k, got[k], want[k])
			}
		}
		if !maps.Equal(gotCounts, wantCounts) {
			t.Errorf("%s: faults %v, but %v in order", order.name, gotCounts, wantCounts)
		}
	}
}

// TestFaultSeed_seedMatters checks that another seed faults other calls.
func TestFaultSeed_seedMatters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	calls := faultCalls()
	a, _ := e.replayFaults(1, calls, 2, false)
	b, _ := e.replayFaults(2, calls, 2, false)
	if maps.Equal(a, b) {
		t.Errorf("seeds 1 and 2 gave the same outcome to all %d calls", len(a))
	}
}

// TestFaultSeed_attemptMatters checks that the same call sent again gets a
// fresh roll: at a probability under 1 a retried call is not doomed, and
// a seed still replays the same sequence.
func TestFaultSeed_attemptMatters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	list := func() error {
		_, err := e.cvm(testRegion).DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
		return err
	}
	calls := []faultCall{{"list", func(*testEnv) error { return list() }}}
	a, _ := e.replayFaults(3, calls, 20, false)
	var faulted int
	for _, code := range a {
		if code != "" {
			faulted++
		}
	}
	if faulted == 0 || faulted == len(a) {
		t.Errorf("%d of %d attempts of one call faulted: the attempt number plays no part", faulted, len(a))
	}
	if b, _ := e.replayFaults(3, calls, 20, false); !maps.Equal(a, b) {
		t.Errorf("the same seed gave the attempts %v, then %v", a, b)
	}

	// Every call, retried, gets through in the end even when nine
	// attempts in ten fail.
	e.setFaults(FaultRule{Action: "DescribeKeyPairs", InternalError: 0.9})
	c := e.cvm(testRegion)
	for i := range 30 {
		req := cvm.NewDescribeKeyPairsRequest()
		req.Filters = []*cvm.Filter{{Name: ptr("key-name"), Values: ptrs(fmt.Sprintf("retried_%d", i))}}
		var err error
		for range 400 {
			if _, err = c.DescribeKeyPairs(req); err == nil {
				break
			}
		}
		if err != nil {
			t.Errorf("call %d still fails after 400 attempts: %v", i, err)
		}
	}
}

// TestFaultSubject checks what makes two calls the same call: the order of
// listed ids and values does not matter, parameters that do not say what
// the call is about do not either, and the ids do.
func TestFaultSubject(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		action, a, b string
		same         bool
	}{
		{"DeleteKeyPairs", `{"KeyIds":["skey-1","skey-2"]}`, `{"KeyIds":["skey-2","skey-1"]}`, true},
		{"DeleteKeyPairs", `{"KeyIds":["skey-1"]}`, `{"KeyIds":["skey-2"]}`, false},
		{"ImportKeyPair", `{"KeyName":"a","PublicKey":"x"}`, `{"KeyName":"a","PublicKey":"y","ProjectId":0}`, true},
		{"CreateKeyPair", `{"KeyName":"a"}`, `{"KeyName":"b"}`, false},
		{"DescribeKeyPairs",
			`{"Filters":[{"Name":"key-name","Values":["a","b"]},{"Name":"project-id","Values":["0"]}]}`,
			`{"Filters":[{"Values":["0"],"Name":"project-id"},{"Name":"key-name","Values":["b","a"]}]}`, true},
		{"DescribeKeyPairs", `{"Offset":0}`, `{"Offset":100}`, false},
		{"ModifyKeyPairAttribute", `{"KeyId":"skey-1","KeyName":"a"}`, `{"KeyId":"skey-1","Description":"d"}`, true},
		{"ModifyResourceTags", `{"Resource":"r1","ReplaceTags":[]}`, `{"Resource":"r2"}`, false},
	} {
		if got := faultSubject(tt.action, []byte(tt.a)) == faultSubject(tt.action, []byte(tt.b)); got != tt.same {
			t.Errorf("%s %s and %s: same call = %v, want %v", tt.action, tt.a, tt.b, got, tt.same)
		}
	}
}

// TestFaultsCutAnswers checks the two faults that lose the answer of a
// committed change halfway, as the real SDK reports them: reset_mid_body
// (headers and half the body, then the connection closes) and
// bad_gateway (HTTP 502 with an HTML page). The SDK reads and parses the
// body before it looks at the status (common/http/response.go,
// TryReadErr), so both come back as ClientError.ParseJsonError.
func TestFaultsCutAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})

	e.setFaults(FaultRule{Action: "CreateKeyPair", ResetMidBody: 1})
	err := e.tryCreate("cut")
	wantCode(t, err, "ClientError.ParseJsonError")
	if msg := err.Error(); !strings.Contains(msg, "Fail to read http body") || strings.Contains(msg, "PRIVATE KEY") {
		t.Errorf("cut body: %v, want a read failure that holds no private key", err)
	}
	// On the wire: a 200 whose body ends before its Content-Length.
	req := e.raw(rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"cut_raw","ProjectId":0}`})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("raw call: %v", err)
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !errors.Is(readErr, io.ErrUnexpectedEOF) || int64(len(body)) >= resp.ContentLength || len(body) == 0 {
		t.Errorf("cut answer: HTTP %d, %d of %d bytes, read error %v; want 200, part of the body, unexpected EOF", resp.StatusCode, len(body), resp.ContentLength, readErr)
	}

	e.setFaults(FaultRule{Action: "CreateKeyPair", BadGateway: 1})
	err = e.tryCreate("gateway")
	wantCode(t, err, "ClientError.ParseJsonError")
	if !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("bad gateway: %v, want the HTML page in the message", err)
	}
	req = e.raw(rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"gateway_raw","ProjectId":0}`})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("raw call: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html>") {
		t.Errorf("bad gateway: HTTP %d, %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	// Every change was committed before its answer was lost.
	e.setFaults()
	var names []string
	for _, kp := range e.describe(testRegion) {
		names = append(names, *kp.KeyName)
	}
	if fmt.Sprint(names) != "[cut cut_raw gateway gateway_raw]" {
		t.Errorf("key pairs after cut answers: %v, want all four committed", names)
	}
	if st := e.stats(); st.Faults["CreateKeyPair"] != 4 {
		t.Errorf("faults = %v, want 4 CreateKeyPair faults", st.Faults)
	}

	req, _ = http.NewRequest(http.MethodPut, e.url+"/_emulator/faults", strings.NewReader(`{"rules":[{"action":"*","bad_gateway":2}]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad_gateway 2: HTTP %d, want 400", resp.StatusCode)
	}
}

// TestFaultsTruncatedJSON checks truncated_json through the real SDK and
// on the wire: the change is committed, the answer is an HTTP 200 whose
// JSON is cut, with a Content-Length that counts the cut body, and the
// SDK, which reads it whole, reports ClientError.ParseJsonError quoting
// it. For a CreateKeyPair that quote holds much of the private key: a
// client must not show the SDK's message as it is.
func TestFaultsTruncatedJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})

	e.setFaults(FaultRule{Action: "CreateKeyPair", TruncatedJSON: 1})
	err := e.tryCreate("truncated")
	wantCode(t, err, "ClientError.ParseJsonError")
	msg := err.Error()
	if !strings.Contains(msg, "Fail to parse json content") {
		t.Errorf("truncated answer: %v, want a parse failure", err)
	}
	// The PEM inside the JSON string: its header, an escaped newline and
	// at least a few lines of base64.
	if !regexp.MustCompile(`-----BEGIN RSA PRIVATE KEY-----\\n([A-Za-z0-9+/]{64}\\n){4}`).MatchString(msg) {
		t.Errorf("the SDK's message holds no private key, so the leak this fault models is gone: %v", err)
	}

	req := e.raw(rawCall{Action: "CreateKeyPair", Body: `{"KeyName":"truncated_raw","ProjectId":0}`})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("raw call: %v", err)
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || readErr != nil || resp.ContentLength != int64(len(body)) || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("truncated answer: HTTP %d, %s, %d bytes of Content-Length %d, read error %v; want 200, JSON, the whole cut body", resp.StatusCode, resp.Header.Get("Content-Type"), len(body), resp.ContentLength, readErr)
	}
	if json.Valid(body) || !bytes.HasPrefix(body, []byte(`{"Response":{"KeyPair":{`)) || !bytes.Contains(body, []byte("PRIVATE KEY")) {
		t.Errorf("truncated body: %s; want the start of the answer, cut", body)
	}

	e.setFaults()
	var names []string
	for _, kp := range e.describe(testRegion) {
		names = append(names, *kp.KeyName)
	}
	if fmt.Sprint(names) != "[truncated truncated_raw]" {
		t.Errorf("key pairs after truncated answers: %v, want both committed", names)
	}
	if st := e.stats(); st.Faults["CreateKeyPair"] != 2 {
		t.Errorf("faults = %v, want 2 CreateKeyPair faults", st.Faults)
	}
	if code := e.control(http.MethodPut, "/_emulator/faults", Faults{Rules: []FaultRule{{Action: "*", TruncatedJSON: -0.1}}}, nil); code != http.StatusBadRequest {
		t.Errorf("truncated_json -0.1: HTTP %d, want 400", code)
	}
}

// TestFaultPrecedence checks that a call meets at most one of the faults
// that answer it, the first in the rule's order, and that only that one
// counts.
func TestFaultPrecedence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	all := FaultRule{Action: "DescribeKeyPairs", InternalError: 1, Throttle: 1, DropAfterCommit: 1, ResetMidBody: 1, BadGateway: 1, TruncatedJSON: 1}
	list := func() error {
		_, err := e.cvm(testRegion).DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
		return err
	}
	for _, tt := range []struct {
		mod  func(*FaultRule)
		code string
	}{
		{func(*FaultRule) {}, "InternalError"},
		{func(r *FaultRule) { r.InternalError = 0 }, "RequestLimitExceeded"},
		{func(r *FaultRule) { r.InternalError, r.Throttle = 0, 0 }, "ClientError.NetworkError"},
		{func(r *FaultRule) { r.InternalError, r.Throttle, r.DropAfterCommit = 0, 0, 0 }, "ClientError.ParseJsonError"},
		{func(r *FaultRule) { r.InternalError, r.Throttle, r.DropAfterCommit, r.ResetMidBody = 0, 0, 0, 0 }, "ClientError.ParseJsonError"},
		{func(r *FaultRule) {
			r.InternalError, r.Throttle, r.DropAfterCommit, r.ResetMidBody, r.BadGateway = 0, 0, 0, 0, 0
		}, "ClientError.ParseJsonError"},
	} {
		rule := all
		tt.mod(&rule)
		e.setFaults(rule)
		before := e.stats().Faults["DescribeKeyPairs"]
		err := list()
		wantCode(t, err, tt.code)
		if tt.code == "ClientError.ParseJsonError" {
			// The cut body fails the read; the gateway's page and the
			// truncated JSON, the parse.
			var want string
			switch {
			case rule.ResetMidBody == 1:
				want = "Fail to read http body"
			case rule.BadGateway == 1:
				want = "502 Bad Gateway"
			default:
				want = `Fail to parse json content: {"Response":`
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("rule %+v: %v, want %q in it", rule, err, want)
			}
		}
		if n := e.stats().Faults["DescribeKeyPairs"] - before; n != 1 {
			t.Errorf("rule %+v: %d faults counted, want 1", rule, n)
		}
	}
}

// TestFaultSeed_newKindsKeepOldRolls checks that adding the new kinds to
// a rule leaves the old kinds' faults where the seed put them: each kind
// rolls from its own sub-stream.
func TestFaultSeed_newKindsKeepOldRolls(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"CreateKeyPair", "DeleteKeyPairs"} {
		old := FaultRule{Action: "*", InternalError: 0.2, Throttle: 0.2, DropAfterCommit: 0.2}
		withNew := old
		withNew.ResetMidBody, withNew.BadGateway, withNew.TruncatedJSON = 0.3, 0.3, 0.3
		s1 := &Server{faults: newFaultSet(Faults{Seed: 5, Rules: []FaultRule{old}}), stats: newStats()}
		s2 := &Server{faults: newFaultSet(Faults{Seed: 5, Rules: []FaultRule{withNew}}), stats: newStats()}
		var newOnes, truncated int
		for i := range 200 {
			body := []byte(fmt.Sprintf(`{"KeyName":"k%d","KeyIds":["skey-%08d"]}`, i, i))
			a, b := s1.rollFaults(action, testRegion, body), s2.rollFaults(action, testRegion, body)
			if a.internalError != b.internalError || a.throttle != b.throttle || a.dropAfterCommit != b.dropAfterCommit {
				t.Fatalf("%s call %d: old kinds %+v without the new ones, %+v with them", action, i, a, b)
			}
			if a.resetMidBody || a.badGateway || a.truncatedJSON {
				t.Fatalf("%s call %d: a new kind without its probability: %+v", action, i, a)
			}
			answering := 0
			for _, on := range []bool{b.internalError, b.throttle, b.dropAfterCommit, b.resetMidBody, b.badGateway, b.truncatedJSON} {
				if on {
					answering++
				}
			}
			if answering > 1 {
				t.Fatalf("%s call %d: two faults that answer: %+v", action, i, b)
			}
			if b.resetMidBody || b.badGateway {
				newOnes++
			}
			if b.truncatedJSON {
				truncated++
			}
		}
		if newOnes == 0 || truncated == 0 {
			t.Errorf("%s: the new kinds never happened (%d reset or gateway, %d truncated)", action, newOnes, truncated)
		}
	}
}
