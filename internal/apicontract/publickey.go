package apicontract

import (
	"encoding/base64"
	"strings"

	"golang.org/x/crypto/ssh"
)

// PublicKeyRule states the public key rule whole. ImportKeyPair (213/15703)
// takes "密钥对的公钥内容，`OpenSSH RSA` 格式" (the public key, in OpenSSH
// RSA format; ImportKeyPairRequestParams in the SDK's models.go) and
// refuses others with InvalidPublicKey.Malformed.
const PublicKeyRule = "A public key is one line in OpenSSH format: ssh-rsa, the base64-encoded RSA key and an optional comment."

// RSAPublicKey is a public key that ImportKeyPair accepts.
type RSAPublicKey struct {
	// Line is the key as the service keeps it: the parameter without the
	// whitespace around it.
	Line string
	// Material is the key itself, base64 of its SSH wire form, without
	// the comment: the same key gives the same material whatever the
	// comment and the spacing, which is what InvalidPublicKey.Duplicate
	// compares.
	Material string
}

// PublicKey checks a PublicKey of ImportKeyPair: after the whitespace
// around it is dropped, it must be exactly one line holding one OpenSSH
// ssh-rsa key (its type field ssh-rsa), an optional comment, and no
// authorized_keys options (inferred from "OpenSSH RSA format": a file of
// several lines, comment lines included, is refused). Every refusal is
// InvalidPublicKey.Malformed; the rule sentence says what is wrong.
func PublicKey(s string) (RSAPublicKey, *Violation) {
	line := strings.TrimSpace(s)
	// ParseAuthorizedKey reads an authorized_keys file: it checks that the
	// type field names the key's type, as OpenSSH does, but it skips blank
	// and comment lines and stops at the end of the key's line, so the
	// checks after it refuse what it would let through.
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		return RSAPublicKey{}, malformed("The public key must be an OpenSSH RSA public key: " +
			"one line of ssh-rsa, the base64-encoded key and an optional comment.")
	case len(options) > 0:
		return RSAPublicKey{}, malformed("The public key must be a bare OpenSSH RSA public key, " +
			"without authorized_keys options such as no-pty or command=.")
	case key.Type() != ssh.KeyAlgoRSA:
		return RSAPublicKey{}, malformed("Tencent Cloud imports only ssh-rsa keys, and this public key is " + key.Type() + ".")
	case anotherKey(rest):
		return RSAPublicKey{}, malformed("The public key must be one OpenSSH RSA public key, not more than one key.")
	case strings.ContainsAny(line, "\r\n"):
		return RSAPublicKey{}, malformed("The public key must be a single line: no comment lines, no blank lines, no line breaks.")
	case strings.Fields(line)[0] != ssh.KeyAlgoRSA:
		// A first field of commas alone is an empty list of options to
		// ParseAuthorizedKey, but no bare key starts so.
		return RSAPublicKey{}, malformed("The public key must be a bare OpenSSH RSA public key, starting with ssh-rsa, " +
			"without authorized_keys options such as no-pty or command=.")
	}
	return RSAPublicKey{Line: line, Material: base64.StdEncoding.EncodeToString(key.Marshal())}, nil
}

func malformed(rule string) *Violation {
	return violation(CodePublicKeyMalformed, rule)
}

// anotherKey reports whether rest, what follows the first key's line,
// holds a key too.
func anotherKey(rest []byte) bool {
	_, _, _, _, err := ssh.ParseAuthorizedKey(rest)
	return err == nil
}
