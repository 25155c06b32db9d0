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
		return RSAPublicKey{}, malformed(notOpenSSHRule(PublicKeyFormOf(line)))
	case len(options) > 0:
		return RSAPublicKey{}, malformed("The public key must be a bare OpenSSH RSA public key, " +
			"without authorized_keys options such as no-pty or command=.")
	case key.Type() != ssh.KeyAlgoRSA:
		return RSAPublicKey{}, malformed(onlyRSARule(key.Type()))
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

// PublicKeyForm is what a value that is not an OpenSSH public key line
// holds instead, as far as it can be told: the usual mistakes of a value
// meant as a public key. Callers word their advice from it (the provider
// names the command that converts the value); the code is
// InvalidPublicKey.Malformed for each.
type PublicKeyForm int

// The forms of PublicKeyFormOf.
const (
	// FormOther: nothing recognised; an OpenSSH line of a key type other
	// than DSA included.
	FormOther PublicKeyForm = iota
	// FormDSA: an OpenSSH ssh-dss line.
	FormDSA
	// FormTruncated: an OpenSSH line whose base64 part does not hold a
	// whole key, such as a line cut short when it was copied.
	FormTruncated
	// FormPKCS8: a PEM public key, -----BEGIN PUBLIC KEY----- (the
	// SubjectPublicKeyInfo of openssl and of ssh-keygen -e -m PKCS8).
	FormPKCS8
	// FormPKCS1: a PEM RSA public key, -----BEGIN RSA PUBLIC KEY-----
	// (ssh-keygen -e -m PEM).
	FormPKCS1
	// FormRFC4716: an SSH2 public key file, ---- BEGIN SSH2 PUBLIC KEY ----
	// (ssh-keygen -e, PuTTYgen, some SSH clients).
	FormRFC4716
	// FormPrivateKey: a private key (PEM, OpenSSH or PuTTY), not its
	// public key.
	FormPrivateKey
)

// PublicKeyFormOf tells which of the usual mistakes s is, FormOther when
// none. It never returns the value, nor any part of it.
func PublicKeyFormOf(s string) PublicKeyForm {
	line := strings.TrimSpace(s)
	switch {
	case strings.Contains(line, "PRIVATE KEY-----") || strings.HasPrefix(line, "PuTTY-User-Key-File-"):
		return FormPrivateKey
	case strings.HasPrefix(line, "-----BEGIN PUBLIC KEY-----"):
		return FormPKCS8
	case strings.HasPrefix(line, "-----BEGIN RSA PUBLIC KEY-----"):
		return FormPKCS1
	case strings.HasPrefix(line, "---- BEGIN SSH2 PUBLIC KEY ----"):
		return FormRFC4716
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return FormOther
	}
	if fields[0] == keyTypeDSA {
		return FormDSA
	}
	if !knownKeyType(fields[0]) {
		return FormOther
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		// A cut may also leave the padding out.
		blob, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(fields[1], "="))
	}
	if err != nil && !isBase64Text(fields[1]) {
		return FormOther
	}
	if _, err := ssh.ParsePublicKey(blob); err != nil {
		return FormTruncated
	}
	return FormOther
}

// keyTypeDSA is the type field of DSA keys, which golang.org/x/crypto/ssh
// no longer supports (its constants for it are deprecated).
const keyTypeDSA = "ssh-dss"

// knownKeyType reports whether a type field names a key type of OpenSSH.
func knownKeyType(t string) bool {
	switch t {
	case ssh.KeyAlgoRSA, keyTypeDSA, ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoSKED25519, ssh.KeyAlgoSKECDSA256:
		return true
	}
	return false
}

// isBase64Text reports whether s holds only the characters of base64.
func isBase64Text(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
}

// notOpenSSHRule states the rule that a value of the form breaks, when it
// does not parse as an OpenSSH public key line at all.
func notOpenSSHRule(form PublicKeyForm) string {
	switch form {
	case FormDSA:
		// golang.org/x/crypto/ssh no longer parses DSA keys.
		return onlyRSARule(keyTypeDSA)
	case FormTruncated:
		return "The public key must be a whole OpenSSH RSA public key: its base64-encoded part is cut short or damaged."
	case FormPKCS8, FormPKCS1:
		return "The public key must be an OpenSSH RSA public key (ssh-rsa AAAA...), not a PEM public key."
	case FormRFC4716:
		return "The public key must be an OpenSSH RSA public key (ssh-rsa AAAA...), not an SSH2 (RFC 4716) public key file."
	case FormPrivateKey:
		return "The public key must be an OpenSSH RSA public key (ssh-rsa AAAA...), and this value is a private key."
	}
	return "The public key must be an OpenSSH RSA public key: one line of ssh-rsa, the base64-encoded key and an optional comment."
}

// onlyRSARule states the rule for a public key of another type.
func onlyRSARule(keyType string) string {
	if keyType == keyTypeDSA {
		keyType += ", a DSA key"
	}
	return "Tencent Cloud imports only ssh-rsa keys, and this public key is " + keyType + "."
}
