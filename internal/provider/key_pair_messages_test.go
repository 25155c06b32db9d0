package provider

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	plugintest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// words is a pattern of a phrase that Terraform may wrap: any run of
// whitespace between its words.
func words(phrase string) string {
	fields := strings.Fields(phrase)
	for i, f := range fields {
		fields[i] = regexp.QuoteMeta(f)
	}
	return strings.Join(fields, `\s+`)
}

// dsaPublicKey is an OpenSSH DSA public key (ssh-keygen -t dsa), no secret.
const dsaPublicKey = "ssh-dss AAAAB3NzaC1kc3MAAACBAOHv3Th2r0Ybnviv2AVfF7smD/DH2IsW0QM0R1wLG6RbDl+C4+5hEl7vnoZwdJinNCIgMz1tTWHDSi9Yk3C1rmuM1CCS9BfBakWh7R3BA1uMJRryLm5SkSMgS5siafdzm6ObVi3VEE9u35mEaFsoWzWhT/u9iOBl3Ib2XquE7MP5AAAAFQDSYJN0yxla0gyds6XCaTdWlVPBowAAAIAvtUGfzAvy69DpByWsmKT/nnztLhVxYXaWe3a8/KItFLI+271Mu9J/eNQy8276BTXqZwj/jI1P3wLghZNoS3sRrzS1NguAJnWJ9DDvBS7W6DTlJ9PUwm+FmGMDrN+Tp+kCiPs1K5QKzv3Crni7yauw4XUcFzmaU11O/MCc1YE6pAAAAIBtHf7/uGzf3kLsaNdr0IjfusY8WCGkPXp5eNXbOXqdwedtJQuWxLV4MTEOpmzXxWLzs8f2Mkk3wpJ3sXiMH3XhhppnWl1lcTwqiAVqyF8o7ifmyNvSuTetrwGFeYMlhZQKETDd21hDAXsHHgnUATP6VfgRuX2PkYVgWlIfxC0oyw== root@vm"

// keyForms is one RSA key in each of the forms that people paste instead
// of its OpenSSH line, and its private key.
type keyForms struct {
	line, pkcs8, pkcs1, rfc4716, private string
}

func newKeyForms(t *testing.T) keyForms {
	t.Helper()
	pub, private, err := plugintest.RandSSHKeyPair("")
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, ok := parsed.(ssh.CryptoPublicKey).CryptoPublicKey().(*rsa.PublicKey)
	if !ok {
		t.Fatalf("RandSSHKeyPair made a %s key", parsed.Type())
	}
	der, err := x509.MarshalPKIXPublicKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	// The SSH2 public key file of RFC 4716, as ssh-keygen -e writes it.
	blob := base64.StdEncoding.EncodeToString(parsed.Marshal())
	var rfc strings.Builder
	rfc.WriteString("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"2048-bit RSA, converted from OpenSSH\"\n")
	for len(blob) > 70 {
		rfc.WriteString(blob[:70] + "\n")
		blob = blob[70:]
	}
	rfc.WriteString(blob + "\n---- END SSH2 PUBLIC KEY ----\n")
	return keyForms{
		line:    strings.TrimSpace(pub),
		pkcs8:   string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		pkcs1:   string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rsaKey)})),
		rfc4716: rfc.String(),
		private: private,
	}
}

