package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// checks are the scenarios of a run.
type checks struct {
	r           *runner
	cloud       *cloud
	control     emulator.ControlClient
	fx          *fixtures
	emulatorURL string
	ws          func(name string) *workspace
}

// listed is an element of the official provider's key_pair_list.
type listed struct {
	KeyID     string `json:"key_id"`
	KeyName   string `json:"key_name"`
	ProjectID int64  `json:"project_id"`
	PublicKey string `json:"public_key"`
}

func names(list []listed) []string {
	out := make([]string, 0, len(list))
	for _, l := range list {
		out = append(out, l.KeyName)
	}
	slices.Sort(out)
	return out
}

// wantNames fails unless list holds exactly the key pairs named want.
func wantNames(what string, list []listed, want ...string) error {
	slices.Sort(want)
	if got := names(list); !slices.Equal(got, want) {
		return fmt.Errorf("%s lists %q, want %q", what, got, want)
	}
	return nil
}

func wantTags(what string, got, want map[string]string) error {
	if !maps.Equal(got, want) {
		return fmt.Errorf("%s has the tags %v, want %v", what, got, want)
	}
	return nil
}

const officialHeader = `terraform {
  required_providers {
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
  }
}

# Credentials, region, TENCENTCLOUD_PROTOCOL=HTTP and HTTP_PROXY (the
# emulator) come from the environment.
provider "tencentcloud" {}
`

// officialConfig is the official workspace at a stage: 1 creates, 2
// renames and changes tags, 3 imports the key pair made outside (of id
// outsideID).
func (c *checks) officialConfig(stage int, outsideID string) string {
	name, tags := "off_generated", `{ team = "ops", env = "dev" }`
	if stage >= 2 {
		name, tags = "off_renamed", `{ team = "platform", owner = "alice" }`
	}
	s := officialHeader + fmt.Sprintf(`
resource "tencentcloud_key_pair" "generated" {
  key_name   = %q
  project_id = %d
  tags       = %s
}

resource "tencentcloud_key_pair" "imported" {
  key_name   = "off_imported"
  public_key = %q
}

# Its name holds "off_generated" without starting with "off": the API's
# key-name filter answers it to both searches by name below, and the
# official provider's own matching must leave it out.
resource "tencentcloud_key_pair" "decoy" {
  key_name = "x_off_generated"
}
`, name, project, tags, c.fx.officialKey)
	if stage == 1 {
		s += fmt.Sprintf(`
data "tencentcloud_key_pairs" "by_id" {
  key_id = tencentcloud_key_pair.generated.id
}

data "tencentcloud_key_pairs" "by_prefix" {
  key_name   = "^off_"
  depends_on = [tencentcloud_key_pair.generated, tencentcloud_key_pair.imported, tencentcloud_key_pair.decoy]
}

data "tencentcloud_key_pairs" "by_name" {
  key_name   = "^off_generated$"
  depends_on = [tencentcloud_key_pair.generated, tencentcloud_key_pair.imported, tencentcloud_key_pair.decoy]
}

data "tencentcloud_key_pairs" "by_project" {
  project_id = %d
  depends_on = [tencentcloud_key_pair.generated, tencentcloud_key_pair.imported, tencentcloud_key_pair.decoy]
}

output "by_id" {
  value = data.tencentcloud_key_pairs.by_id.key_pair_list
}

output "by_prefix" {
  value = data.tencentcloud_key_pairs.by_prefix.key_pair_list
}

output "by_name" {
  value = data.tencentcloud_key_pairs.by_name.key_pair_list
}

output "by_project" {
  value = data.tencentcloud_key_pairs.by_project.key_pair_list
}
`, project)
	}
	if stage >= 3 {
		s += fmt.Sprintf(`
# Made outside Terraform, with a tag.
resource "tencentcloud_key_pair" "outside" {
  key_name = "off_outside"
  tags     = { origin = "console" }
}

import {
  to = tencentcloud_key_pair.outside
  id = %q
}
`, outsideID)
	}
	return s
}

