package provider

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// private_key_openssh is the generated private key as ssh-keygen writes
// it: x/crypto/ssh parses it, it is the key of private_key, and it
// belongs to public_key. An import cannot recover it.
func TestAccKeyPair_privateKeyOpenSSH(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name = %q
}
`, acctest.KeyName("acc_openssh")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(keyPairAddr, tfjsonpath.New("private_key_openssh")),
						plancheck.ExpectSensitiveValue(keyPairAddr, tfjsonpath.New("private_key_openssh")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyPairAddr, tfjsonpath.New("private_key_openssh"),
						knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN OPENSSH PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{70}\n)+[A-Za-z0-9+/=]{1,70}\n-----END OPENSSH PRIVATE KEY-----\n$`))),
				},
				Check: checkOpenSSHPrivateKey(t, keyPairAddr),
			},
			{
				ResourceName:      keyPairAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// A generated key pair's public key stays out of the
				// imported state (key_pair_import.go).
				ImportStateVerifyIgnore: []string{"private_key", "private_key_openssh", "public_key"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if v := states[0].Attributes["private_key_openssh"]; v != "" {
						return errors.New("an imported key pair has a private_key_openssh")
					}
					return nil
				},
			},
		},
	})
}

// checkOpenSSHPrivateKey parses private_key_openssh with x/crypto/ssh and
// checks it against private_key and public_key; and with ssh-keygen where
// it is installed.
func checkOpenSSHPrivateKey(t *testing.T, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		raw, err := ssh.ParseRawPrivateKey([]byte(attrs["private_key_openssh"]))
		if err != nil {
			return fmt.Errorf("private_key_openssh does not parse: %w", err)
		}
		key, ok := raw.(*rsa.PrivateKey)
		if !ok {
			return fmt.Errorf("private_key_openssh holds a %T, want an RSA key", raw)
		}
		signer, err := ssh.NewSignerFromKey(key)
		if err != nil {
			return err
		}
		if !sshkey.Same(string(ssh.MarshalAuthorizedKey(signer.PublicKey())), attrs["public_key"]) {
			return errors.New("private_key_openssh does not belong to public_key")
		}
		pemKey, err := ssh.ParseRawPrivateKey([]byte(attrs["private_key"]))
		if err != nil {
			return err
		}
		if !key.Equal(pemKey) {
			return errors.New("private_key_openssh is not the key of private_key")
		}
		if keygen, err := exec.LookPath("ssh-keygen"); err == nil {
			return checkWithSSHKeygen(t, keygen, attrs["private_key_openssh"], attrs["public_key"])
		}
		t.Log("no ssh-keygen on PATH: private_key_openssh is not checked with it")
		return nil
	}
}

// checkWithSSHKeygen checks that ssh-keygen reads a private key, and
// derives the public key from it.
func checkWithSSHKeygen(t *testing.T, keygen, privateKey, publicKey string) error {
	file := filepath.Join(t.TempDir(), "id_rsa")
	if err := os.WriteFile(file, []byte(privateKey), 0o600); err != nil {
		return err
	}
	out, err := exec.Command(keygen, "-y", "-f", file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ssh-keygen -y: %w: %s", err, out)
	}
	if !sshkey.Same(strings.TrimSpace(string(out)), publicKey) {
		return fmt.Errorf("ssh-keygen -y derives %q, not public_key", out)
	}
	return nil
}
