package provider

// The provider's invariants (docs/reliability.md) under hostile answers:
// each test here makes one kind of answer that once broke one of them,
// through real Terraform against the emulator, with a proxy in between
// that answers as a broken network or gateway would.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// hostileAnswer is what hostileProxy does with one call.
type hostileAnswer int

const (
	// passAnswer forwards the call and its answer.
	passAnswer hostileAnswer = iota
	// dropAfterCommit forwards the call, then closes the connection
	// without an answer.
	dropAfterCommit
	// emptyBodyAfterCommit forwards the call, then answers `{}`.
	emptyBodyAfterCommit
	// nullResponseAfterCommit forwards the call, then answers
	// `{"Response":null}`.
	nullResponseAfterCommit
	// noObjectAfterCommit forwards the call, then answers its envelope
	// without KeyPair, KeyId and KeyPairSet.
	noObjectAfterCommit
	// eventStreamAfterCommit forwards the call, then answers its answer
	// as text/event-stream.
	eventStreamAfterCommit
	// throttleBefore answers RequestLimitExceeded without forwarding.
	throttleBefore
	// internalErrorBefore answers InternalError without forwarding.
	internalErrorBefore
	// emptyReadBefore answers an empty KeyPairSet without forwarding.
	emptyReadBefore
)

// hostileProxy stands between the provider and the emulator at target.
// For the nth call of an action (from 1), pick says what to do; the
// returned function counts the calls of an action that reached the proxy.
func hostileProxy(t *testing.T, target string, pick func(action string, n int) hostileAnswer) (string, func(action string) int) {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	forward := &http.Client{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		action := r.Header.Get("X-TC-Action")
		mu.Lock()
		seen[action]++
		n := seen[action]
		mu.Unlock()
		answer := passAnswer
		if !strings.HasPrefix(r.URL.Path, "/_emulator/") {
			answer = pick(action, n)
		}
		envelope := func(response string) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"Response":`+response+`}`)
		}
		switch answer {
		case throttleBefore:
			envelope(`{"Error":{"Code":"RequestLimitExceeded","Message":"throttled by the test proxy"},"RequestId":"proxy-throttle"}`)
			return
		case internalErrorBefore:
			envelope(`{"Error":{"Code":"InternalError","Message":"failed by the test proxy"},"RequestId":"proxy-internal"}`)
			return
		case emptyReadBefore:
			envelope(`{"KeyPairSet":[],"TotalCount":0,"RequestId":"proxy-empty"}`)
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		req.Header = r.Header.Clone()
		// The signature covers the Host header: keep the provider's.
		req.Host = r.Host
		resp, err := forward.Do(req)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		answerBody, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		switch answer {
		case dropAfterCommit:
			panic(http.ErrAbortHandler)
		case emptyBodyAfterCommit:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
			return
		case nullResponseAfterCommit:
			envelope(`null`)
			return
		case noObjectAfterCommit:
			var parsed struct{ Response map[string]any }
			if err := json.Unmarshal(answerBody, &parsed); err != nil {
				panic(http.ErrAbortHandler)
			}
			for _, k := range []string{"KeyPair", "KeyId", "KeyPairSet", "TotalCount"} {
				delete(parsed.Response, k)
			}
			answerBody, _ = json.Marshal(parsed)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(answerBody)
			return
		case eventStreamAfterCommit:
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write(answerBody)
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answerBody)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func(action string) int {
		mu.Lock()
		defer mu.Unlock()
		return seen[action]
	}
}

// (b) With pgp_key, no state holds the private key in plain text, also
// when reading the new key pair back fails and the state keeps it tainted,
// and not the backup of the state that replaces it.
func TestAccInvariants_pgpKeyNeverPlainWhenReadBackFails(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	var failReads sync.Mutex
	reading := true
	endpoint, _ := hostileProxy(t, env.Endpoint, func(action string, _ int) hostileAnswer {
		failReads.Lock()
		defer failReads.Unlock()
		if action == "DescribeKeyPairs" && reading {
			return throttleBefore
		}
		return passAnswer
	})
	_, pgpKey := newPGPEntity(t)
	tf := acctest.NewCLI(t, acctest.OurAddress)
	tf.Write("main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    tencentcloud = { source = %q }
  }
}
%s
resource "tencentcloud_key_pair" "test" {
  key_name = "pgp_read_back"
  pgp_key  = %q
  tags     = { team = "ops" }
}
`, acctest.OurSource, acctest.ProviderConfig(endpoint, "  max_retries = 0"), pgpKey))

	_, _, out := tf.Run([]int{1}, "apply", "-no-color", "-auto-approve", "-input=false")
	if !strings.Contains(out, "created but not readable") {
		t.Fatalf("the apply did not fail reading back:\n%s", out)
	}
	checkNoPlainPrivateKey(t, tf.Dir, "terraform.tfstate")
	if got := tf.Resources()["tencentcloud_key_pair.test"].Values["encrypted_private_key"]; got == nil || got == "" {
		t.Errorf("the tainted state lost the encrypted private key: %v", got)
	}

	failReads.Lock()
	reading = false
	failReads.Unlock()
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	checkNoPlainPrivateKey(t, tf.Dir, "terraform.tfstate", "terraform.tfstate.backup")
	checkCloudMatchesCLIState(t, env, tf)
	tf.Run([]int{0}, "destroy", "-no-color", "-auto-approve", "-input=false")
}

