package sshkey

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func newKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
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
	key, pub := newKey(t)
	_, other := newKey(t)
	privatePEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
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
