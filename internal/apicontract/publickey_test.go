package apicontract

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Public keys of the tests, no secret: two RSA keys, and one each of the
// kinds ImportKeyPair refuses.
const (
	rsaBlob      = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDf6IZx7jFcqaq6X3swLTI03/K20xdpxJxqPIDZgxcjqeJ0YvyZWj3WhzlesaplazjyqoQDOefa8AaASG8cKR3hIAJBkTudeZbZlQOnFb0jmBwjHUAgPF7W3ef8iSwivOqm67xq/Yxa3gQZnYFzZTRB+2hjdViXEjpZk+PtOJvQFQ=="
	rsaLine      = "ssh-rsa " + rsaBlob + " alice@laptop"
	otherRSALine = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDWrBwRncm6Mxn+WUDlUd6p3HL6qsp7zg4D5IpRtSz6eTV303nPqE7qrQeo2+26YWAV7xoVIeJSL3hr61QQM3zXOugN/vE1z97kvfK1f4d6CdDW858pjONe06h5+gfJpEIAdunlrJFHI68QIlztc0b+BehNlr/6NQvhdx4/VAfz1Q=="
	ed25519Blob  = "AAAAC3NzaC1lZDI1NTE5AAAAII3L9l6IMJRgiZq6httDnH9RJWPuFPT9p4gRl5nCVdKQ"
	ed25519Line  = "ssh-ed25519 " + ed25519Blob + " ed@x"
	ecdsaLine    = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKmp84jrJwdPUmOsDI+9IEapeQQp4MkOoHO3sAISlITgySygc475jSxIEt5jBPwq4T+S+tTiHOmg9qdSbSfstvo= ec@x"
)

func TestPublicKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		line        string // the line kept, "" when refused
		rule        string // a part of the rule sentence, when refused
	}{
		{"with comment", rsaLine, rsaLine, ""},
		{"without comment", "ssh-rsa " + rsaBlob, "ssh-rsa " + rsaBlob, ""},
		{"tab separated", "ssh-rsa\t" + rsaBlob + "\tx", "ssh-rsa\t" + rsaBlob + "\tx", ""},
		{"spaces in the comment", "ssh-rsa " + rsaBlob + " alice at laptop", "ssh-rsa " + rsaBlob + " alice at laptop", ""},
		{"a key as comment", rsaLine + " " + otherRSALine, rsaLine + " " + otherRSALine, ""},
		{"whitespace around", "  \t\n" + rsaLine + "\r\n\n ", rsaLine, ""},
		{"empty", "", "", "OpenSSH RSA public key"},
		{"garbage", "not a key", "", "OpenSSH RSA public key"},
		{"blob only", rsaBlob, "", "OpenSSH RSA public key"},
		{"truncated", rsaLine[:100], "", "OpenSSH RSA public key"},
		{"ed25519", ed25519Line, "", "only ssh-rsa"},
		{"ecdsa", ecdsaLine, "", "only ssh-rsa"},
		{"one option", "no-pty " + rsaLine, "", "authorized_keys options"},
		{"options", `command="/bin/true",no-pty ` + rsaLine, "", "authorized_keys options"},
		// ParseAuthorizedKey reads a first field of commas alone as no
		// options at all (found by FuzzPublicKey).
		{"commas before", ", " + rsaLine, "", "authorized_keys options"},
		{"a comma before", "," + "\t" + rsaLine, "", "authorized_keys options"},
		{"two keys", rsaLine + "\n" + otherRSALine, "", "more than one key"},
		{"the same key twice", rsaLine + "\n" + rsaLine, "", "more than one key"},
		{"comment line before", "# laptop\n" + rsaLine, "", "single line"},
		{"comment line after", rsaLine + "\n# trailing", "", "single line"},
		{"blank line inside", rsaLine + "\n\n" + "# x", "", "single line"},
		{"carriage return in the comment", "ssh-rsa " + rsaBlob + " a\rb", "", "single line"},
		{"CRLF inside", "# x\r\n" + rsaLine, "", "single line"},
		// The type field must name the key's type (older versions of
		// ssh.ParseAuthorizedKey took an RSA key under any name).
		{"RSA key named ed25519", "ssh-ed25519 " + rsaBlob + " x", "", "OpenSSH RSA public key"},
		{"RSA key named foo", "foo " + rsaBlob, "", "OpenSSH RSA public key"},
		{"RSA key named SSH-RSA", "SSH-RSA " + rsaBlob, "", "OpenSSH RSA public key"},
		{"ed25519 key named ssh-rsa", "ssh-rsa " + ed25519Blob, "", "OpenSSH RSA public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, v := PublicKey(tt.input)
			if tt.line == "" {
				checkViolation(t, "PublicKey", tt.input, v, CodePublicKeyMalformed)
				if v != nil && !strings.Contains(v.Rule, tt.rule) {
					t.Errorf("PublicKey(%q): rule %q, want it to say %q", tt.input, v.Rule, tt.rule)
				}
				if key != (RSAPublicKey{}) {
					t.Errorf("PublicKey(%q) refused but returned %+v", tt.input, key)
				}
				return
			}
			if v != nil {
				t.Fatalf("PublicKey(%q) = %v, want accepted", tt.input, v)
			}
			if key.Line != tt.line {
				t.Errorf("PublicKey(%q).Line = %q, want %q", tt.input, key.Line, tt.line)
			}
			if key.Material != rsaBlob && key.Material != strings.Fields(otherRSALine)[1] {
				t.Errorf("PublicKey(%q).Material = %q, want the key's base64 blob", tt.input, key.Material)
			}
		})
	}
}