// official runs the official provider's key pair resource and data source
// alone.
func (c *checks) official(ctx context.Context) {
	w := c.ws("official")
	var ids struct{ generated, imported, decoy, outside string }
	var outs struct {
		ByID      []listed `json:"by_id"`
		ByPrefix  []listed `json:"by_prefix"`
		ByName    []listed `json:"by_name"`
		ByProject []listed `json:"by_project"`
	}
	var rs map[string]resource
	c.r.steps(
		gate("official: apply creates key pairs (generated, from public_key, in a project, with tags)", func() error {
			if err := w.write(c.officialConfig(1, "")); err != nil {
				return err
			}
			if _, err := w.apply(ctx); err != nil {
				return err
			}
			var err error
			if rs, err = w.state(ctx); err != nil {
				return err
			}
			ids.generated = str(rs["tencentcloud_key_pair.generated"].Values, "id")
			ids.imported = str(rs["tencentcloud_key_pair.imported"].Values, "id")
			ids.decoy = str(rs["tencentcloud_key_pair.decoy"].Values, "id")
			return w.outputs(ctx, &outs)
		}),
		check("official: a generated key pair has its project, its tags and the private key of its public key", func() error {
			kp, err := c.cloud.one(ctx, ids.generated)
			if err != nil {
				return err
			}
			if kp.Name != "off_generated" || kp.ProjectID != project {
				return fmt.Errorf("the emulator has %s named %q in project %d", kp.ID, kp.Name, kp.ProjectID)
			}
			if err := wantTags("the key pair", kp.Tags, map[string]string{"team": "ops", "env": "dev"}); err != nil {
				return err
			}
			v := rs["tencentcloud_key_pair.generated"].Values
			if err := wantTags("the state", tagsOf(v), kp.Tags); err != nil {
				return err
			}
			pub, err := publicKeyOf(str(v, "private_key"))
			if err != nil {
				return fmt.Errorf("the private key in the state: %w", err)
			}
			if !sameKey(pub, kp.PublicKey) || !sameKey(str(v, "public_key"), kp.PublicKey) {
				return fmt.Errorf("the state's keys are not the key pair's public key (%.40s)", kp.PublicKey)
			}
			return nil
		}),
		check("official: a key pair made from public_key holds that key", func() error {
			kp, err := c.cloud.one(ctx, ids.imported)
			if err != nil {
				return err
			}
			if !sameKey(kp.PublicKey, c.fx.officialKey) || str(rs["tencentcloud_key_pair.imported"].Values, "private_key") != "" {
				return fmt.Errorf("the emulator holds %.40s..., the state a private key: %t", kp.PublicKey, str(rs["tencentcloud_key_pair.imported"].Values, "private_key") != "")
			}
			return nil
		}),
		check("official: the plan after the create is empty", func() error { return w.planEmpty(ctx) }),
		check("official: data source by key_id", func() error {
			if err := wantNames("key_id", outs.ByID, "off_generated"); err != nil {
				return err
			}
			if l := outs.ByID[0]; l.KeyID != ids.generated || l.ProjectID != project {
				return fmt.Errorf("key_id lists %+v", l)
			}
			return nil
		}),
		check(`official: data source by key_name "^off_" (a prefix)`, func() error {
			return wantNames(`key_name "^off_"`, outs.ByPrefix, "off_generated", "off_imported")
		}),
		check(`official: data source by key_name "^off_generated$" (a whole name)`, func() error {
			return wantNames(`key_name "^off_generated$"`, outs.ByName, "off_generated")
		}),
		check("official: data source by project_id", func() error {
			return wantNames(fmt.Sprintf("project_id %d", project), outs.ByProject, "off_generated")
		}),
		gate("official: a rename and a tag change are an update in place", func() error {
			if err := w.write(c.officialConfig(2, "")); err != nil {
				return err
			}
			out, err := w.apply(ctx)
			if err != nil {
				return err
			}
			if !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
				return fmt.Errorf("the apply did not change one key pair in place:\n%s", tail(out, 20))
			}
			kp, err := c.cloud.one(ctx, ids.generated)
			if err != nil {
				return err
			}
			if kp.Name != "off_renamed" {
				return fmt.Errorf("the key pair is named %q, want off_renamed", kp.Name)
			}
			return wantTags("the key pair", kp.Tags, map[string]string{"team": "platform", "owner": "alice"})
		}),
		check("official: the plan after the update is empty", func() error { return w.planEmpty(ctx) }),
		gate("official: an import block imports a key pair by id, tags included", func() error {
			var err error
			if ids.outside, err = c.cloud.create(ctx, "off_outside", map[string]string{"origin": "console"}); err != nil {
				return err
			}
			if err := w.write(c.officialConfig(3, ids.outside)); err != nil {
				return err
			}
			out, err := w.apply(ctx)
			if err != nil {
				return err
			}
			if !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
				return fmt.Errorf("the apply did not import the key pair alone:\n%s", tail(out, 20))
			}
			rs, err := w.state(ctx)
			if err != nil {
				return err
			}
			v := rs["tencentcloud_key_pair.outside"].Values
			if str(v, "id") != ids.outside {
				return fmt.Errorf("the state holds %q, want %s", str(v, "id"), ids.outside)
			}
			return wantTags("the imported key pair in the state", tagsOf(v), map[string]string{"origin": "console"})
		}),
		check("official: the plan after the import is empty", func() error { return w.planEmpty(ctx) }),
		check("official: destroy deletes every key pair, unbinding one from the stopped instance it was launched with", func() error {
			// An instance launched with the imported key pair (the
			// control API's KeyIds), stopped: the official provider
			// unbinds the key pair before it deletes it.
			const instance = "ins-offbnd01"
			if err := c.control.SetInstance(ctx, emulator.Instance{InstanceID: instance, Region: region, State: "STOPPED", KeyIDs: []string{ids.imported}}); err != nil {
				return fmt.Errorf("launch %s with %s: %w", instance, ids.imported, err)
			}
			if kp, err := c.cloud.one(ctx, ids.imported); err != nil || !slices.Equal(kp.Instances, []string{instance}) {
				return fmt.Errorf("the key pair is not bound to %s: %v (%v)", instance, kp.Instances, err)
			}
			if _, err := w.destroy(ctx); err != nil {
				return err
			}
			if err := c.cloud.gone(ctx, ids.generated, ids.imported, ids.decoy, ids.outside); err != nil {
				return err
			}
			instances, err := c.control.Instances(ctx)
			if err != nil {
				return err
			}
			for _, in := range instances {
				if in.InstanceID == instance && (len(in.KeyIDs) > 0 || in.State != "STOPPED") {
					return fmt.Errorf("%s after the destroy: %s with key pairs %v", instance, in.State, in.KeyIDs)
				}
			}
			return nil
		}),
	)
}

