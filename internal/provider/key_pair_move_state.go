package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Partial migration from the official provider with a moved block
// (Terraform 1.8 or later):
//
//	moved {
//	  from = tencentcloud_key_pair.old # tencentcloudstack/tencentcloud
//	  to   = tencentcloud_key_pair.new # provider = kp, this provider
//	}
//
// Terraform hands the state of the official provider's key pair to this
// provider, which reads it as the state upgrader reads that layout (schema
// version 0, see key_pair_state_upgrade.go), private key included. The
// official provider stays in charge of everything else.

var _ resource.ResourceWithMoveState = &KeyPairResource{}

// officialProviderType is the official provider's address without its
// host name, which the framework recommends ignoring (mirrors and private
// registries serve it under other hosts).
const officialProviderType = "tencentcloudstack/tencentcloud"

// officialKeyPairSchemaVersion is the schema version of the official
// provider's tencentcloud_key_pair, the only one whose layout is known.
const officialKeyPairSchemaVersion = 0

// MoveState takes key pairs from the official provider's
// tencentcloud_key_pair.
func (r *KeyPairResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveOfficialKeyPairState}}
}

// moveOfficialKeyPairState moves the state of the official provider's
// tencentcloud_key_pair. Any other source is left to the framework, which
// then reports that the move is not supported.
func moveOfficialKeyPairState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if req.SourceTypeName != "tencentcloud_key_pair" || !isOfficialProvider(req.SourceProviderAddress) {
		return
	}
	const summary = "Cannot move the key pair from the official provider"
	if req.SourceSchemaVersion != officialKeyPairSchemaVersion {
		resp.Diagnostics.AddError(summary, fmt.Sprintf(
			"The official provider's tencentcloud_key_pair is at schema version %d in the state; this provider reads version %d only. "+
				"Move the key pair with `terraform state replace-provider` after a backup of the state, or import it into this provider.",
			req.SourceSchemaVersion, officialKeyPairSchemaVersion))
		return
	}
	if req.SourceRawState == nil {
		resp.Diagnostics.AddError(summary, "The source state holds no attributes.")
		return
	}
	m, diags := keyPairModelFromV0(ctx, req.SourceRawState.JSON)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
}

// isOfficialProvider tells whether a provider address, such as
// registry.terraform.io/tencentcloudstack/tencentcloud, is the official
// provider's, whatever its host.
func isOfficialProvider(address string) bool {
	parts := strings.Split(strings.ToLower(address), "/")
	return len(parts) >= 2 && strings.Join(parts[len(parts)-2:], "/") == officialProviderType
}