// The material is the base64 of the key's wire form: what the blob of an
// OpenSSH line holds, the same for the same key whatever the comment.
func TestPublicKeyMaterial(t *testing.T) {
	t.Parallel()
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(rsaLine))
	if err != nil {
		t.Fatal(err)
	}
	want := base64.StdEncoding.EncodeToString(pub.Marshal())
	for _, line := range []string{rsaLine, "ssh-rsa " + rsaBlob, "ssh-rsa  " + rsaBlob + "  other comment", "\n ssh-rsa\t" + rsaBlob + "\n"} {
		key, v := PublicKey(line)
		if v != nil || key.Material != want {
			t.Errorf("PublicKey(%q) = %+v, %v; want material %s", line, key, v, want)
		}
	}
	other, _ := PublicKey(otherRSALine)
	if other.Material == want || other.Material == "" {
		t.Errorf("another key has material %q", other.Material)
	}
}

// dsaLine is an OpenSSH DSA public key (ssh-keygen -t dsa), no secret.
const dsaLine = "ssh-dss AAAAB3NzaC1kc3MAAACBAOHv3Th2r0Ybnviv2AVfF7smD/DH2IsW0QM0R1wLG6RbDl+C4+5hEl7vnoZwdJinNCIgMz1tTWHDSi9Yk3C1rmuM1CCS9BfBakWh7R3BA1uMJRryLm5SkSMgS5siafdzm6ObVi3VEE9u35mEaFsoWzWhT/u9iOBl3Ib2XquE7MP5AAAAFQDSYJN0yxla0gyds6XCaTdWlVPBowAAAIAvtUGfzAvy69DpByWsmKT/nnztLhVxYXaWe3a8/KItFLI+271Mu9J/eNQy8276BTXqZwj/jI1P3wLghZNoS3sRrzS1NguAJnWJ9DDvBS7W6DTlJ9PUwm+FmGMDrN+Tp+kCiPs1K5QKzv3Crni7yauw4XUcFzmaU11O/MCc1YE6pAAAAIBtHf7/uGzf3kLsaNdr0IjfusY8WCGkPXp5eNXbOXqdwedtJQuWxLV4MTEOpmzXxWLzs8f2Mkk3wpJ3sXiMH3XhhppnWl1lcTwqiAVqyF8o7ifmyNvSuTetrwGFeYMlhZQKETDd21hDAXsHHgnUATP6VfgRuX2PkYVgWlIfxC0oyw== root@vm"

// Each usual mistake is told apart, refused as InvalidPublicKey.Malformed
// with a rule that names it, and nothing else is taken for one.
func TestPublicKeyFormOf(t *testing.T) {
	t.Parallel()
	pem := func(kind, body string) string {
		return "-----BEGIN " + kind + "-----\n" + body + "\n-----END " + kind + "-----\n"
	}
	tests := []struct {
		name, input string
		form        PublicKeyForm
		rule        string
	}{
		{"rsa", rsaLine, FormOther, ""},
		{"ed25519", ed25519Line, FormOther, "only ssh-rsa"},
		{"garbage", "not a key", FormOther, "one line of ssh-rsa"},
		{"dsa", dsaLine, FormDSA, "ssh-dss, a DSA key"},
		{"truncated", rsaLine[:100], FormTruncated, "cut short or damaged"},
		{"truncated unpadded", rsaLine[:101], FormTruncated, "cut short or damaged"},
		{"truncated ed25519", ed25519Line[:40], FormTruncated, "cut short or damaged"},
		{"pkcs8", pem("PUBLIC KEY", "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHJcg3"), FormPKCS8, "not a PEM public key"},
		{"pkcs1", pem("RSA PUBLIC KEY", "MIGJAoGBAMclyDciaWHvU1fd"), FormPKCS1, "not a PEM public key"},
		{"rfc4716", "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"x\"\n" + rsaBlob + "\n---- END SSH2 PUBLIC KEY ----", FormRFC4716, "RFC 4716"},
		{"rsa private", pem("RSA PRIVATE KEY", "MIICXAIBAAKBgQDf6IZx"), FormPrivateKey, "is a private key"},
		{"openssh private", pem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"), FormPrivateKey, "is a private key"},
		{"pkcs8 private", pem("PRIVATE KEY", "MIICdgIBADANBgkqhkiG9w0BAQEFAASC"), FormPrivateKey, "is a private key"},
		{"putty private", "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n", FormPrivateKey, "is a private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := PublicKeyFormOf(tt.input); got != tt.form {
				t.Errorf("PublicKeyFormOf = %d, want %d", got, tt.form)
			}
			_, v := PublicKey(tt.input)
			if tt.rule == "" {
				if v != nil {
					t.Errorf("PublicKey refused it: %v", v)
				}
				return
			}
			checkViolation(t, "PublicKey", tt.input, v, CodePublicKeyMalformed)
			if v != nil && !strings.Contains(v.Rule, tt.rule) {
				t.Errorf("rule %q, want it to say %q", v.Rule, tt.rule)
			}
		})
	}
}
