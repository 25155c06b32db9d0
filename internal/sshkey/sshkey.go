// Package sshkey compares OpenSSH public keys and computes their
// fingerprints, for the provider (the plan's public-key comparison, the
// key_fingerprint attribute); CheckPrivateKey, which checks a private key
// against its public key, serves the tests of the provider and the client.
// The emulator keeps its own parsing, so that tests compare two
// independent readings of the API's rules.
package sshkey

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Same reports whether two OpenSSH public key lines hold the same key,
// whatever their comments and spacing. Lines that do not parse are
// compared as they are, trimmed.
func Same(a, b string) bool {
	ka, _, _, _, errA := ssh.ParseAuthorizedKey([]byte(a))
	kb, _, _, _, errB := ssh.ParseAuthorizedKey([]byte(b))
	if errA != nil || errB != nil {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	return bytes.Equal(ka.Marshal(), kb.Marshal())
}

// Fingerprint returns the OpenSSH SHA256 fingerprint (SHA256:...) of a
// public key line, or "" when it does not parse.
func Fingerprint(publicKey string) string {
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(publicKey))
	if err != nil {
		return ""
	}
	return ssh.FingerprintSHA256(k)
}

// CheckPrivateKey reports an error unless privatePEM is a PKCS#1 RSA
// private key whose public half is publicKey.
func CheckPrivateKey(privatePEM, publicKey string) error {
	block, _ := pem.Decode([]byte(privatePEM))
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		return errors.New("not a PEM RSA PRIVATE KEY block")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return err
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if !Same(string(ssh.MarshalAuthorizedKey(pub)), publicKey) {
		return errors.New("the private key does not belong to the public key")
	}
	return nil
}