// bothHeader names both providers, this one as kp, as the side-by-side
// guide does; kp is given the emulator as its endpoint.
func (c *checks) bothHeader() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
    kp = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

# Credentials, region, TENCENTCLOUD_PROTOCOL=HTTP and HTTP_PROXY (the
# emulator) come from the environment.
provider "tencentcloud" {}

# The same credentials and region, and the emulator as its endpoint.
provider "kp" {
  endpoint = %q
}
`, c.emulatorURL)
}

// mixedConfig has each provider manage a key pair and read the other's.
func (c *checks) mixedConfig() string {
	return c.bothHeader() + `
resource "tencentcloud_key_pair" "theirs" {
  key_name = "mix_theirs"
  tags     = { side = "official" }
}

resource "tencentcloud_key_pair" "ours" {
  provider = kp
  key_name = "mix_ours"
  tags     = { side = "keypairlabs" }
}

# The official provider reads ours.
data "tencentcloud_key_pairs" "official_by_id" {
  key_id = tencentcloud_key_pair.ours.id
}

data "tencentcloud_key_pairs" "official_by_name" {
  key_name   = "^mix_ours$"
  depends_on = [tencentcloud_key_pair.ours, tencentcloud_key_pair.theirs]
}

data "tencentcloud_key_pairs" "official_all" {
  key_name   = "^mix_"
  depends_on = [tencentcloud_key_pair.ours, tencentcloud_key_pair.theirs]
}

# This provider reads the official provider's.
data "tencentcloud_key_pair" "ours_by_id" {
  provider = kp
  key_id   = tencentcloud_key_pair.theirs.id
}

data "tencentcloud_key_pair" "ours_by_name" {
  provider   = kp
  key_name   = "mix_theirs"
  depends_on = [tencentcloud_key_pair.theirs]
}

data "tencentcloud_key_pairs" "ours_all" {
  provider   = kp
  key_name   = "^mix_"
  depends_on = [tencentcloud_key_pair.ours, tencentcloud_key_pair.theirs]
}

output "official_by_id" {
  value = data.tencentcloud_key_pairs.official_by_id.key_pair_list
}

output "official_by_name" {
  value = data.tencentcloud_key_pairs.official_by_name.key_pair_list
}

