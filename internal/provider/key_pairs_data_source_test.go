package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"
)

// Each filter alone, several together, and filters that match nothing, on
// key pairs made outside Terraform; one of them is bound to an instance.
func TestAccKeyPairsDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{Projects: []int64{1001}})
	env.SkipInCloud() // the unfiltered list would hold the account's own key pairs
	env.SetInstance("ins-listbnd1", "STOPPED")
	// Made out of name order, so that the sorting shows.
	other := env.SeedKeyPair("other_one", 0, "", map[string]string{"team": "infra"})
	gamma := env.SeedKeyPair("kp_gamma", 1001, "", map[string]string{"team": "web"})
	alpha2 := env.SeedKeyPair("kp_alpha2", 0, "", map[string]string{"team": "infra", "env": "prod"})
	beta := env.SeedKeyPair("kp_beta", 1001, "", map[string]string{"team": "infra", "env": "dev"})
	alpha := env.SeedKeyPair("kp_alpha", 0, "the first", map[string]string{"team": "infra", "env": "prod"})
	delta := env.SeedKeyPair("kp_delta", 0, "", nil)
	if err := env.Client().AssociateInstances(t.Context(), []string{delta.ID}, []string{"ins-listbnd1"}, false); err != nil {
		t.Fatal(err)
	}
	delta = env.DescribeKeyPair(delta.ID)

	const prefix = "data.tencentcloud_key_pairs."
	checks := slices.Concat(
		expectKeyPairs(t, prefix+"all", alpha, alpha2, beta, delta, gamma, other),
		expectKeyPairs(t, prefix+"by_name", alpha),
		expectKeyPairs(t, prefix+"by_whole_name", alpha),
		expectKeyPairs(t, prefix+"by_regex", beta, delta),
		expectKeyPairs(t, prefix+"by_project", beta, gamma),
		expectKeyPairs(t, prefix+"by_default_project", alpha, alpha2, delta, other),
		expectKeyPairs(t, prefix+"by_tag", alpha, alpha2, beta, other),
		expectKeyPairs(t, prefix+"by_tags", alpha, alpha2),
		expectKeyPairs(t, prefix+"regex_project_tag", beta),
		expectKeyPairs(t, prefix+"all_filters", alpha),
		expectKeyPairs(t, prefix+"regex_nothing", []*client.KeyPair{}...),
		expectKeyPairs(t, prefix+"disjoint", []*client.KeyPair{}...),
		expectKeyPairs(t, prefix+"tag_value_nothing", []*client.KeyPair{}...),
		[]statecheck.StateCheck{
			// The id is the same for the same filters, and differs otherwise.
			statecheck.CompareValuePairs(prefix+"by_tag", tfjsonpath.New("id"), prefix+"by_tag_again", tfjsonpath.New("id"), compare.ValuesSame()),
			statecheck.CompareValuePairs(prefix+"by_tag", tfjsonpath.New("id"), prefix+"by_tags", tfjsonpath.New("id"), compare.ValuesDiffer()),
			statecheck.CompareValuePairs(prefix+"all", tfjsonpath.New("id"), prefix+"by_default_project", tfjsonpath.New("id"), compare.ValuesDiffer()),
		},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "tencentcloud_key_pairs" "all" {}

data "tencentcloud_key_pairs" "by_name" {
  key_name = "kp_alpha"
}

# Sent to the key-name filter, which answers kp_alpha2 too: it matches
# part of a name.
data "tencentcloud_key_pairs" "by_whole_name" {
  key_name = "^kp_alpha$"
}

# Unanchored at the start: names that end in "ta".
data "tencentcloud_key_pairs" "by_regex" {
  name_regex = "ta$"
}

data "tencentcloud_key_pairs" "by_project" {
  project_id = 1001
}

data "tencentcloud_key_pairs" "by_default_project" {
  project_id = 0
}

data "tencentcloud_key_pairs" "by_tag" {
  tags = { team = "infra" }
}

data "tencentcloud_key_pairs" "by_tag_again" {
  tags = { team = "infra" }
}

data "tencentcloud_key_pairs" "by_tags" {
  tags = { team = "infra", env = "prod" }
}

data "tencentcloud_key_pairs" "regex_project_tag" {
  name_regex = "^kp_"
  project_id = 1001
  tags       = { team = "infra" }
}

data "tencentcloud_key_pairs" "all_filters" {
  key_name   = "kp_alpha"
  name_regex = "alpha"
  project_id = 0
  tags       = { env = "prod" }
}

data "tencentcloud_key_pairs" "regex_nothing" {
  name_regex = "^nothing$"
}

# Each filter alone matches; together they match nothing.
data "tencentcloud_key_pairs" "disjoint" {
  key_name   = "kp_alpha"
  project_id = 1001
}

data "tencentcloud_key_pairs" "tag_value_nothing" {
  tags = { team = "nobody" }
}
`,
			ConfigStateChecks: checks,
			Check:             checkIDsInOrder(prefix + "all"),
		}},
	})
}

// checkIDsInOrder checks that ids lists the ids of key_pairs, in order.
func checkIDsInOrder(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		n, _ := strconv.Atoi(attrs["ids.#"])
		if attrs["key_pairs.#"] != attrs["ids.#"] {
			return fmt.Errorf("%d ids, %s key pairs", n, attrs["key_pairs.#"])
		}
		for i := range n {
			if id := attrs[fmt.Sprintf("key_pairs.%d.id", i)]; attrs[fmt.Sprintf("ids.%d", i)] != id {
				return fmt.Errorf("ids[%d] is %s, key_pairs[%d].id %s", i, attrs[fmt.Sprintf("ids.%d", i)], i, id)
			}
		}
		return nil
	}
}

// An empty region lists nothing; then more than 100 key pairs, which take
// two pages of DescribeKeyPairs, with and without a filter.
func TestAccKeyPairsDataSource_moreThan100(t *testing.T) {
	t.Parallel()
	// The emulator's rate limit is raised so that the setup's 130 creates
	// need not wait; the provider keeps its own default of 10 calls/s.
	env := newTestEnv(t, emulator.Config{Quota: 150, RateLimit: 1000})
	env.SkipInCloud()
	fast, err := client.New(client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: acctest.Region, Endpoint: env.Endpoint,
		RateLimit: 1000, MaxRetries: client.DefaultMaxRetries,
	})
	if err != nil {
		t.Fatal(err)
	}

	const n, groupA = 130, 110
	var all, inA, named1xx []*client.KeyPair
	create := func() {
		// Made in random order, so that the sorting shows.
		for _, i := range rand.Perm(n) {
			group := "a"
			if i >= groupA {
				group = "b"
			}
			// Plain SDK calls, as another tool makes key pairs: the
			// client's creates would each wait for their key pair to show.
			if _, err := testcloud.CreateKeyPair(env.Endpoint, emulator.DemoSecretID, emulator.DemoSecretKey, acctest.Region,
				fmt.Sprintf("bulk_%03d", i), map[string]string{"group": group}); err != nil {
				t.Fatalf("create key pair %d: %v", i, err)
			}
		}
		// New key pairs, and their tags, take a moment to show in
		// listings (the strict emulator's lags): the test ends the lags
		// rather than wait for them, which a busy machine makes long.
		if _, err := env.Control().EndLags(t.Context()); err != nil {
			t.Fatal(err)
		}
		var err error
		if all, err = fast.ListKeyPairs(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if len(all) != n || slices.ContainsFunc(all, func(kp *client.KeyPair) bool { return kp.Tags["group"] == "" }) {
			t.Fatalf("the API lists %d key pairs, want %d, all tagged", len(all), n)
		}
		slices.SortFunc(all, func(a, b *client.KeyPair) int { return strings.Compare(a.Name, b.Name) })
		for _, kp := range all {
			if kp.Tags["group"] == "a" {
				inA = append(inA, kp)
			}
			if strings.HasPrefix(kp.Name, "bulk_1") {
				named1xx = append(named1xx, kp)
			}
		}
	}
	expect := func(addr string, kps *[]*client.KeyPair) statecheck.StateCheck {
		return statecheckFunc(func() []statecheck.StateCheck { return expectKeyPairs(t, addr, *kps...) })
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + `
data "tencentcloud_key_pairs" "all" {}
`,
				ConfigStateChecks: expectKeyPairs(t, "data.tencentcloud_key_pairs.all"),
			},
			{
				PreConfig: create,
				Config: env.ProviderConfig() + `
data "tencentcloud_key_pairs" "all" {}

data "tencentcloud_key_pairs" "group_a" {
  tags = { group = "a" }
}

data "tencentcloud_key_pairs" "named_1xx" {
  name_regex = "^bulk_1"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("data.tencentcloud_key_pairs.all", &all),
					expect("data.tencentcloud_key_pairs.group_a", &inA),
					expect("data.tencentcloud_key_pairs.named_1xx", &named1xx),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.tencentcloud_key_pairs.all", "ids.#", strconv.Itoa(n)),
					resource.TestCheckResourceAttr("data.tencentcloud_key_pairs.group_a", "ids.#", strconv.Itoa(groupA)),
					resource.TestCheckResourceAttr("data.tencentcloud_key_pairs.named_1xx", "ids.#", "30"),
				),
			},
		},
	})
}

