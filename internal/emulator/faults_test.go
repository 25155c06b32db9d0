package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestFaultSeed checks that a seed replays the same faults.
func TestFaultSeed(t *testing.T) {
	t.Parallel()
	run := func() []string {
		e := newEnv(t, Config{})
		e.setFaults(FaultRule{Action: "*", InternalError: 0.5})
		var codes []string
		for range 20 {
			_, err := e.cvm(testRegion).DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
			codes = append(codes, errCode(err))
		}
		return codes
	}
	a, b := run(), run()
	var faulted int
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("call %d: %q then %q with the same seed", i, a[i], b[i])
		}
		if a[i] != "" {
			faulted++
		}
	}
	if faulted == 0 || faulted == 20 {
		t.Errorf("%d of 20 calls faulted at probability 0.5", faulted)
	}
}
