package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// nameFrom matches a name made from prefix.
func nameFrom(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `[a-z2-7]{8}$`)
}

// writeLog stands between the provider and the emulator and records, in
// order, each CreateKeyPair once its answer has gone back (with the name
// it made) and each DeleteKeyPairs as it arrives (with the ids it names).
type writeLog struct {
	mu      sync.Mutex
	entries []string
}

func (l *writeLog) add(entry string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
}

func (l *writeLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

func writeLogProxy(t *testing.T, target string) (string, *writeLog) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	log := &writeLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("X-TC-Action")
		var params struct {
			KeyName string
			KeyIds  []string
		}
		if action == "CreateKeyPair" || action == "DeleteKeyPairs" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			_ = json.Unmarshal(body, &params)
		}
		if action == "DeleteKeyPairs" {
			log.add("DeleteKeyPairs " + strings.Join(params.KeyIds, ","))
		}
		proxy.ServeHTTP(w, r)
		if action == "CreateKeyPair" {
			log.add("CreateKeyPair " + params.KeyName)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, log
}

// Rotation without downtime: with key_name_prefix and
// create_before_destroy, a replacement (here through replace_triggered_by)
// makes the new key pair, under a new name, before it deletes the old
// one, and the state ends with the new one only.
func TestAccKeyPair_keyNamePrefixRotation(t *testing.T) {
	t.Parallel()
	emu := newTestEnv(t, emulator.Config{})
	emu.SkipInCloud()
	endpoint, log := writeLogProxy(t, emu.Endpoint)
	env := newTestEnvAt(t, endpoint)
	config := func(rotation int) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "rotation" {
  input = %d
}

resource "tencentcloud_key_pair" "test" {
  key_name_prefix = "acc_rotate_"

  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.rotation]
  }
}
`, rotation)
	}
	var old, rotated struct{ id, name string }
	keep := func(kp *struct{ id, name string }) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			attrs := s.RootModule().Resources[keyPairAddr].Primary.Attributes
			kp.id, kp.name = attrs["id"], attrs["key_name"]
			return nil
		}
	}
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(keyPairAddr, tfjsonpath.New("key_name")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringRegexp(nameFrom("acc_rotate_"))),
					newID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: keep(&old),
			},
			{
				PreConfig: func() { log.add("step 2") },
				Config:    config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionCreateBeforeDestroy),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringRegexp(nameFrom("acc_rotate_"))),
					newID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeTestCheckFunc(
					keep(&rotated),
					func(*terraform.State) error {
						entries := log.list()
						entries = entries[slices.Index(entries, "step 2")+1:]
						made := slices.Index(entries, "CreateKeyPair "+rotated.name)
						deleted := slices.Index(entries, "DeleteKeyPairs "+old.id)
						if rotated.name == old.name || made < 0 || deleted < 0 || made > deleted {
							return fmt.Errorf("the rotation from %v to %v did not create before it deleted: %q", old, rotated, entries)
						}
						all, err := env.Client().ListKeyPairs(context.Background(), nil)
						if err != nil {
							return err
						}
						if len(all) != 1 || all[0].ID != rotated.id {
							return fmt.Errorf("after the rotation, the emulator holds %d key pairs, want only %s", len(all), rotated.id)
						}
						return nil
					},
				),
			},
		},
	})
}

// key_name_prefix next to key_name: moving from one to the other renames
// the key pair in place, a name made from the prefix stays through other
// changes, and a new prefix replaces the key pair.
func TestAccKeyPair_keyNamePrefix(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	config := func(name, description string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  %s
  description = %q
}
`, name, description)
	}
	fixed, fixedAgain := acctest.KeyName("acc_fixed"), acctest.KeyName("acc_fixed_again")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameName := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(fmt.Sprintf("key_name = %q", fixed), "one"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name_prefix"), knownvalue.Null()),
				},
			},
			{
				// From key_name to key_name_prefix: a rename in place.
				Config: config(`key_name_prefix = "acc_pfx_"`, "one"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(keyPairAddr, tfjsonpath.New("key_name")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringRegexp(nameFrom("acc_pfx_"))),
					sameName.AddStateValue(keyPairAddr, tfjsonpath.New("key_name")),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
			{
				// Another change keeps the name made from the prefix.
				Config: config(`key_name_prefix = "acc_pfx_"`, "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringRegexp(nameFrom("acc_pfx_"))),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyPairAddr, tfjsonpath.New("id")),
					sameName.AddStateValue(keyPairAddr, tfjsonpath.New("key_name")),
				},
			},
			{
				// A new prefix replaces the key pair.
				Config: config(`key_name_prefix = "acc_other_"`, "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringRegexp(nameFrom("acc_other_"))),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
			{
				// From key_name_prefix back to key_name: a rename in place.
				Config: config(fmt.Sprintf("key_name = %q", fixedAgain), "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyPairAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name"), knownvalue.StringExact(fixedAgain)),
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_name_prefix"), knownvalue.Null()),
				},
				Check: env.CheckMatchesAPI(keyPairAddr),
			},
		},
	})
}

// The prefix's own rules, and exactly one of key_name and
// key_name_prefix, are checked at plan.
func TestAccKeyPair_keyNamePrefixValidation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	resourceWith := func(body string) string {
		return "resource \"tencentcloud_key_pair\" \"test\" {\n" + body + "\n}\n"
	}
	env.expectPlanErrors([]acctest.PlanError{
		{Config: resourceWith(`key_name_prefix = "` + strings.Repeat("p", 18) + `"`), Want: `(?s)key_name_prefix.*1 to 17 letters, digits and underscores.*adds 8 characters`},
		{Config: resourceWith(`key_name_prefix = "has-dash_"`), Want: `(?s)key_name_prefix.*1 to 17 letters, digits and underscores`},
		{Config: resourceWith(`key_name_prefix = ""`), Want: `(?s)key_name_prefix.*1 to 17 letters`},
		{Config: resourceWith("key_name = \"ok\"\nkey_name_prefix = \"ok_\""), Want: `(?s)Invalid Attribute Combination.*2\s+attributes\s+specified\s+when\s+one\s+\(and\s+only\s+one\)\s+of\s+\[key_name,key_name_prefix\]\s+is\s+required`},
		{Config: resourceWith(`description = "no name"`), Want: `(?s)Invalid Attribute Combination.*No\s+attribute\s+specified\s+when\s+one\s+\(and\s+only\s+one\)\s+of\s+\[key_name,key_name_prefix\]\s+is\s+required`},
	})
}

// A key_name that is unknown at plan (made from another key pair's id)
// counts as set in the exactly-one check, not as missing: alone it is
// applied; beside key_name_prefix it fails with the check's error, and no
// key pair is left behind (CheckDestroy).
func TestAccKeyPair_keyNameUnknownAtPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	config := func(prefix string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "first" {
  key_name_prefix = "first_"
}

resource "tencentcloud_key_pair" "second" {
  key_name = "from_${substr(tencentcloud_key_pair.first.id, 5, 8)}"
  %s
}
`, prefix)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      config(`key_name_prefix = "second_"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*2\s+attributes\s+specified`),
			},
			{
				Config: config(""),
				Check:  resource.TestMatchResourceAttr("tencentcloud_key_pair.second", "key_name", regexp.MustCompile(`^from_[a-z0-9]{8}$`)),
			},
		},
	})
}