output "official_all" {
  value = data.tencentcloud_key_pairs.official_all.key_pair_list
}

output "ours_all" {
  value = data.tencentcloud_key_pairs.ours_all.key_pair_list
}
`
}

// mixed runs both providers in one configuration.
func (c *checks) mixed(ctx context.Context) {
	w := c.ws("mixed")
	var rs map[string]resource
	var outs struct {
		OfficialByID   []listed `json:"official_by_id"`
		OfficialByName []listed `json:"official_by_name"`
		OfficialAll    []listed `json:"official_all"`
		OursAll        []listed `json:"ours_all"`
	}
	var theirs, ours string
	c.r.steps(
		gate("mixed: apply, each provider managing its own key pair", func() error {
			if err := w.write(c.mixedConfig()); err != nil {
				return err
			}
			if _, err := w.apply(ctx); err != nil {
				return err
			}
			var err error
			if rs, err = w.state(ctx); err != nil {
				return err
			}
			for addr, want := range map[string]string{
				"tencentcloud_key_pair.theirs":             officialAddress,
				"tencentcloud_key_pair.ours":               ourAddress,
				"data.tencentcloud_key_pairs.official_all": officialAddress,
				"data.tencentcloud_key_pair.ours_by_id":    ourAddress,
			} {
				if got := rs[addr].ProviderName; got != want {
					return fmt.Errorf("%s is the provider %q's, want %q's", addr, got, want)
				}
			}
			theirs = str(rs["tencentcloud_key_pair.theirs"].Values, "id")
			ours = str(rs["tencentcloud_key_pair.ours"].Values, "id")
			return w.outputs(ctx, &outs)
		}),
		check("mixed: the official provider's data source reads this provider's key pair, by key_id and by name", func() error {
			for what, list := range map[string][]listed{"key_id": outs.OfficialByID, `key_name "^mix_ours$"`: outs.OfficialByName} {
				if err := wantNames(what, list, "mix_ours"); err != nil {
					return err
				}
				if l := list[0]; l.KeyID != ours || !sameKey(l.PublicKey, str(rs["tencentcloud_key_pair.ours"].Values, "public_key")) {
					return fmt.Errorf("%s lists %s with %.40s..., not this provider's key pair %s", what, l.KeyID, l.PublicKey, ours)
				}
			}
			return nil
		}),
		check("mixed: this provider's data source reads the official provider's key pair, by key_id and by name, with the tags it wrote", func() error {
			theirsValues := rs["tencentcloud_key_pair.theirs"].Values
			for _, addr := range []string{"data.tencentcloud_key_pair.ours_by_id", "data.tencentcloud_key_pair.ours_by_name"} {
				v := rs[addr].Values
				if str(v, "id") != theirs || str(v, "key_name") != "mix_theirs" || !sameKey(str(v, "public_key"), str(theirsValues, "public_key")) {
					return fmt.Errorf("%s reads %s named %q, not the official provider's key pair %s", addr, str(v, "id"), str(v, "key_name"), theirs)
				}
				if !strings.HasPrefix(str(v, "fingerprint"), "SHA256:") {
					return fmt.Errorf("%s: fingerprint %q", addr, str(v, "fingerprint"))
				}
				// Written by the official provider with the Tag API
				// (ModifyResourceTags), read by this one from
				// DescribeKeyPairs: one tag store.
				if err := wantTags(addr, tagsOf(v), map[string]string{"side": "official"}); err != nil {
					return err
				}
			}
			return nil
		}),
		check(`mixed: both providers' data sources list both key pairs by key_name "^mix_"`, func() error {
			if err := wantNames("the official provider's", outs.OfficialAll, "mix_ours", "mix_theirs"); err != nil {
				return err
			}
			return wantNames("this provider's", outs.OursAll, "mix_ours", "mix_theirs")
		}),
		check("mixed: the plan after the apply is empty", func() error { return w.planEmpty(ctx) }),
		check("mixed: destroy deletes both key pairs", func() error {
			if _, err := w.destroy(ctx); err != nil {
				return err
			}
			return c.cloud.gone(ctx, theirs, ours)
		}),
	)
}

