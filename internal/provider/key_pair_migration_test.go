package provider

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// Key pairs managed by the official provider move to this one with
// `terraform state replace-provider` and then a plan without changes: the
// state upgrader reads the official layout (schema version 0). A state of
// this provider's own version 0 layout is upgraded in the same run, and
// one of version 1 from before key_name_prefix and private_key_openssh
// is read as it is; the generated key pairs gain a private_key_openssh.
//
// STAND-IN: this test does not run the official provider. The key pairs
// are made through this provider's client, and the official provider's
// state is written by hand in the layout it writes (schema version 0, as
// SDKv2 stores it). make check-official moves key pairs that a real build
// of the official provider made and stored.
func TestAccKeyPair_migrationFromOfficialProvider(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	ctx := context.Background()
	generated, err := env.Client().CreateKeyPair(ctx, "legacy_generated", 0, map[string]string{"team": "platform"})
	if err != nil {
		t.Fatal(err)
	}
	// With a comment, which the official provider drops from the state.
	bareKey := acctest.PublicKey(t)
	userKey := bareKey + " alice@laptop"
	imported, err := env.Client().ImportKeyPair(ctx, "legacy_imported", 0, userKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	own, err := env.Client().CreateKeyPair(ctx, "own_v0", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	recent, err := env.Client().CreateKeyPair(ctx, "recent_v1", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The answer to CreateKeyPair may hold only the keys, and new key
	// pairs and their tags may take a moment to show: take them as
	// DescribeKeyPairs shows them, with the private keys of the answers.
	for _, made := range []struct {
		kp   **client.KeyPair
		tags map[string]string
	}{{&generated, map[string]string{"team": "platform"}}, {&own, nil}, {&recent, nil}} {
		shown, err := env.Client().WaitForKeyPair(ctx, (*made.kp).ID, client.HasTags(made.tags))
		if err != nil {
			t.Fatal(err)
		}
		shown.PrivateKey = (*made.kp).PrivateKey
		*made.kp = shown
	}

	tf := acctest.NewCLI(t, acctest.OurAddress)
	config := func(publicKey string) string {
		return acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.OurProvider) + fmt.Sprintf(`
resource "tencentcloud_key_pair" "generated" {
  key_name = "legacy_generated"
  tags     = { team = "platform" }
}

resource "tencentcloud_key_pair" "imported" {
  key_name   = "legacy_imported"
  public_key = %q
}

resource "tencentcloud_key_pair" "own" {
  key_name    = "own_v0"
  description = "kept"
  force_stop  = true
}

resource "tencentcloud_key_pair" "recent" {
  key_name = "recent_v1"
}
`, publicKey)
	}
	tf.Write("main.tf", config(bareKey))
	if err := env.Client().ModifyKeyPair(ctx, own.ID, nil, ptrTo("kept")); err != nil {
		t.Fatal(err)
	}

	state := map[string]any{
		"version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "3f1c2b8e-6a52-4d2b-9d43-5c1e7f0a9b21",
		"outputs": map[string]any{}, "check_results": nil,
		"resources": []any{
			// The official provider's layout, as SDKv2 writes it.
			stateInstance("generated", acctest.OfficialAddress, map[string]any{
				"id": generated.ID, "key_name": "legacy_generated", "public_key": firstTwoFields(generated.PublicKey),
				"project_id": 0, "tags": map[string]string{"team": "platform"}, "private_key": generated.PrivateKey,
				"created_time": generated.CreatedTime, "force_stop": false,
			}),
			stateInstance("imported", acctest.OfficialAddress, map[string]any{
				"id": imported.ID, "key_name": "legacy_imported", "public_key": firstTwoFields(userKey),
				"project_id": 0, "tags": map[string]string{}, "private_key": "",
				"created_time": imported.CreatedTime, "force_stop": false,
			}),
			// This provider's own layout before version 1.
			stateInstance("own", acctest.OurAddress, map[string]any{
				"id": own.ID, "key_name": "own_v0", "project_id": 0, "description": "kept", "public_key": own.PublicKey,
				"private_key": own.PrivateKey, "fingerprint": nil, "tags": nil, "created_time": own.CreatedTime,
				"associated_instance_ids": []string{}, "force_stop": true, "timeouts": nil,
			}),
			// This provider's layout of version 1, before key_name_prefix and
			// private_key_openssh.
			stateInstanceAt("recent", acctest.OurAddress, 1, map[string]any{
				"id": recent.ID, "key_name": "recent_v1", "project_id": 0, "description": nil, "public_key": recent.PublicKey,
				"private_key": recent.PrivateKey, "fingerprint": sshkey.Fingerprint(recent.PublicKey), "tags": nil, "tags_all": map[string]string{},
				"created_time": recent.CreatedTime, "region": acctest.Region, "associated_instance_ids": []string{}, "force_stop": false,
				"pgp_key": nil, "encrypted_private_key": nil, "key_fingerprint": nil, "timeouts": nil,
			}),
		},
	}
	b, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	tf.Write("terraform.tfstate", string(b))

	_, _, out := tf.Run([]int{0}, "state", "replace-provider", "-auto-approve", acctest.OfficialAddress, acctest.OurAddress)
	if !strings.Contains(out, "Successfully replaced provider for 2 resources") {
		t.Fatalf("replace-provider:\n%s", out)
	}
	if code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after replace-provider is not empty:\n%s", out)
	}
	// An apply writes the upgraded state; then nothing changes either.
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	if code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after the apply is not empty:\n%s", out)
	}

	rs := tf.Resources()
	for _, addr := range []string{"tencentcloud_key_pair.generated", "tencentcloud_key_pair.imported", "tencentcloud_key_pair.own", "tencentcloud_key_pair.recent"} {
		r := rs[addr]
		if r.ProviderName != acctest.OurAddress || r.SchemaVersion != 1 {
			t.Errorf("%s: provider %q, schema version %d", addr, r.ProviderName, r.SchemaVersion)
		}
		if fp, _ := r.Values["fingerprint"].(string); !strings.HasPrefix(fp, "SHA256:") {
			t.Errorf("%s: fingerprint %v", addr, r.Values["fingerprint"])
		}
	}
	g := rs["tencentcloud_key_pair.generated"].Values
	if g["private_key"] != generated.PrivateKey || g["id"] != generated.ID {
		t.Errorf("generated: the private key or id did not carry over: id %v", g["id"])
	}
	if tags, _ := g["tags_all"].(map[string]any); tags["team"] != "platform" {
		t.Errorf("generated: tags_all %v", g["tags_all"])
	}
	if i := rs["tencentcloud_key_pair.imported"].Values; i["private_key"] != nil || i["tags"] != nil {
		t.Errorf("imported: private_key %v, tags %v", i["private_key"], i["tags"])
	}
	if o := rs["tencentcloud_key_pair.own"].Values; o["description"] != "kept" || o["force_stop"] != true || o["private_key"] != own.PrivateKey {
		t.Errorf("own: description %v, force_stop %v", o["description"], o["force_stop"])
	}
	if r := rs["tencentcloud_key_pair.recent"].Values; r["id"] != recent.ID || r["private_key"] != recent.PrivateKey || r["key_name_prefix"] != nil {
		t.Errorf("recent: id %v, key_name_prefix %v, or the private key did not carry over", r["id"], r["key_name_prefix"])
	}
	for _, name := range []string{"generated", "own", "recent"} {
		v := rs["tencentcloud_key_pair."+name].Values
		openssh, _ := v["private_key_openssh"].(string)
		key, err := ssh.ParseRawPrivateKey([]byte(openssh))
		if err != nil {
			t.Errorf("%s: private_key_openssh: %v", name, err)
			continue
		}
		rsaKey, _ := key.(*rsa.PrivateKey)
		if pemKey, err := ssh.ParseRawPrivateKey([]byte(fmt.Sprint(v["private_key"]))); err != nil || rsaKey == nil || !rsaKey.Equal(pemKey) {
			t.Errorf("%s: private_key_openssh is not the key of private_key (%v)", name, err)
		}
	}

	// A comment in public_key, which the state from the official provider
	// lacks, is no change: the key is the same.
	tf.Write("main.tf", config(userKey))
	if code, _, out := tf.Run([]int{0, 2}, "plan", "-no-color", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("a comment in public_key planned a change:\n%s", out)
	}

	s, err := env.Control().Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"CreateKeyPair", "ImportKeyPair", "DeleteKeyPairs", "ModifyResourceTags", "ModifyKeyPairAttribute"} {
		want := map[string]int{"CreateKeyPair": 3, "ImportKeyPair": 1, "ModifyKeyPairAttribute": 1}[action]
		if s.Calls[action] != want {
			t.Errorf("%d %s calls, want %d (only the test's own)", s.Calls[action], action, want)
		}
	}
}
