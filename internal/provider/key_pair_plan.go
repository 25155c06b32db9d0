package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

var _ resource.ResourceWithModifyPlan = &KeyPairResource{}

// ModifyPlan completes the plan with what no attribute decides alone: a
// warning when the plan deletes a key pair (destroys or replaces it) whose
// deletion stops running instances or fails for them
// (key_pair_force_stop.go), a key name that is taken
// (key_pair_name_check.go), and tags_all from the provider's default_tags.
func (r *KeyPairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.warnOfBoundInstances(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	checkProjectAtPlan(ctx, r.client, req, resp)
	r.checkKeyNameAtPlan(ctx, req, resp)
	r.planTagsAll(ctx, req, resp)
}

// replaces tells whether a plan replaces the key pair: whether an
// attribute whose RequiresReplace plan modifier asks for a new key pair
// changes. Terraform does not tell the resource; the framework gathers
// the answers of the attributes only after ModifyPlan. A replacement that
// Terraform itself decides (a tainted key pair, -replace,
// replace_triggered_by) does not show here. wo is public_key_wo of the
// configuration and keptOut the mark of key_pair_write_only.go.
func replaces(state, plan keyPairResourceModel, wo types.String, keptOut bool) bool {
	return !plan.ProjectID.Equal(state.ProjectID) ||
		!plan.PGPKey.Equal(state.PGPKey) ||
		keyNamePrefixReplaces(state.KeyNamePrefix, plan.KeyNamePrefix) ||
		publicKeyReplaces(state.PublicKey, plan.PublicKey, state.Fingerprint, wo) ||
		writeOnlyVersionReplaces(state.PublicKeyWOVersion, plan.PublicKeyWOVersion, keptOut)
}

// keyNamePrefixReplaces tells whether a planned key_name_prefix replaces
// the key pair: a new prefix does. Setting a prefix where key_name was, or
// key_name where a prefix was, renames the key pair in place instead: its
// key stays.
func keyNamePrefixReplaces(state, plan types.String) bool {
	return !state.IsNull() && !plan.IsNull() && !plan.Equal(state)
}

// pgpKeyOnlyPlan plans encrypted_private_key and key_fingerprint, which
// only pgp_key makes: null without it, the prior value while the key pair
// stays, unknown for a new key pair.
type pgpKeyOnlyPlan struct{}

func (pgpKeyOnlyPlan) Description(context.Context) string {
	return "Null without pgp_key; otherwise the prior value while the key pair stays."
}

func (m pgpKeyOnlyPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (pgpKeyOnlyPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var pgpKey types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("pgp_key"), &pgpKey)...)
	switch {
	case pgpKey.IsNull():
		resp.PlanValue = types.StringNull()
	case !req.State.Raw.IsNull() && req.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
}

// fingerprintPlan plans fingerprint: for a configured public_key, its
// fingerprint; otherwise the prior value while the key pair stays, unknown
// for a key pair that Tencent Cloud is to generate.
type fingerprintPlan struct{}

func (fingerprintPlan) Description(context.Context) string {
	return "The fingerprint of the configured public_key; otherwise the prior value while the key pair stays."
}

func (m fingerprintPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (fingerprintPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var publicKey sshPublicKeyValue
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("public_key"), &publicKey)...)
	switch {
	case publicKey.IsUnknown():
		// Known at apply only.
	case !publicKey.IsNull():
		if fp := sshkey.Fingerprint(publicKey.ValueString()); fp != "" {
			resp.PlanValue = types.StringValue(fp)
		}
	case !req.State.Raw.IsNull() && req.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
}
