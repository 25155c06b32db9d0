package sshkey

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
)

// newKey returns a fresh RSA key pair: its private key in PEM and its
// public key without comment.
func newKey(t *testing.T) (privatePEM, public string) {
	t.Helper()
	pub, priv, err := acctest.RandSSHKeyPair("")
	if err != nil {
		t.Fatal(err)
	}
	return priv, strings.TrimSpace(pub)
}

func TestSame(t *testing.T) {
	_, a := newKey(t)
	_, b := newKey(t)
	if !Same(a+" alice", "  "+a+"   bob\n") {
		t.Error("the same key with other comments and spacing is not the same")
	}
	if Same(a, b) {
		t.Error("two keys are the same")
	}
	if !Same("garbage ", " garbage") || Same("garbage", "other") {
		t.Error("unparsable lines are not compared as trimmed text")
	}
}

func TestFingerprint(t *testing.T) {
	_, a := newKey(t)
	if fp := Fingerprint(a + " comment"); !strings.HasPrefix(fp, "SHA256:") || fp != Fingerprint(a) {
		t.Errorf("fingerprint %q", fp)
	}
	if Fingerprint("not a key") != "" {
		t.Error("a fingerprint of garbage")
	}
}

func TestCheckPrivateKey(t *testing.T) {
	privatePEM, pub := newKey(t)
	_, other := newKey(t)
	if err := CheckPrivateKey(privatePEM, pub); err != nil {
		t.Error(err)
	}
	if err := CheckPrivateKey(privatePEM, other); err == nil {
		t.Error("a private key belongs to another public key")
	}
	if err := CheckPrivateKey("-----BEGIN NOTHING-----", pub); err == nil {
		t.Error("garbage is a private key")
	}
}
