package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// With pgp_key, as with aws_iam_access_key, the generated private key is
// kept in state only encrypted to the user's PGP key: whoever reads the
// state cannot use it without the matching PGP private key.

// readPGPKey decodes a base64-encoded public PGP key (binary, not armored,
// as `gpg --export KEYID | base64` makes it).
func readPGPKey(encoded string) (*openpgp.Entity, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("it is not base64: %w", err)
	}
	keys, err := openpgp.ReadKeyRing(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("it is not a PGP public key: %w", err)
	}
	if len(keys) != 1 {
		return nil, fmt.Errorf("it holds %d keys, want one", len(keys))
	}
	return keys[0], nil
}

// encryptToPGPKey encrypts plaintext to the PGP key and returns the
// base64-encoded message and the key's fingerprint (hex).
func encryptToPGPKey(encodedKey, plaintext string) (encrypted, fingerprint string, err error) {
	entity, err := readPGPKey(encodedKey)
	if err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	w, err := openpgp.Encrypt(&buf, []*openpgp.Entity{entity}, nil, nil, nil)
	if err != nil {
		return "", "", fmt.Errorf("encrypt to the PGP key: %w", err)
	}
	if _, err := w.Write([]byte(plaintext)); err != nil {
		return "", "", errors.Join(err, w.Close())
	}
	if err := w.Close(); err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), hex.EncodeToString(entity.PrimaryKey.Fingerprint), nil
}

// pgpExportCommand is how to make the value of pgp_key from a key in the
// GnuPG key ring; ID stands for the key's id or e-mail address.
const pgpExportCommand = "  gpg --export ID | base64 -w0\n(on macOS: gpg --export ID | base64)"

// pgpKeyValidator accepts one base64-encoded public PGP key that can
// encrypt.
type pgpKeyValidator struct{}

func (pgpKeyValidator) Description(context.Context) string {
	return "must be one base64-encoded public PGP key that can encrypt"
}

func (v pgpKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v pgpKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := strings.TrimSpace(req.ConfigValue.ValueString())
	switch {
	case strings.HasPrefix(value, "keybase:"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PGP key",
			"keybase: is not supported: unlike the keybase:<username> form of the AWS provider's pgp_key, this provider "+
				"looks up no keys on Keybase, or anywhere else. Give the public key itself, binary and base64-encoded:\n"+
				pgpExportCommand)
		return
	case strings.Contains(value, "-----BEGIN PGP PUBLIC KEY BLOCK-----"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PGP key",
			"pgp_key takes the binary public key, base64-encoded, and this is an ASCII-armored key "+
				"(-----BEGIN PGP PUBLIC KEY BLOCK-----). Export it so:\n"+pgpExportCommand)
		return
	case strings.Contains(value, "-----BEGIN PGP PRIVATE KEY BLOCK-----"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PGP key",
			"pgp_key takes a public PGP key, and this is a private key block: never put it in the configuration. "+
				"Export the public key, binary and base64-encoded:\n"+pgpExportCommand)
		return
	}
	if _, _, err := encryptToPGPKey(req.ConfigValue.ValueString(), "check"); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PGP key", fmt.Sprintf("The value %s: %s.", v.Description(ctx), err))
	}
}