// migrationConfig is the migration workspace before the move (moved
// false: the official provider's key pairs) or after it, as the migration
// guide writes it: two key pairs move to this provider with a moved block
// each, the third stays with the official provider.
func (c *checks) migrationConfig(moved bool) string {
	if !moved {
		return officialHeader + fmt.Sprintf(`
resource "tencentcloud_key_pair" "deploy" {
  key_name = "mig_deploy"
  tags     = { team = "platform" }
}

resource "tencentcloud_key_pair" "bob" {
  key_name   = "mig_bob"
  public_key = %q
}

resource "tencentcloud_key_pair" "stays" {
  key_name = "mig_stays"
}
`, c.fx.migrationKey)
	}
	return c.bothHeader() + fmt.Sprintf(`
# Was: resource "tencentcloud_key_pair" "deploy" of the official provider.
resource "tencentcloud_key_pair" "deploy_kp" {
  provider = kp
  key_name = "mig_deploy"
  tags     = { team = "platform" }
}

moved {
  from = tencentcloud_key_pair.deploy
  to   = tencentcloud_key_pair.deploy_kp
}

# Was: resource "tencentcloud_key_pair" "bob"; public_key keeps its
# comment, which the official provider left out of the state.
resource "tencentcloud_key_pair" "bob_kp" {
  provider   = kp
  key_name   = "mig_bob"
  public_key = %q
}

moved {
  from = tencentcloud_key_pair.bob
  to   = tencentcloud_key_pair.bob_kp
}

# Stays with the official provider.
resource "tencentcloud_key_pair" "stays" {
  key_name = "mig_stays"
}
`, c.fx.migrationKey)
}

// The registry addresses of this provider and of the official one, as
// the state names them.
const (
	ourAddress      = "registry.terraform.io/keypairlabs/tencentcloud"
	officialAddress = "registry.terraform.io/tencentcloudstack/tencentcloud"
)

// officialCreates applies config, whose key pairs the official provider
// manages, and returns the state and the ids of the key pairs names: each
// must be the official provider's, with an id, and the generated one,
// deploy, must have its private key.
func officialCreates(ctx context.Context, w *workspace, config string, names ...string) (map[string]resource, []string, error) {
	if err := w.write(config); err != nil {
		return nil, nil, err
	}
	if _, err := w.apply(ctx); err != nil {
		return nil, nil, err
	}
	state, err := w.state(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, name := range names {
		r := state["tencentcloud_key_pair."+name]
		if r.ProviderName != officialAddress || str(r.Values, "id") == "" {
			return nil, nil, fmt.Errorf("tencentcloud_key_pair.%s: provider %q, id %q", name, r.ProviderName, str(r.Values, "id"))
		}
		ids = append(ids, str(r.Values, "id"))
	}
	if str(state["tencentcloud_key_pair.deploy"].Values, "private_key") == "" {
		return nil, nil, fmt.Errorf("the official provider kept no private key of the generated key pair")
	}
	return state, ids, nil
}

// migration moves key pairs that the official provider made to this one
// with moved blocks.
func (c *checks) migration(ctx context.Context) {
	w := c.ws("migration")
	var before map[string]resource
	var ids []string
	c.r.steps(
		gate("migration: the official provider creates the key pairs (generated with tags, from public_key)", func() error {
			var err error
			before, ids, err = officialCreates(ctx, w, c.migrationConfig(false), "deploy", "bob", "stays")
			return err
		}),
		gate("migration: the plan of the moved blocks moves the key pairs and changes nothing", func() error {
			if err := w.write(c.migrationConfig(true)); err != nil {
				return err
			}
			_, out, err := w.plan(ctx)
			if err != nil {
				return err
			}
			for _, move := range []string{"tencentcloud_key_pair.deploy has moved to tencentcloud_key_pair.deploy_kp", "tencentcloud_key_pair.bob has moved to tencentcloud_key_pair.bob_kp"} {
				if !strings.Contains(out, move) {
					return fmt.Errorf("the plan does not say %q:\n%s", move, tail(out, 40))
				}
			}
			if !strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy.") {
				return fmt.Errorf("the plan changes more than the addresses:\n%s", tail(out, 40))
			}
			return nil
		}),
		gate("migration: the apply records the moves, with the ids and the private key", func() error {
			if _, err := w.apply(ctx); err != nil {
				return err
			}
			after, err := w.state(ctx)
			if err != nil {
				return err
			}
			for from, to := range map[string]string{"deploy": "deploy_kp", "bob": "bob_kp"} {
				b, a := before["tencentcloud_key_pair."+from].Values, after["tencentcloud_key_pair."+to]
				if a.ProviderName != ourAddress || str(a.Values, "id") != str(b, "id") {
					return fmt.Errorf("tencentcloud_key_pair.%s: provider %q, id %q, want %s's %s", to, a.ProviderName, str(a.Values, "id"), ourAddress, str(b, "id"))
				}
				if str(a.Values, "private_key") != str(b, "private_key") {
					return fmt.Errorf("tencentcloud_key_pair.%s: the private key did not carry over", to)
				}
			}
			if err := wantTags("tencentcloud_key_pair.deploy_kp", tagsOf(after["tencentcloud_key_pair.deploy_kp"].Values), map[string]string{"team": "platform"}); err != nil {
				return err
			}
			if r := after["tencentcloud_key_pair.stays"]; r.ProviderName != officialAddress || str(r.Values, "id") != ids[2] {
				return fmt.Errorf("tencentcloud_key_pair.stays: provider %q, id %q: it should have stayed with the official provider", r.ProviderName, str(r.Values, "id"))
			}
			return nil
		}),
		check("migration: the plan after the move is empty (public_key with its comment included)", func() error { return w.planEmpty(ctx) }),
		check("migration: destroy deletes the moved key pairs and the one that stayed", func() error {
			if _, err := w.destroy(ctx); err != nil {
				return err
			}
			return c.cloud.gone(ctx, ids...)
		}),
	)
}

