package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Partial migration with a moved block: a key pair of the official
// provider moves to this one, private key included, while the official
// provider stays in the configuration.
//
// STAND-IN: this test does not run the official provider. It cannot be
// installed offline, so this binary stands in for it under its address
// (through dev_overrides) and creates the key pair, and the state is then
// rewritten by hand into the layout the official provider writes (schema
// version 0), as TestAccKeyPair_migrationFromOfficialProvider prepares
// it. What it tests is Terraform's move and this provider's MoveState of
// that layout; make check-official moves key pairs that a real build of
// the official provider made.
func TestAccKeyPair_moveFromOfficialProvider(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress, acctest.OfficialAddress)
	plan := func() (int, string) {
		code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false")
		return code, out
	}

	// The official provider's configuration, as its docs write it.
	tf.Write("main.tf", acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.Provider{Name: "tencentcloud", Source: acctest.OfficialSource})+`
resource "tencentcloud_key_pair" "old" {
  key_name = "moved_kp"
  tags     = { team = "platform" }
}
`)
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	before := tf.Resources()["tencentcloud_key_pair.old"]
	if before.ProviderName != acctest.OfficialAddress {
		t.Fatalf("the key pair is managed by %q, want %q", before.ProviderName, acctest.OfficialAddress)
	}
	id, _ := before.Values["id"].(string)
	privateKey, _ := before.Values["private_key"].(string)
	publicKey, _ := before.Values["public_key"].(string)
	if id == "" || !strings.Contains(privateKey, "PRIVATE KEY") {
		t.Fatalf("the stand-in made no generated key pair: id %q", id)
	}
	toOfficialLayout(t, filepath.Join(tf.Dir, "terraform.tfstate"), "old", map[string]any{
		"id": id, "key_name": "moved_kp", "public_key": firstTwoFields(publicKey), "project_id": 0,
		"tags": map[string]string{"team": "platform"}, "private_key": privateKey,
		"created_time": before.Values["created_time"], "force_stop": false,
	})

	// The official provider stays; the key pair moves to this one, under
	// the local name kp.
	tf.Write("main.tf", acctest.ProviderBlocks(env.Endpoint, acctest.Region,
		acctest.Provider{Name: "tencentcloud", Source: acctest.OfficialSource}, acctest.Provider{Name: "kp", Source: acctest.OurSource})+`
resource "tencentcloud_key_pair" "new" {
  provider = kp
  key_name = "moved_kp"
  tags     = { team = "platform" }
}

moved {
  from = tencentcloud_key_pair.old
  to   = tencentcloud_key_pair.new
}

output "private_key" {
  value     = tencentcloud_key_pair.new.private_key
  sensitive = true
}
`)
	_, out := plan()
	if !strings.Contains(out, "tencentcloud_key_pair.old has moved to tencentcloud_key_pair.new") ||
		!strings.Contains(out, "0 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the plan of the move:\n%s", out)
	}
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	if code, out := plan(); code != 0 {
		t.Fatalf("the plan after the move is not empty:\n%s", out)
	}

	rs := tf.Resources()
	if _, ok := rs["tencentcloud_key_pair.old"]; ok {
		t.Error("tencentcloud_key_pair.old is still in the state")
	}
	moved := rs["tencentcloud_key_pair.new"]
	if moved.ProviderName != acctest.OurAddress || moved.SchemaVersion != 1 {
		t.Errorf("the moved key pair: provider %q, schema version %d", moved.ProviderName, moved.SchemaVersion)
	}
	v := moved.Values
	if v["id"] != id || v["private_key"] != privateKey {
		t.Errorf("the id or the private key did not carry over: id %v", v["id"])
	}
	if fp, _ := v["fingerprint"].(string); !strings.HasPrefix(fp, "SHA256:") {
		t.Errorf("fingerprint %v", v["fingerprint"])
	}
	if tags, _ := v["tags_all"].(map[string]any); tags["team"] != "platform" || v["region"] != acctest.Region {
		t.Errorf("tags_all %v, region %v", v["tags_all"], v["region"])
	}
	_, stdout, _ := tf.Run([]int{0}, "output", "-raw", "private_key")
	if stdout != privateKey {
		t.Error("the private_key output is not the key pair's private key")
	}

	s, err := env.Control().Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string]int{"CreateKeyPair": 1, "ImportKeyPair": 0, "DeleteKeyPairs": 0, "ModifyKeyPairAttribute": 0, "ModifyResourceTags": 0} {
		if s.Calls[action] != want {
			t.Errorf("%d %s calls, want %d", s.Calls[action], action, want)
		}
	}
}

// toOfficialLayout rewrites the one instance of a tencentcloud_key_pair in
// a state file into the official provider's layout: schema version 0 and
// its attributes.
func toOfficialLayout(t *testing.T, file, name string, attributes map[string]any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatal(err)
	}
	resources, _ := state["resources"].([]any)
	found := false
	for i, r := range resources {
		if m, _ := r.(map[string]any); m["type"] == "tencentcloud_key_pair" && m["name"] == name {
			resources[i] = stateInstance(name, acctest.OfficialAddress, attributes)
			found = true
		}
	}
	if !found {
		t.Fatalf("no tencentcloud_key_pair.%s in the state", name)
	}
	serial, _ := state["serial"].(float64)
	state["serial"] = serial + 1
	if b, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Only the official provider's tencentcloud_key_pair moves, whatever the
// host of its address, and only at the schema version whose layout is
// known; other sources are left to the framework's "not supported".
func TestKeyPair_moveStateFromOfficialProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := keyPairSchemaV1(ctx)
	raw := []byte(`{"id":"skey-00000001","key_name":"moved","public_key":"","project_id":0,"tags":{},"private_key":"","created_time":"","force_stop":false}`)
	move := func(address, typeName string, version int64) *resource.MoveStateResponse {
		resp := &resource.MoveStateResponse{TargetState: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}}
		moveOfficialKeyPairState(ctx, resource.MoveStateRequest{
			SourceProviderAddress: address, SourceTypeName: typeName, SourceSchemaVersion: version,
			SourceRawState: &tfprotov6.RawState{JSON: raw},
		}, resp)
		return resp
	}
	for _, address := range []string{acctest.OfficialAddress, "mirror.example.com/tencentcloudstack/tencentcloud"} {
		resp := move(address, "tencentcloud_key_pair", 0)
		var m keyPairResourceModel
		resp.Diagnostics.Append(resp.TargetState.Get(ctx, &m)...)
		if resp.Diagnostics.HasError() || m.ID.ValueString() != "skey-00000001" || m.KeyName.ValueString() != "moved" {
			t.Errorf("%s: %v, id %s", address, resp.Diagnostics, m.ID)
		}
	}
	for _, c := range []struct{ address, typeName string }{
		{"registry.terraform.io/hashicorp/random", "tencentcloud_key_pair"},
		{acctest.OfficialAddress, "tencentcloud_instance"},
		{"registry.terraform.io/someone/tencentcloudstack", "tencentcloud_key_pair"},
	} {
		if resp := move(c.address, c.typeName, 0); resp.Diagnostics.HasError() || !resp.TargetState.Raw.IsNull() {
			t.Errorf("%s %s: moved (%v), want it left alone", c.address, c.typeName, resp.Diagnostics)
		}
	}
	if resp := move(acctest.OfficialAddress, "tencentcloud_key_pair", 1); !resp.Diagnostics.HasError() ||
		!strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "schema version 1") {
		t.Errorf("schema version 1: %v, want an error naming it", resp.Diagnostics)
	}
}
