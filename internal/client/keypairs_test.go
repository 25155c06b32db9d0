package client

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// A key pair that Tencent Cloud generated is told by its public key's
// comment: skey_ and a number, as the page's example, or skey_ and its own
// id's suffix, as the default emulator; any other comment, or none, is an
// imported key's.
func TestKeyPair_GeneratedByTencent(t *testing.T) {
	t.Parallel()
	const body = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ"
	for _, tt := range []struct {
		id, publicKey string
		want          bool
	}{
		{"skey-3glfot13", body + " skey_112168", true},
		{"skey-3glfot13", body + " skey_3glfot13", true},
		{"skey-3glfot13", body + " skey_00000001", true},
		{"skey-3glfot13", body + " skey_otherone", false},
		{"skey-3glfot13", body + " skey_", false},
		{"skey-3glfot13", body + " skey_12a", false},
		{"skey-3glfot13", body, false},
		{"skey-3glfot13", body + " alice@example", false},
		{"skey-3glfot13", body + " skey_112168 extra", false},
		{"skey-3glfot13", "", false},
	} {
		kp := &KeyPair{ID: tt.id, PublicKey: tt.publicKey}
		if got := kp.GeneratedByTencent(); got != tt.want {
			t.Errorf("%q of %s: GeneratedByTencent %v, want %v", tt.publicKey, tt.id, got, tt.want)
		}
	}
}

// The emulator's key pairs, in both of its comment modes: created ones
// are told generated, imported ones (with a comment or without) are not.
func TestKeyPair_GeneratedByTencentInTheEmulator(t *testing.T) {
	t.Parallel()
	for _, numeric := range []bool{false, true} {
		t.Run(fmt.Sprintf("numeric comments %v", numeric), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, _ := newBubbleClient(t, emulator.Config{NumericKeyComments: numeric, VisibilityLag: -1}, 1000)
				ctx := context.Background()
				made, err := c.CreateKeyPair(ctx, "made", 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !made.GeneratedByTencent() {
					t.Errorf("created key pair with public key %q: not told generated", made.PublicKey)
				}
				for i, comment := range []string{"", "alice@example"} {
					pub, _, err := acctest.RandSSHKeyPair(comment)
					if err != nil {
						t.Fatal(err)
					}
					imported, err := c.ImportKeyPair(ctx, fmt.Sprintf("imported_%d", i), 0, pub, nil)
					if err != nil {
						t.Fatal(err)
					}
					if imported.GeneratedByTencent() {
						t.Errorf("imported key pair with public key %q: told generated", imported.PublicKey)
					}
				}
			})
		})
	}
}