// replaceConfig is the replace workspace with the official provider
// (ours false) or with this one under the same local name, as the
// migration guide's "Everything" way writes it.
func (c *checks) replaceConfig(ours bool) string {
	header := officialHeader
	if ours {
		header = fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

# The same credentials and region from the environment, and the emulator
# as the endpoint.
provider "tencentcloud" {
  endpoint = %q
}
`, c.emulatorURL)
	}
	return header + fmt.Sprintf(`
resource "tencentcloud_key_pair" "deploy" {
  key_name = "rep_deploy"
  tags     = { team = "platform" }
}

resource "tencentcloud_key_pair" "carol" {
  key_name   = "rep_carol"
  public_key = %q
}
`, c.fx.replaceKey)
}

// replace moves every key pair of the official provider to this one with
// terraform state replace-provider.
func (c *checks) replace(ctx context.Context) {
	w := c.ws("replace")
	var before map[string]resource
	var ids []string
	c.r.steps(
		gate("replace-provider: the official provider creates the key pairs", func() error {
			var err error
			before, ids, err = officialCreates(ctx, w, c.replaceConfig(false), "deploy", "carol")
			return err
		}),
		gate("replace-provider: terraform state replace-provider moves them to this provider", func() error {
			if err := w.write(c.replaceConfig(true)); err != nil {
				return err
			}
			out, err := w.mustSucceed(ctx, "state", "replace-provider", "-auto-approve", "-no-color", officialAddress, ourAddress)
			if err != nil {
				return err
			}
			if !strings.Contains(out, "Successfully replaced provider for 2 resources") {
				return fmt.Errorf("replace-provider:\n%s", tail(out, 20))
			}
			return nil
		}),
		check("replace-provider: the plan after it is empty (public_key with its comment included)", func() error { return w.planEmpty(ctx) }),
		check("replace-provider: the apply keeps the ids and the private key", func() error {
			if _, err := w.apply(ctx); err != nil {
				return err
			}
			after, err := w.state(ctx)
			if err != nil {
				return err
			}
			for _, name := range []string{"deploy", "carol"} {
				b, a := before["tencentcloud_key_pair."+name].Values, after["tencentcloud_key_pair."+name]
				if a.ProviderName != ourAddress || str(a.Values, "id") != str(b, "id") || str(a.Values, "private_key") != str(b, "private_key") {
					return fmt.Errorf("tencentcloud_key_pair.%s: provider %q, id %q (was %q), or the private key did not carry over", name, a.ProviderName, str(a.Values, "id"), str(b, "id"))
				}
			}
			return wantTags("tencentcloud_key_pair.deploy", tagsOf(after["tencentcloud_key_pair.deploy"].Values), map[string]string{"team": "platform"})
		}),
		check("replace-provider: destroy deletes the key pairs", func() error {
			if _, err := w.destroy(ctx); err != nil {
				return err
			}
			return c.cloud.gone(ctx, ids...)
		}),
	)
}
