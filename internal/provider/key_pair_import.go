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
