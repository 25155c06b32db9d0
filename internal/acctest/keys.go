package acctest

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// PublicKey returns a fresh OpenSSH RSA public key, without comment, from
// terraform-plugin-testing's acctest.RandSSHKeyPair.
func PublicKey(t *testing.T) string {
	t.Helper()
	pub, _, err := acctest.RandSSHKeyPair("")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(pub)
}

// Fingerprint is the SHA256 fingerprint of a public key line, as the
// provider computes it; the test fails if the line does not parse.
func Fingerprint(t *testing.T, line string) string {
	t.Helper()
	fp := sshkey.Fingerprint(line)
	if fp == "" {
		t.Fatalf("%q does not parse", line)
	}
	return fp
}
