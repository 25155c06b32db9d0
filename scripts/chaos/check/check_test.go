package check

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"golang.org/x/crypto/ssh"
)

// testKey is a generated key pair in the forms the checks meet.
type testKey struct {
	named   NamedKey
	openSSH string // the private key as ssh-keygen writes it
}

func newTestKey(t *testing.T, name string) testKey {
	t.Helper()
	pub, priv, err := acctest.RandSSHKeyPair("")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.ParseRawPrivateKey([]byte(priv))
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(k, "")
	if err != nil {
		t.Fatal(err)
	}
	return testKey{
		named:   NamedKey{Name: name, PublicKey: strings.TrimSpace(pub), PrivateKey: priv},
		openSSH: string(pem.EncodeToMemory(block)),
	}
}

// stateFile writes a state of version 4 with one instance per resource
// name, as terraform does: values JSON-encoded, line breaks escaped.
func stateFile(t *testing.T, resources map[string]map[string]any) []byte {
	t.Helper()
	type instance struct {
		Attributes map[string]any `json:"attributes"`
	}
	type resource struct {
		Mode      string     `json:"mode"`
		Type      string     `json:"type"`
		Name      string     `json:"name"`
		Instances []instance `json:"instances"`
	}
	st := struct {
		Version   int        `json:"version"`
		Resources []resource `json:"resources"`
	}{Version: 4}
	for _, name := range slices.Sorted(maps.Keys(resources)) {
		attrs := resources[name]
		st.Resources = append(st.Resources, resource{Mode: "managed", Type: "tencentcloud_key_pair", Name: name, Instances: []instance{{attrs}}})
	}
	st.Resources = append(st.Resources, resource{Mode: "data", Type: "tencentcloud_key_pair", Name: "read", Instances: []instance{{map[string]any{"id": "skey-data"}}}})
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parse(t *testing.T, data []byte) []Resource {
	t.Helper()
	rs, err := ParseState(data)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// expect fails unless vs holds exactly the violations of want, by
// invariant and a piece of the detail.
func expect(t *testing.T, vs []Violation, want ...string) {
	t.Helper()
	if len(vs) != len(want) {
		t.Fatalf("got %d violations %v, want %d: %v", len(vs), vs, len(want), want)
	}
	for i, w := range want {
		inv, piece, _ := strings.Cut(w, ": ")
		if string(vs[i].Invariant) != inv || !strings.Contains(vs[i].Detail, piece) {
			t.Errorf("violation %d is %v, want (%s) with %q", i, vs[i], inv, piece)
		}
	}
}

func TestParseState(t *testing.T) {
	rs := parse(t, stateFile(t, map[string]map[string]any{"a": {"id": "skey-1"}}))
	if len(rs) != 1 || rs[0].Address != "tencentcloud_key_pair.a" || rs[0].ID() != "skey-1" {
		t.Errorf("got %+v: want the managed resource only", rs)
	}
	if rs := parse(t, nil); rs != nil {
		t.Errorf("no state file: %v", rs)
	}
	if _, err := ParseState([]byte("{")); err == nil {
		t.Errorf("a broken state parses")
	}
	indexed := parse(t, []byte(`{"resources":[{"mode":"managed","type":"tencentcloud_key_pair","name":"n","instances":[{"index_key":0,"attributes":{"id":"skey-2"}}]}]}`))
	if len(indexed) != 1 || indexed[0].Address != "tencentcloud_key_pair.n[0]" {
		t.Errorf("count instance: %+v", indexed)
	}
}

func TestCheckAccounting(t *testing.T) {
	cloud := []KeyPair{{ID: "skey-1", Name: "one"}, {ID: "skey-2", Name: "two"}, {ID: "skey-f", Name: "foreign"}}
	state := parse(t, stateFile(t, map[string]map[string]any{"one": {"id": "skey-1"}, "two": {"id": "skey-2"}}))
	unmanaged := map[string]bool{"skey-f": true}
	expect(t, CheckAccounting(cloud, state, unmanaged))

	// A key pair the emulator has and no state holds.
	expect(t, CheckAccounting(cloud, state[:1], unmanaged), "a: orphan: key pair skey-2 (two)")
	// One the state holds that the emulator does not have.
	expect(t, CheckAccounting(cloud[1:], state, unmanaged), "a: lost: tencentcloud_key_pair.one holds key pair skey-1")
	// The foreign key pair without its exemption is an orphan.
	expect(t, CheckAccounting(cloud, state, nil), "a: orphan: key pair skey-f")
	// Twice in the state; without an id.
	twice := append(state, Resource{Address: "tencentcloud_key_pair.again", Attributes: map[string]any{"id": "skey-1"}})
	expect(t, CheckAccounting(cloud, twice, unmanaged), "a: key pair skey-1 is in the state 2 times")
	noID := append(state, Resource{Address: "tencentcloud_key_pair.x", Attributes: map[string]any{"id": nil}})
	expect(t, CheckAccounting(cloud, noID, unmanaged), "a: tencentcloud_key_pair.x is in the state without an id")
	// After a destroy: nothing left but the foreign key pair.
	expect(t, CheckAccounting(cloud[2:], nil, unmanaged))
}

func TestCheckForeign(t *testing.T) {
	foreign := []KeyPair{{ID: "skey-f", Name: "foreign", PublicKey: "ssh-rsa AAAA", Tags: map[string]string{"owner": "them"}}}
	cloud := []KeyPair{{ID: "skey-1", Name: "one"}, {ID: "skey-f", Name: "foreign", PublicKey: "ssh-rsa AAAA", Tags: map[string]string{"owner": "them"}}}
	state := parse(t, stateFile(t, map[string]map[string]any{"one": {"id": "skey-1"}}))
	expect(t, CheckForeign(foreign, cloud, state))

	expect(t, CheckForeign(foreign, cloud[:1], state), "d: foreign key pair skey-f (foreign) was deleted")
	changed := []KeyPair{cloud[0], {ID: "skey-f", Name: "foreign", PublicKey: "ssh-rsa AAAA", Tags: map[string]string{"owner": "us"}}}
	expect(t, CheckForeign(foreign, changed, state), "d: foreign key pair skey-f (foreign) was changed: tags")
	renamed := []KeyPair{cloud[0], {ID: "skey-f", Name: "mine", PublicKey: "ssh-rsa AAAA", Tags: map[string]string{"owner": "them"}}}
	expect(t, CheckForeign(foreign, renamed, state), `d: name "foreign" -> "mine"`)
	adopted := parse(t, stateFile(t, map[string]map[string]any{"one": {"id": "skey-1"}, "clash": {"id": "skey-f"}}))
	expect(t, CheckForeign(foreign, cloud, adopted), "d: foreign key pair skey-f (foreign) was adopted by tencentcloud_key_pair.clash")
}

func TestCheckCrash(t *testing.T) {
	clean := map[string][]byte{
		"1-apply.out": []byte("tencentcloud_key_pair.a: Creating...\nError: creating key pair: RequestLimitExceeded\n"),
		"1-apply.log": []byte("2026-01-01T00:00:00.000Z [TRACE] provider.stdio: waiting for stdio data\n"),
	}
	expect(t, CheckCrash(clean))
	for _, line := range []string{"Error: The terraform-provider-tencentcloud plugin crashed!", "Error: Plugin did not respond"} {
		outputs := map[string][]byte{"1-apply.out": []byte("some output\n" + line + "\nmore\n"), "1-apply.log": clean["1-apply.log"]}
		expect(t, CheckCrash(outputs), "c: "+strings.TrimPrefix(line, "Error: ")+" (1-apply.out)")
	}
	// A panic, in the output and the log: one violation, with where it
	// happened.
	trace := "panic: runtime error: invalid memory address or nil pointer dereference\n" +
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0xd14969]\n\ngoroutine 65 [running]:\n" +
		"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client.(*Client).describe.func1({0x11cc680, 0x25b4eb35dce0})\n" +
		"\t/src/internal/client/keypairs.go:357 +0x549\n" +
		"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client.(*Client).do.func2({0x11cc680, 0x25b4eb35dc00}, 0x0)\n" +
		"\t/src/internal/client/retry.go:221 +0x209\n\nError: The terraform-provider-tencentcloud plugin crashed!\n"
	outputs := map[string][]byte{
		"1-apply.out": []byte("tencentcloud_key_pair.a: Creating...\n" + trace),
		"1-apply.log": []byte("2026-01-01T00:00:00.000Z [DEBUG] provider.terraform-provider-tencentcloud: panic: runtime error: invalid memory address\n"),
	}
	expect(t, CheckCrash(outputs),
		"c: panic: runtime error: invalid memory address or nil pointer dereference at internal/client/keypairs.go:357 (client.(*Client).describe.func1) (1-apply.log, 1-apply.out)")
}

func TestCheckPGP(t *testing.T) {
	pgp, other := newTestKey(t, "chaos_pgp"), newTestKey(t, "chaos_gen")
	pgpKeys := []NamedKey{pgp.named}
	const addr = "tencentcloud_key_pair.pgp"
	// A clean state: the pgp resource holds only its encrypted key, the
	// other one its private key, as it should.
	cleanState := stateFile(t, map[string]map[string]any{
		"pgp": {"id": "skey-1", "private_key": nil, "private_key_openssh": nil, "encrypted_private_key": "wcBMA0xyz"},
		"gen": {"id": "skey-2", "private_key": other.named.PrivateKey, "private_key_openssh": other.openSSH},
	})
	state := map[string][]Resource{"terraform.tfstate": parse(t, cleanState)}
	files := map[string][]byte{"terraform.tfstate": cleanState, "apply.log": []byte("[TRACE] private_key: <redacted>\n")}
	expect(t, CheckPGP(addr, pgpKeys, state, files))

	// The pgp resource with a plaintext private key in its attributes.
	leaky := stateFile(t, map[string]map[string]any{"pgp": {"id": "skey-1", "private_key": pgp.named.PrivateKey, "private_key_openssh": nil}})
	expect(t, CheckPGP(addr, pgpKeys, map[string][]Resource{"terraform.tfstate.backup": parse(t, leaky)}, map[string][]byte{"terraform.tfstate.backup": leaky}),
		"b: terraform.tfstate.backup: tencentcloud_key_pair.pgp has pgp_key and a plaintext private_key",
		"b: terraform.tfstate.backup holds the plaintext private key of tencentcloud_key_pair.pgp (key pair chaos_pgp")
	// The key in OpenSSH form, in a log, quoted with escaped line breaks.
	quoted, _ := json.Marshal(pgp.openSSH)
	expect(t, CheckPGP(addr, pgpKeys, nil, map[string][]byte{"apply.log": []byte("[DEBUG] value=" + string(quoted) + "\n")}),
		"b: apply.log holds the plaintext private key of tencentcloud_key_pair.pgp")
	// A piece of it, in a plan file.
	body := strings.Join(strings.Split(pgp.named.PrivateKey, "\n")[3:5], "")
	expect(t, CheckPGP(addr, pgpKeys, nil, map[string][]byte{"tfplan": []byte("binary\x00" + body + "\x00")}),
		"b: tfplan holds a piece of the plaintext private key of tencentcloud_key_pair.pgp")
	// In a plan file, whose members are compressed.
	var plan bytes.Buffer
	zw := zip.NewWriter(&plan)
	member, _ := zw.Create("tfstate")
	_, _ = member.Write(leaky)
	_ = zw.Close()
	if strings.Contains(plan.String(), "PRIVATE KEY") {
		t.Fatal("the plan file is not compressed: the test proves nothing")
	}
	expect(t, CheckPGP(addr, pgpKeys, nil, PlanFile("2.tfplan", plan.Bytes())),
		"b: 2.tfplan/tfstate holds the plaintext private key of tencentcloud_key_pair.pgp")
	// Without keys of its own, only the attributes count.
	expect(t, CheckPGP(addr, nil, state, files))
}

func TestCheckSecrets(t *testing.T) {
	key, foreign := newTestKey(t, "chaos_gen"), newTestKey(t, "chaos_foreign")
	const sig = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	secrets := Secrets{SecretKey: "sk-chaos-NEVER-LOGGED", PrivateKeys: []NamedKey{key.named, foreign.named}, Signatures: []string{sig}}
	clean := map[string][]byte{
		"apply.out": []byte("tencentcloud_key_pair.a: Creation complete after 1s [id=skey-1]\n"),
		"apply.log": []byte(`[TRACE] Tencent Cloud API request: headers={"Authorization":"<redacted>"} body={"PrivateKey":"<redacted>"}` + "\n" +
			// Another key's DER header, which every key of its size shares.
			"[DEBUG] " + strings.Split(newTestKey(t, "x").named.PrivateKey, "\n")[1][:40] + "\n"),
	}
	expect(t, CheckSecrets(clean, secrets))
	// The key pairs' public keys are no secret: the private keys hold
	// their moduli, which a 1024-bit key's PEM encodes at the same
	// alignment as its public key line.
	public := map[string][]byte{"apply.log": []byte("[TRACE] body={\"PublicKey\":\"" + key.named.PublicKey + "\"}\n" + foreign.named.PublicKey + "\n")}
	expect(t, CheckSecrets(public, secrets))

	cases := map[string]string{
		"the secret key":    "[DEBUG] secret_key=sk-chaos-NEVER-LOGGED\n",
		"a private key hea": "[DEBUG] -----BEGIN OPENSSH PRIVATE KEY-----\n",
		"a piece of the pr": "[DEBUG] body=" + strings.Split(foreign.named.PrivateKey, "\n")[6] + "\n",
		"a request signatu": "[DEBUG] Authorization: TC3-HMAC-SHA256 Credential=AKID/x, Signature=" + sig + "\n",
	}
	for what, line := range cases {
		outputs := map[string][]byte{"apply.out": clean["apply.out"], "apply.log": []byte(string(clean["apply.log"]) + line)}
		expect(t, CheckSecrets(outputs, secrets), "e: apply.log holds "+what)
	}
	// Upper-case signature, in stdout.
	expect(t, CheckSecrets(map[string][]byte{"apply.out": []byte(strings.ToUpper(sig))}, secrets), "e: apply.out holds a request signature")
	// A whole PEM key is reported as a header and as the key's piece.
	expect(t, CheckSecrets(map[string][]byte{"apply.out": []byte(key.named.PrivateKey)}, secrets),
		"e: apply.out holds a private key header", "e: apply.out holds a piece of the private key of key pair chaos_gen")
}

func TestCount(t *testing.T) {
	vs := []Violation{{Secret, "z"}, {Accounting, "b"}, {Accounting, "a"}}
	Sort(vs)
	if fmt.Sprint(vs) != "[{a a} {a b} {e z}]" {
		t.Errorf("sorted %v", vs)
	}
	if c := Count(vs); c[Accounting] != 2 || c[Secret] != 1 || c[PGP] != 0 {
		t.Errorf("count %v", c)
	}
}