// checkNoPlainPrivateKey fails when a file of dir holds a private key in
// plain text.
func checkNoPlainPrivateKey(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("PRIVATE KEY")) {
			t.Errorf("%s holds a private key in plain text beside pgp_key", name)
		}
	}
}

// checkCloudMatchesCLIState checks that the emulator holds exactly the key
// pairs of a tfCLI state: nothing orphaned, nothing lost.
func checkCloudMatchesCLIState(t *testing.T, env *testEnv, tf *acctest.CLI) {
	t.Helper()
	inState := map[string]bool{}
	for _, r := range tf.Resources() {
		inState[fmt.Sprint(r.Values["id"])] = true
	}
	all, err := env.Client().ListKeyPairs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kp := range all {
		if !inState[kp.ID] {
			t.Errorf("orphan: key pair %s (%s) is in the cloud and not in the state", kp.ID, kp.Name)
		}
		delete(inState, kp.ID)
	}
	for id := range inState {
		t.Errorf("key pair %s is in the state and not in the cloud", id)
	}
}

// (a) The recovery after a lost create answer outlasts a throttled
// lookup, whatever max_retries says: with max_retries = 0 and the next 11
// DescribeKeyPairs refused, the key pair that the lost call made is found
// and deleted (max_retries = 0 then fails the create rather than sending
// it again), and nothing is orphaned.
func TestAccInvariants_recoveryOutlastsThrottling(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	endpoint, calls := hostileProxy(t, env.Endpoint, func(action string, n int) hostileAnswer {
		switch {
		case action == "CreateKeyPair" && n == 1:
			return dropAfterCommit
		case action == "DescribeKeyPairs" && n <= 11:
			return throttleBefore
		}
		return passAnswer
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(endpoint, "  max_retries = 0") + `
resource "tencentcloud_key_pair" "test" {
  key_name = "recovered"
}
`,
			ExpectError: regexp.MustCompile(`CreateKeyPair: ClientError.NetworkError`),
		}},
	})
	left, err := env.Client().ListKeyPairs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kp := range left {
		t.Errorf("orphan: key pair %s (%s)", kp.ID, kp.Name)
	}
	if calls("DescribeKeyPairs") <= 11 || calls("DeleteKeyPairs") == 0 {
		t.Errorf("%d DescribeKeyPairs and %d DeleteKeyPairs calls: the recovery did not outlast the throttling",
			calls("DescribeKeyPairs"), calls("DeleteKeyPairs"))
	}
}

// With max_retries at its default and a lookup refused 25 times (more
// than max_retries), the recovery still finds and deletes what the lost
// create made, and the create is sent again: one key pair, in the state.
func TestAccInvariants_recoveryThenCreateAgain(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	endpoint, calls := hostileProxy(t, env.Endpoint, func(action string, n int) hostileAnswer {
		switch {
		case action == "CreateKeyPair" && n == 1:
			return dropAfterCommit
		case action == "DescribeKeyPairs" && n <= 25:
			return throttleBefore
		}
		return passAnswer
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(endpoint, "") + `
resource "tencentcloud_key_pair" "test" {
  key_name = "recovered"
}
`,
			Check: resource.ComposeTestCheckFunc(
				env.CheckStateMatchesAPI(1),
				func(*terraform.State) error {
					if got := calls("CreateKeyPair"); got != 2 {
						return fmt.Errorf("%d CreateKeyPair calls, want 2 (the lost one, then one again)", got)
					}
					return nil
				},
			),
		}},
	})
}

