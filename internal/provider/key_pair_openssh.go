package provider

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/crypto/ssh"
)

// Tencent Cloud returns a generated private key as PEM (PKCS#1). OpenSSH
// reads that too, but tools that expect what `ssh-keygen` writes (the
// OpenSSH format, as tls_private_key's private_key_openssh) do not always:
// private_key_openssh holds the same key in that format.

// openSSHLineLength is where ssh-keygen wraps the base64 body (OpenSSH's
// sshkey_private_to_blob2); encoding/pem wraps at 64.
const openSSHLineLength = 70

// openSSHPrivateKey converts a PEM private key to the OpenSSH format, as
// ssh-keygen writes it, without a comment or a passphrase.
func openSSHPrivateKey(pemKey string) (string, error) {
	key, err := ssh.ParseRawPrivateKey([]byte(pemKey))
	if err != nil {
		return "", fmt.Errorf("parse the private key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		return "", fmt.Errorf("write the private key in the OpenSSH format: %w", err)
	}
	body := base64.StdEncoding.EncodeToString(block.Bytes)
	var b strings.Builder
	b.WriteString("-----BEGIN " + block.Type + "-----\n")
	for len(body) > 0 {
		n := min(openSSHLineLength, len(body))
		b.WriteString(body[:n] + "\n")
		body = body[n:]
	}
	b.WriteString("-----END " + block.Type + "-----\n")
	return b.String(), nil
}

// openSSHPrivateKeyValue is private_key_openssh for a private_key: null
// when there is none, or, with a warning, when it cannot be converted (the
// key pair is fine, and private_key still holds the key).
func openSSHPrivateKeyValue(privateKey types.String, diags *diag.Diagnostics) types.String {
	if privateKey.IsNull() || privateKey.IsUnknown() {
		return types.StringNull()
	}
	key, err := openSSHPrivateKey(privateKey.ValueString())
	if err != nil {
		diags.AddAttributeWarning(path.Root("private_key_openssh"), "No private key in the OpenSSH format",
			fmt.Sprintf("The private key could not be converted to the OpenSSH format, so private_key_openssh is null; "+
				"private_key holds the key in PEM: %s", err))
		return types.StringNull()
	}
	return types.StringValue(key)
}
