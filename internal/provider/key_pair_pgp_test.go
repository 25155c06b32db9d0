package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// With pgp_key, the state holds the private key only encrypted: decrypted
// with the matching PGP private key, it belongs to the public key.
func TestAccKeyPair_pgpKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	entity, pgpKey := newPGPEntity(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
  pgp_key  = %q
}
`, acctest.KeyName("acc_pgp"), pgpKey),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
					plancheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key_openssh"), knownvalue.Null()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key_openssh"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("key_fingerprint"),
					knownvalue.StringExact(hex.EncodeToString(entity.PrimaryKey.Fingerprint))),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources[keyPairAddr].Primary.Attributes
				if bytes.Contains([]byte(attrs["encrypted_private_key"]), []byte("PRIVATE KEY")) {
					return fmt.Errorf("encrypted_private_key is not encrypted")
				}
				raw, err := base64.StdEncoding.DecodeString(attrs["encrypted_private_key"])
				if err != nil {
					return err
				}
				md, err := openpgp.ReadMessage(bytes.NewReader(raw), openpgp.EntityList{entity}, nil, nil)
				if err != nil {
					return fmt.Errorf("decrypt: %w", err)
				}
				plain, err := io.ReadAll(md.UnverifiedBody)
				if err != nil {
					return err
				}
				return sshkey.CheckPrivateKey(string(plain), attrs["public_key"])
			},
		}},
	})
}

func TestAccKeyPair_pgpKeyValidation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	_, pgpKey := newPGPEntity(t)
	config := func(body string) string {
		return "resource \"tencentcloud_key_pair\" \"test\" {\n  key_name = \"ok\"\n" + body + "\n}\n"
	}
	env.expectPlanErrors([]acctest.PlanError{
		{Config: config(`pgp_key = "not base64!"`), Want: `(?s)pgp_key.*not base64`},
		{Config: config(`pgp_key = "` + base64.StdEncoding.EncodeToString([]byte("hello")) + `"`), Want: `(?s)pgp_key.*not a PGP public key`},
		{Config: config(fmt.Sprintf("pgp_key = %q\npublic_key = %q", pgpKey, acctest.PublicKey(t))), Want: `(?s)pgp_key.*public_key`},
	})
}
