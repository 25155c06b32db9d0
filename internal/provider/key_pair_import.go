package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// An import id of the skey- form is a key pair id; anything else is the
// exact name of a key pair, as the console shows it, so that
// `terraform import`, import blocks and -generate-config-out take either.
//
// A key pair that Tencent Cloud generated is imported with its public key
// kept out of the state, as one of public_key_wo is (the keptOutKey mark):
// the configuration that -generate-config-out writes then has no
// public_key, and a later replacement generates a new key pair, where a
// pinned public_key would import the same key again, which the API refuses
// (InvalidPublicKey.Duplicate) while the old key pair lives, as it does
// with create_before_destroy. fingerprint still tells the key. A key pair
// of an imported public key keeps it in the state, so that a configuration
// that sets it matches. ImportState marks the import (importedKey), and
// the Read that follows it, the first with the key pair's public key,
// decides.

// importedKey is the private state key of a key pair that ImportState
// brought in and no Read has read yet.
const importedKey = "imported_not_read"

// markImported marks the private state of an import for the Read that
// follows it.
func markImported(ctx context.Context, private privateSetter, diags *diag.Diagnostics) {
	diags.Append(private.SetKey(ctx, importedKey, []byte("true"))...)
}

// publicKeyKeptOutAfterRead tells whether a Read keeps the public key of
// kp out of the state: when the private state marks it so, or, for the
// first Read after an import, when Tencent Cloud generated the key pair,
// which the private state then marks for every Read and plan after it.
func publicKeyKeptOutAfterRead(ctx context.Context, req privateGetter, resp privateSetter, kp *client.KeyPair, diags *diag.Diagnostics) bool {
	keptOut := publicKeyKeptOut(ctx, req, diags)
	if req == nil {
		return keptOut
	}
	imported, d := req.GetKey(ctx, importedKey)
	diags.Append(d...)
	if string(imported) != "true" {
		return keptOut
	}
	// The request and the response may share one private state: the
	// import's mark is read before anything is set.
	keptOut = keptOut || kp.GeneratedByTencent()
	diags.Append(resp.SetKey(ctx, importedKey, nil)...)
	markPublicKeyKeptOut(ctx, resp, keptOut, diags)
	return keptOut
}

// keyPairIDByName finds the id of the key pair named name, for an import.
func (r *KeyPairResource) keyPairIDByName(ctx context.Context, name string, diags *diag.Diagnostics) string {
	const summary = "Cannot import the key pair"
	const forms = "An import id is either a key pair id (skey- and 8 lower-case letters or digits, such as skey-3glfot13) " +
		"or the exact name of a key pair."
	if v := apicontract.KeyName(name); v != nil {
		diags.AddError(summary, fmt.Sprintf("%q is neither a key pair id nor a key pair name: %s\n\n%s", name, v.Rule, forms))
		return ""
	}
	kp, err := r.client.FindKeyPairByName(ctx, name)
	var notFound *client.NotFoundError
	if errors.As(err, &notFound) {
		diags.AddError(summary, fmt.Sprintf("No key pair is named %q in region %s.\n\n%s The name must match exactly, case included.",
			name, r.client.Region(), forms))
		return ""
	}
	if err != nil {
		addAPIError(r.client, diags, fmt.Sprintf("find the key pair named %q", name), err)
		return ""
	}
	return kp.ID
}