// statecheckFunc builds its checks when it runs: after a PreConfig has made
// what they expect.
type statecheckFunc func() []statecheck.StateCheck

func (f statecheckFunc) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, c := range f() {
		var r statecheck.CheckStateResponse
		c.CheckState(ctx, req, &r)
		if r.Error != nil {
			resp.Error = errors.Join(resp.Error, r.Error)
		}
	}
}

// Every plan-time rule fails the plan with an error that names the
// attribute and states the rule, before any API call is made.
func TestAccKeyPairsDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	cases := []struct {
		name, body, want string
	}{
		{"regex unclosed", `name_regex = "kp_("`, `(?s)Invalid regular expression.*name_regex.*must be a valid regular expression \(RE2 syntax\).*missing closing \)`},
		{"regex lookahead", `name_regex = "^kp(?=_)"`, `(?s)Invalid regular expression.*name_regex.*invalid or unsupported Perl syntax`},
		{"name illegal", `key_name = "has-dash"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"name long", `key_name = "` + strings.Repeat("a", 26) + `"`, `(?s)key_name.*length must be between 1 and 25`},
		{"pattern illegal", `key_name = "^te-st$"`, `(?s)key_name.*may contain only letters, digits and underscores.*In key_name, \^ may come before the name\s+and\s+\$\s+after\s+it`},
		{"pattern anchor inside", `key_name = "te^st"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"pattern other regexp", `key_name = "^te.*$"`, `(?s)key_name.*may contain only letters, digits and underscores`},
		{"pattern anchors only", `key_name = "^$"`, `(?s)key_name.*length must be between 1 and 25`},
		{"pattern long", `key_name = "^` + strings.Repeat("a", 26) + `$"`, `(?s)key_name.*length must be between 1 and 25`},
		{"key id", `key_id = "skey-TOOLONG123"`, `(?s)Invalid key pair id.*key_id.*skey- followed by 8 lowercase letters or digits`},
		{"empty output file", `result_output_file = ""`, `(?s)result_output_file.*at least 1`},
		{"negative project", `project_id = -1`, `(?s)project_id.*must be at least 0`},
		{"empty tag key", `tags = { "" = "x" }`, `(?s)tags.*between 1 and 127`},
		{"empty tag value", `tags = { team = "" }`, `(?s)tags.*between 1 and 255`},
	}
	var configs []acctest.PlanError
	for _, c := range cases {
		configs = append(configs, acctest.PlanError{Config: fmt.Sprintf("data \"tencentcloud_key_pairs\" \"test\" {\n%s\n}\n", c.body), Want: c.want})
	}
	env.expectPlanErrors(configs)
}

