package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/crypto/ssh"
)

// The key names of the run. Names are fixed, not made from a prefix, so
// that the calls about them, and so the hostile answers, replay under a
// seed.
const (
	pgpName         = "chaos_pgp"
	foreignGenName  = "chaos_foreign_gen"
	foreignImpName  = "chaos_foreign_imp"
	outsideName     = "chaos_outside"
	pgpAddress      = "tencentcloud_key_pair.pgp"
	resourceTimeout = "45s"
)

// fixtures are the keys that every scenario shares: made once, as RSA
// keys take a while to generate on a busy machine. Only their public
// halves ever reach the provider.
type fixtures struct {
	pgpKey      string // base64 public PGP key, as pgp_key takes it
	importedKey string // public_key of tencentcloud_key_pair.imported
	foreignKey  string // the foreign imported key pair's key, which the clash resource imports too
	outsideKey  string // the key pair made outside, which the import run imports by id
}

func newFixtures() (*fixtures, error) {
	entity, err := openpgp.NewEntity("make chaos", "", "chaos@example.com", nil)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := entity.Serialize(&buf); err != nil {
		return nil, err
	}
	f := &fixtures{pgpKey: base64.StdEncoding.EncodeToString(buf.Bytes())}
	for _, k := range []*string{&f.importedKey, &f.foreignKey, &f.outsideKey} {
		if *k, err = rsaPublicKey(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// rsaPublicKey makes an RSA key pair, the only type the API imports, and
// returns its OpenSSH public key.
func rsaPublicKey() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), nil
}

// configs are the configurations of one scenario.
type configs struct {
	f         *fixtures
	seed      uint64
	outsideID string
}

const header = `terraform {
  required_providers {
    tencentcloud = { source = "keypairlabs/tencentcloud" }
  }
}

# Endpoint, credentials and region come from the environment.
provider "tencentcloud" {}
`

// timeouts bound each operation, so that a provider that waits on a
// hostile answer gives up well before the runner kills terraform, and the
// whole run stays within minutes: 45 s is several times what any
// operation takes here, the recoveries of the catalogue (14 s of refusals,
// an 8 s tag lag) included.
const timeouts = `
  timeouts {
    create = "` + resourceTimeout + `"
    update = "` + resourceTimeout + `"
    delete = "` + resourceTimeout + `"
  }`

// main is the workspace's own key pairs: generated ones with and without
// tags, one with pgp_key, one with public_key.
func (c configs) main() string {
	return header + fmt.Sprintf(`
resource "tencentcloud_key_pair" "generated" {
  key_name    = "chaos_generated"
  description = "make chaos"
  tags        = { team = "chaos", seed = "%d" }%s
}

resource "tencentcloud_key_pair" "plain" {
  key_name = "chaos_plain"%s
}

resource "tencentcloud_key_pair" "pgp" {
  key_name = %q
  pgp_key  = %q
  tags     = { team = "chaos" }%s
}

resource "tencentcloud_key_pair" "imported" {
  key_name   = "chaos_imported"
  public_key = %q
  tags       = { team = "chaos" }%s
}
`, c.seed, timeouts, timeouts, pgpName, c.f.pgpKey, timeouts, c.f.importedKey, timeouts)
}

// withOutside adds the key pair made outside, imported by id when
// importBlock is set, and a key pair that imports the public key of the
// foreign one under its name: another workspace holds that name, so its
// import must fail, never adopt the foreign key pair.
func (c configs) withOutside(importBlock bool) string {
	s := c.main() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "outside" {
  key_name   = %q
  public_key = %q%s
}

resource "tencentcloud_key_pair" "clash" {
  key_name   = %q
  public_key = %q%s
}
`, outsideName, c.f.outsideKey, timeouts, foreignImpName, c.f.foreignKey, timeouts)
	if importBlock {
		s += fmt.Sprintf(`
import {
  to = tencentcloud_key_pair.outside
  id = %q
}
`, c.outsideID)
	}
	return s
}