// Each mistake of a public key has its own message at plan, which names
// what the value is and the command that makes the OpenSSH line from it;
// pgp_key's likewise.
func TestAccKeyPair_publicKeyMistakes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	forms := newKeyForms(t)
	_, pgpKey := newPGPEntity(t)
	raw, err := base64.StdEncoding.DecodeString(pgpKey)
	if err != nil {
		t.Fatal(err)
	}
	armored := "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + base64.StdEncoding.EncodeToString(raw) + "\n-----END PGP PUBLIC KEY BLOCK-----\n"
	block := func(attr, value string) string {
		return fmt.Sprintf("resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n  %s = %q\n}\n", attr, value)
	}
	cases := []struct{ attr, value, want string }{
		{"public_key", dsaPublicKey, words("this public key is ssh-dss, a DSA key. DSA keys cannot be imported") + `.*` + words("ssh-keygen -t rsa -b 4096 -f key")},
		{"public_key", forms.line[:200], words("its base64-encoded part is cut short or damaged. Copy the whole line again") + `.*` + words("ssh-keygen -y -f key")},
		{"public_key", forms.pkcs8, words("This is a PEM public key (-----BEGIN PUBLIC KEY-----)") + `.*` + words("ssh-keygen -i -m PKCS8 -f key.pem")},
		{"public_key", forms.pkcs1, words("This is a PEM RSA public key") + `.*` + words("ssh-keygen -i -m PEM -f key.pem")},
		{"public_key", forms.rfc4716, words("This is an SSH2 public key file (---- BEGIN SSH2 PUBLIC KEY ----)") + `.*` + words("ssh-keygen -i -f key.pub")},
		{"public_key", forms.private, words("this value is a private key. Never put a private key in the configuration") + `.*` + words("ssh-keygen -y -f key")},
		{"public_key_wo", forms.pkcs8, words("ssh-keygen -i -m PKCS8 -f key.pem")},
		{"pgp_key", armored, words("this is an ASCII-armored key (-----BEGIN PGP PUBLIC KEY BLOCK-----)") + `.*` + words("gpg --export ID | base64 -w0")},
		{"pgp_key", "keybase:someone", words("keybase: is not supported") + `.*` + words("gpg --export ID | base64 -w0")},
	}
	var configs []acctest.PlanError
	for _, c := range cases {
		configs = append(configs, acctest.PlanError{Config: block(c.attr, c.value), Want: `(?s)` + regexp.QuoteMeta(c.attr) + `.*` + c.want})
	}
	env.expectPlanErrors(configs)
}

// A private key pasted as public_key is named as one and never repeated:
// no line of it is in the diagnostic.
func TestKeyPair_privateKeyNotEchoed(t *testing.T) {
	t.Parallel()
	forms := newKeyForms(t)
	req := validator.StringRequest{Path: path.Root("public_key"), ConfigValue: types.StringValue(forms.private)}
	var resp validator.StringResponse
	publicKeyValidator{}.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a private key passed as a public key")
	}
	detail := resp.Diagnostics[0].Summary() + resp.Diagnostics[0].Detail()
	if !strings.Contains(detail, "private key") {
		t.Errorf("the diagnostic does not say it is a private key: %s", detail)
	}
	for _, line := range strings.Split(forms.private, "\n") {
		if len(line) > 16 && !strings.HasPrefix(line, "-----") && strings.Contains(detail, line) {
			t.Errorf("the diagnostic repeats a line of the private key: %s", detail)
		}
	}
}

// Tag keys of the provider's own prefix are refused at plan, in tags and
// in the provider's default_tags, with the attribute and the reason,
// before any API call: the create would otherwise wait for its timeout
// and leave a tainted key pair.
func TestAccKeyPair_ownTagPrefix(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	reason := words("Tag keys starting with keypairlabs: are reserved by this provider") + `.*` +
		words("Choose a key that does not start with keypairlabs:")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig() + "resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n  tags = { \"keypairlabs:create-token\" = \"x\" }\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Reserved tag key.*` + reason + `.*` + words(`Attribute tags["keypairlabs:create-token"]`)),
			},
			{
				Config: env.ProviderConfigWith("  default_tags {\n    tags = { \"keypairlabs:team\" = \"x\" }\n  }") +
					"resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Reserved tag key.*` + reason + `.*` + words(`Attribute default_tags[0].tags["keypairlabs:team"]`)),
			},
		},
	})
	if n := env.TotalCalls(); n != 0 {
		t.Errorf("%d API calls for plans that fail", n)
	}
}