// The filters the API supports go to it; what it answers is checked again
// and sorted.
func TestKeyPairsDataSource_query(t *testing.T) {
	t.Parallel()
	name, re, project := "^web$", "^w", int64(0)
	q := keyPairQuery{KeyName: &name, NameRegex: &re, ProjectID: &project, Tags: map[string]string{"team": "infra", "env": "prod"}}
	want := []client.Filter{
		{Name: "key-name", Values: []string{"web"}},
		{Name: "project-id", Values: []string{"0"}},
		{Name: "tag:env", Values: []string{"prod"}},
		{Name: "tag:team", Values: []string{"infra"}},
	}
	sameFilters := func(a, b client.Filter) bool { return a.Name == b.Name && slices.Equal(a.Values, b.Values) }
	if got := q.apiFilters(); !slices.EqualFunc(got, want, sameFilters) {
		t.Errorf("apiFilters() = %v, want %v", got, want)
	}
	if got := (keyPairQuery{}).apiFilters(); len(got) != 0 {
		t.Errorf("apiFilters() without filters = %v, want none", got)
	}
	// Only a name anchored at both ends goes to the API's key-name filter;
	// a key_id goes as KeyIds, which the API takes only without filters.
	for _, pattern := range []string{"web", "^web", "web$"} {
		q := keyPairQuery{KeyName: &pattern, ProjectID: &project}
		if got := q.apiFilters(); !slices.EqualFunc(got, want[1:2], sameFilters) {
			t.Errorf("key_name %q: apiFilters() = %v, want %v", pattern, got, want[1:2])
		}
	}
	id := "skey-00000001"
	if got := (keyPairQuery{KeyID: &id, KeyName: &name, Tags: map[string]string{"team": "infra"}}).apiFilters(); len(got) != 0 {
		t.Errorf("apiFilters() with key_id = %v, want none", got)
	}

	tags := map[string]string{"team": "infra", "env": "prod", "extra": "x"}
	answer := []*client.KeyPair{
		// What a fuzzy key-name filter, or a loose API, might answer.
		{ID: "skey-00000001", Name: "web_old", Tags: tags},
		{ID: "skey-00000002", Name: "Web", Tags: tags},
		{ID: "skey-00000003", Name: "web", ProjectID: 1001, Tags: tags},
		{ID: "skey-00000004", Name: "web", Tags: map[string]string{"team": "infra"}},
		{ID: "skey-00000006", Name: "web", Tags: tags},
		{ID: "skey-00000005", Name: "web", Tags: tags},
		{ID: "skey-00000007", Name: "old_web", Tags: tags},
		{ID: "skey-00000008", Name: "my_web_key", Tags: tags},
	}
	ids := func(list []*client.KeyPair) []string {
		out := []string{}
		for _, kp := range list {
			out = append(out, kp.ID)
		}
		return out
	}
	selected := func(q keyPairQuery) (listed, exact []string) {
		t.Helper()
		l, e, err := q.matchers()
		if err != nil {
			t.Fatal(err)
		}
		return ids(selectKeyPairs(answer, l)), ids(selectKeyPairs(answer, e))
	}
	if listed, exact := selected(q); !slices.Equal(listed, []string{"skey-00000005", "skey-00000006"}) || !slices.Equal(listed, exact) {
		t.Errorf("selected %v and %v, want skey-00000005 and skey-00000006 in both (exact matches, sorted by name then id)", listed, exact)
	}

	// key_name: the official provider's pattern in key_pair_list; in
	// key_pairs, a name without anchors is the whole name.
	for _, c := range []struct {
		pattern       string
		listed, exact []string
	}{
		{"web", []string{"skey-00000008", "skey-00000007", "skey-00000005", "skey-00000006", "skey-00000001"}, []string{"skey-00000005", "skey-00000006"}},
		{"^web$", []string{"skey-00000005", "skey-00000006"}, []string{"skey-00000005", "skey-00000006"}},
		{"^web", []string{"skey-00000005", "skey-00000006", "skey-00000001"}, nil},
		{"web$", []string{"skey-00000007", "skey-00000005", "skey-00000006"}, nil},
		{"Web", []string{"skey-00000002"}, []string{"skey-00000002"}},
		{"^eb", []string{}, []string{}},
	} {
		if c.exact == nil {
			c.exact = c.listed
		}
		q := keyPairQuery{KeyName: &c.pattern, ProjectID: &project, Tags: map[string]string{"env": "prod"}}
		if listed, exact := selected(q); !slices.Equal(listed, c.listed) || !slices.Equal(exact, c.exact) {
			t.Errorf("key_name %q: key_pair_list %v, key_pairs %v; want %v and %v", c.pattern, listed, exact, c.listed, c.exact)
		}
	}
	// key_id with other filters: all of them must match.
	for _, c := range []struct {
		id, name string
		want     []string
	}{{"skey-00000006", "web", []string{"skey-00000006"}}, {"skey-00000006", "old", []string{}}, {"skey-00000003", "web", []string{}}} {
		q := keyPairQuery{KeyID: &c.id, KeyName: &c.name, ProjectID: &project}
		if listed, exact := selected(q); !slices.Equal(listed, c.want) || !slices.Equal(exact, c.want) {
			t.Errorf("key_id %s, key_name %q: %v and %v, want %v", c.id, c.name, listed, exact, c.want)
		}
	}

	sameAgain := keyPairQuery{KeyName: &name, NameRegex: &re, ProjectID: &project, Tags: map[string]string{"env": "prod", "team": "infra"}}
	if q.hash(acctest.Region) != sameAgain.hash(acctest.Region) {
		t.Error("the same query has two ids")
	}
	for _, other := range []keyPairQuery{{}, {KeyName: &name}, {NameRegex: &name}, {KeyID: &name}, {Tags: map[string]string{"team": "infra"}}} {
		if other.hash(acctest.Region) == q.hash(acctest.Region) {
			t.Errorf("%+v has the id of %+v", other, q)
		}
	}
	if (keyPairQuery{KeyID: &name}).hash(acctest.Region) == (keyPairQuery{KeyName: &name}).hash(acctest.Region) {
		t.Error("key_id and key_name of the same value give the same id")
	}
	if (keyPairQuery{}).hash("ap-guangzhou") == (keyPairQuery{}).hash("ap-shanghai") {
		t.Error("two regions give the same id")
	}
}

