package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultproxy"
	"github.com/keypairlabs/terraform-provider-tencentcloud/scripts/chaos/check"
)

// writeState writes a terraform.tfstate of tencentcloud_key_pair
// resources, by name.
func writeState(t *testing.T, dir string, resources map[string]map[string]any) {
	t.Helper()
	type instance struct {
		Attributes map[string]any `json:"attributes"`
	}
	var rs []map[string]any
	for name, attrs := range resources {
		rs = append(rs, map[string]any{"mode": "managed", "type": "tencentcloud_key_pair", "name": name, "instances": []instance{{attrs}}})
	}
	data, err := json.Marshal(map[string]any{"version": 4, "resources": rs})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The checks as the runner wires them: against a real emulator behind
// the proxy, the state and the files of a work directory. A clean run
// passes; a run that breaks each invariant is caught, each by its own.
func TestCheckWiring(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	emuURL, stop, err := startEmulator(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	px, err := faultproxy.New(faultproxy.Config{Target: emuURL, Kind: faultproxy.None, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := px.Start(); err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	direct, err := newCloud(emuURL)
	if err != nil {
		t.Fatal(err)
	}
	// The workspace's calls go through the proxy, as the provider's do.
	workspace, err := newCloud(px.URL())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	foreignKey, err := rsaPublicKey()
	must(err)
	outsideKey, err := rsaPublicKey()
	must(err)
	foreignGenID, foreignPrivate, err := direct.create(ctx, foreignGenName, map[string]string{"owner": "another-workspace"})
	must(err)
	foreignImpID, err := direct.importKey(ctx, foreignImpName, foreignKey, map[string]string{"owner": "another-workspace"})
	must(err)
	outsideID, err := direct.importKey(ctx, outsideName, outsideKey, nil)
	must(err)
	foreign, err := direct.waitTagged(ctx, foreignGenID, foreignImpID)
	must(err)
	pgpID, _, err := workspace.create(ctx, pgpName, nil)
	must(err)
	genID, genPrivate, err := workspace.create(ctx, "chaos_generated", nil)
	must(err)

	work := t.TempDir()
	s := &scenarioState{
		direct: direct, px: px, work: work, foreign: foreign, outsideID: outsideID,
		foreignPrivate: check.NamedKey{Name: foreignGenName, PrivateKey: foreignPrivate},
		seen:           map[check.Violation]bool{},
	}
	good := map[string]map[string]any{
		"pgp":       {"id": pgpID, "private_key": nil, "private_key_openssh": nil, "encrypted_private_key": "wcBMA"},
		"generated": {"id": genID, "private_key": genPrivate},
	}
	cleanOutputs := map[string][]byte{"1-apply.out": []byte("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.\n"),
		"1-apply.log": []byte(`[TRACE] Tencent Cloud API response: body={"PrivateKey":"<redacted>"}` + "\n")}
	writeState(t, work, good)
	vs, err := s.check(ctx, cleanOutputs)
	must(err)
	if len(vs) != 0 {
		t.Fatalf("a clean run has violations: %v", vs)
	}

	// The outside key pair, once imported, is the workspace's: dropped
	// from the state while it exists, it is an orphan.
	withOutside := map[string]map[string]any{"outside": {"id": outsideID}}
	for k, v := range good {
		withOutside[k] = v
	}
	writeState(t, work, withOutside)
	vs, err = s.check(ctx, cleanOutputs)
	must(err)
	if len(vs) != 0 {
		t.Fatalf("the imported outside key pair: %v", vs)
	}
	writeState(t, work, good)
	vs, err = s.check(ctx, cleanOutputs)
	must(err)
	expectDetails(t, vs, "a: orphan: key pair "+outsideID+" (chaos_outside)")

	// Every invariant broken at once.
	orphanID, _, err := workspace.create(ctx, "chaos_orphan", nil)
	must(err)
	var pgpPrivate string
	for _, g := range px.Generated() {
		if g.Name == pgpName {
			pgpPrivate = g.PrivateKey
		}
	}
	writeState(t, work, map[string]map[string]any{
		"outside":   {"id": outsideID},
		"pgp":       {"id": pgpID, "private_key": pgpPrivate},
		"generated": {"id": genID, "private_key": genPrivate},
		"gone":      {"id": "skey-gone0000"},
		"clash":     {"id": foreignImpID},
	})
	sigs := px.Signatures()
	if len(sigs) == 0 {
		t.Fatal("the proxy saw no signature")
	}
	vs, err = s.check(ctx, map[string][]byte{
		"2-apply.out": []byte("panic: runtime error: index out of range\n"),
		"2-apply.log": []byte("[DEBUG] key=" + secretKey + " sig=" + sigs[0] + "\n"),
	})
	must(err)
	expectDetails(t, vs,
		"a: orphan: key pair "+orphanID+" (chaos_orphan)",
		"a: lost: tencentcloud_key_pair.gone holds key pair skey-gone0000",
		"b: terraform.tfstate: tencentcloud_key_pair.pgp has pgp_key and a plaintext private_key",
		"b: terraform.tfstate holds the plaintext private key of tencentcloud_key_pair.pgp",
		"c: panic: runtime error: index out of range (2-apply.out)",
		"d: foreign key pair "+foreignImpID+" (chaos_foreign_imp) was adopted by tencentcloud_key_pair.clash",
		"e: 2-apply.log holds the secret key",
		"e: 2-apply.log holds a request signature",
	)
	counts := check.Count(vs)
	for _, inv := range check.Invariants {
		if counts[inv] == 0 {
			t.Errorf("invariant (%s) broken and not reported", inv)
		}
	}
}

// expectDetails fails unless every wanted "invariant: piece of detail" is
// among vs, and vs holds nothing else.
func expectDetails(t *testing.T, vs []check.Violation, want ...string) {
	t.Helper()
	matched := make([]bool, len(vs))
	for _, w := range want {
		inv, piece, _ := strings.Cut(w, ": ")
		found := false
		for i, v := range vs {
			if !matched[i] && string(v.Invariant) == inv && strings.Contains(v.Detail, piece) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing violation (%s) %q in %v", inv, piece, vs)
		}
	}
	for i, v := range vs {
		if !matched[i] {
			t.Errorf("unexpected violation %v", v)
		}
	}
}