// (d) An import whose answer is lost never adopts a key pair of the same
// name and key that another workspace imported: it carries no token of
// this import. The other workspace's key pair stays.
func TestAccInvariants_importNeverAdoptsAnothers(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	publicKey := acctest.PublicKey(t)
	// Workspace B, with this provider's client.
	theirKeyPair, err := env.Client().ImportKeyPair(t.Context(), "shared_import", 0, publicKey, map[string]string{"workspace": "b"})
	if err != nil {
		t.Fatal(err)
	}
	theirs := theirKeyPair.ID
	endpoint, _ := hostileProxy(t, env.Endpoint, func(action string, n int) hostileAnswer {
		if action == "ImportKeyPair" && n == 1 {
			return internalErrorBefore
		}
		return passAnswer
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(endpoint, "") + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name   = "shared_import"
  public_key = %q
}
`, publicKey),
			ExpectError: regexp.MustCompile(`(?s)shared_import.*` + theirs),
		}},
	})
	if _, err := env.Client().DescribeKeyPair(context.Background(), theirs); err != nil {
		t.Errorf("the other workspace's key pair %s: %v", theirs, err)
	}
}

// (c) No panic on answers that parse but hold nothing: `{}`,
// `{"Response":null}`, an answer without its key pair, and one of the
// wrong content type, each to a CreateKeyPair that committed, are lost
// answers: the recovery deletes what each made, and the apply ends with
// one key pair, in the state. A refresh whose read gets `{}` or a null
// Response reads again.
func TestAccInvariants_emptyAndIncompleteAnswers(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	var mu sync.Mutex
	hostileReads := 0
	endpoint, calls := hostileProxy(t, env.Endpoint, func(action string, n int) hostileAnswer {
		mu.Lock()
		defer mu.Unlock()
		if action == "CreateKeyPair" {
			switch n {
			case 1:
				return emptyBodyAfterCommit
			case 2:
				return nullResponseAfterCommit
			case 3:
				return noObjectAfterCommit
			case 4:
				return eventStreamAfterCommit
			}
		}
		if action == "DescribeKeyPairs" && hostileReads > 0 {
			hostileReads--
			if hostileReads == 1 {
				return emptyBodyAfterCommit
			}
			return nullResponseAfterCommit
		}
		return passAnswer
	})
	config := acctest.ProviderConfig(endpoint, "") + `
resource "tencentcloud_key_pair" "test" {
  key_name = "incomplete_answers"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					env.CheckStateMatchesAPI(1),
					func(*terraform.State) error {
						if got := calls("CreateKeyPair"); got != 5 {
							return fmt.Errorf("%d CreateKeyPair calls, want 5 (4 lost answers, then one)", got)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					mu.Lock()
					hostileReads = 2
					mu.Unlock()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.CheckStateMatchesAPI(1),
			},
		},
	})
}

// (a) Reads that answer nothing do not drop a key pair, and its private
// key, from the state: two empty DescribeKeyPairs answers in a row, then
// the key pair is asked about again after the settle time.
func TestAccInvariants_emptyReadsKeepKeyPair(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	var mu sync.Mutex
	empty := 0
	endpoint, _ := hostileProxy(t, env.Endpoint, func(action string, _ int) hostileAnswer {
		mu.Lock()
		defer mu.Unlock()
		if action == "DescribeKeyPairs" && empty > 0 {
			empty--
			return emptyReadBefore
		}
		return passAnswer
	})
	config := acctest.ProviderConfig(endpoint, "") + `
resource "tencentcloud_key_pair" "test" {
  key_name = "empty_reads"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					mu.Lock()
					empty = 2
					mu.Unlock()
				},
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrSet("tencentcloud_key_pair.test", "private_key"),
					env.CheckStateMatchesAPI(1),
				),
			},
		},
	})
}

// (a, d) Tags slower to show than the settle time: the key pair that a
// lost create made shows without its tags for 8 s; it is not taken for
// someone else's (and left behind), but waited for, found to carry this
// create's token, and deleted.
func TestAccInvariants_slowTagsAfterLostCreate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{TagLag: 8 * time.Second})
	env.SkipInCloud()
	endpoint, _ := hostileProxy(t, env.Endpoint, func(action string, n int) hostileAnswer {
		if action == "CreateKeyPair" && n == 1 {
			return dropAfterCommit
		}
		return passAnswer
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(endpoint, "") + `
resource "tencentcloud_key_pair" "test" {
  key_name = "slow_tags"
  tags     = { team = "ops" }
}
`,
			Check: env.CheckStateMatchesAPI(1),
		}},
	})
}

// A name held by a key pair that this provider made, outside this state,
// gets an error that says what it most likely is (left by an interrupted
// apply) and how to delete it, not an invitation to import a key pair
// whose private key is lost.
func TestAccInvariants_nameHeldByProviderMadeKeyPair(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	left, err := env.Client().CreateKeyPair(t.Context(), "left_behind", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Its token shows, as it will once the tag lag is over.
	if _, err := env.Client().WaitForKeyPair(t.Context(), left.ID, func(kp *client.KeyPair) bool { return kp.CreateToken != "" }); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
resource "tencentcloud_key_pair" "test" {
  key_name = "left_behind"
}
`,
			ExpectError: regexp.MustCompile(`(?s)` + left.ID + `.*create-token.*interrupted.*second Ctrl-C.*DeleteKeyPairs.*` + left.ID),
		}},
	})
}