// recordedDescribe is one DescribeKeyPairs call as the API received it.
type recordedDescribe struct {
	Filters []struct {
		Name   string
		Values []string
	}
	Offset int64
	Limit  int64
}

// The listing sends the filters with every page and pages 100 at a time.
func TestKeyPairsDataSource_apiCalls(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Config{Quota: 150, KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var calls []recordedDescribe
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == "DescribeKeyPairs" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var call recordedDescribe
			if err := json.Unmarshal(body, &call); err != nil {
				t.Errorf("DescribeKeyPairs body %s: %v", body, err)
			}
			mu.Lock()
			calls = append(calls, call)
			mu.Unlock()
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	c, err := client.New(client.Config{
		SecretID: emulator.DemoSecretID, SecretKey: emulator.DemoSecretKey, Region: acctest.Region, Endpoint: hs.URL, RateLimit: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		tags := map[string]string{"team": "infra"}
		if i%40 == 0 {
			tags = nil
		}
		if _, err := c.CreateKeyPair(t.Context(), fmt.Sprintf("kp_%03d", i), 0, tags); err != nil {
			t.Fatal(err)
		}
	}

	project := int64(0)
	re := "^kp_0"
	q := keyPairQuery{NameRegex: &re, ProjectID: &project, Tags: map[string]string{"team": "infra"}}
	mu.Lock()
	calls = nil
	mu.Unlock()
	list, _, err := q.find(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	// kp_000 to kp_099 but kp_000, kp_040, kp_080, which have no tags.
	if len(list) != 97 || list[0].Name != "kp_001" || list[96].Name != "kp_099" {
		t.Errorf("listed %d key pairs, from %s to %s; want 97, from kp_001 to kp_099", len(list), list[0].Name, list[len(list)-1].Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 2 {
		t.Fatalf("%d DescribeKeyPairs calls, want 2 pages: %+v", len(calls), calls)
	}
	for i, call := range calls {
		got := fmt.Sprint(call.Filters)
		if want := "[{project-id [0]} {tag:team [infra]}]"; got != want {
			t.Errorf("call %d sent filters %s, want %s", i, got, want)
		}
		if call.Limit != 100 || call.Offset != int64(100*i) {
			t.Errorf("call %d asked for offset %d, limit %d; want %d, 100", i, call.Offset, call.Limit, 100*i)
		}
	}
}
