package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// public_key_wo imports a public key that never reaches the state or a
// plan file: Terraform (1.11 and later) hands a write-only argument to the
// provider from the configuration only, and stores null for it. Create
// reads it from the configuration, never from the plan. DescribeKeyPairs
// returns the public key all the same, so a key pair made from
// public_key_wo is marked in its private state (keptOutKey), and while the
// mark stays, public_key is null in every plan and state of it, also after
// a refresh; fingerprint and the other computed attributes still come from
// the API. The mark is set when an apply sees public_key_wo in the
// configuration (Create, or Update after `terraform import`, which reads
// the key into the state as for any key pair) and cleared when the
// configuration sets public_key instead.
//
// A write-only value is no part of the state, so a change of it cannot be
// planned: public_key_wo_version, a number kept in the state, is what
// replaces the key pair when it changes, as the hashicorp providers'
// *_wo_version arguments do.

// keptOutKey is the private state key of a key pair whose public key is
// kept out of the state.
const keptOutKey = "public_key_kept_out"

// privateGetter is the private state of a request, which the framework
// hands to plan modifiers, Read and Update alike.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateSetter is the private state of a response.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// publicKeyKeptOut tells whether the private state marks the key pair's
// public key as kept out of the state.
func publicKeyKeptOut(ctx context.Context, private privateGetter, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	v, d := private.GetKey(ctx, keptOutKey)
	diags.Append(d...)
	return string(v) == "true"
}

// markPublicKeyKeptOut sets or clears the mark.
func markPublicKeyKeptOut(ctx context.Context, private privateSetter, keptOut bool, diags *diag.Diagnostics) {
	var v []byte // nil removes the key
	if keptOut {
		v = []byte("true")
	}
	diags.Append(private.SetKey(ctx, keptOutKey, v)...)
}

// writeOnlyKey reads public_key_wo from a configuration: the only place
// that holds it.
func writeOnlyKey(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) types.String {
	var key types.String
	diags.Append(config.GetAttribute(ctx, path.Root("public_key_wo"), &key)...)
	return key
}

// writeOnlyPublicKeyPlan plans public_key null for a key pair whose key is
// kept out of the state: one made from public_key_wo, or one that the
// configuration now imports with public_key_wo. A public_key in the
// configuration wins (the validators refuse both together).
type writeOnlyPublicKeyPlan struct{}

func (writeOnlyPublicKeyPlan) Description(context.Context) string {
	return "Null when the key comes from public_key_wo: the public key is kept out of the state."
}

func (m writeOnlyPublicKeyPlan) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (writeOnlyPublicKeyPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics)
	switch {
	case req.State.Raw.IsNull():
		// A create: an unknown public_key_wo may yet be null, and then
		// Tencent Cloud generates the key pair, whose public key the
		// state holds.
		if !wo.IsNull() && !wo.IsUnknown() {
			resp.PlanValue = types.StringNull()
		}
	case !wo.IsNull() || publicKeyKeptOut(ctx, req.Private, &resp.Diagnostics):
		resp.PlanValue = types.StringNull()
	}
}

// publicKeyChanged replaces the key pair for a different key, not for a
// different comment or spacing of the same key (publicKeyReplaces).
func publicKeyChanged(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	var fingerprint types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("fingerprint"), &fingerprint)...)
	wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics)
	resp.RequiresReplace = publicKeyReplaces(
		sshPublicKeyValue{StringValue: req.StateValue}, sshPublicKeyValue{StringValue: req.PlanValue}, fingerprint, wo)
}

// publicKeyReplaces tells whether a planned public key replaces the key
// pair: a different key does, a different comment or spacing of the same
// key does not; an unknown one may. A key kept out of the state is told
// apart by its fingerprint, which the state holds; a configured
// public_key_wo is compared with a public key that the state still holds
// (after `terraform import`, or when moving from public_key). Otherwise a
// change of public_key_wo is no change: public_key_wo_version says when
// it is one.
func publicKeyReplaces(state, plan sshPublicKeyValue, stateFingerprint, wo types.String) bool {
	switch {
	case plan.IsNull():
		return !state.IsNull() && !wo.IsNull() && !wo.IsUnknown() && !sshkey.Same(state.ValueString(), wo.ValueString())
	case state.IsNull():
		// Kept out of the state: the configuration sets public_key now.
		if plan.IsUnknown() || stateFingerprint.IsNull() || stateFingerprint.IsUnknown() {
			return false
		}
		fp := sshkey.Fingerprint(plan.ValueString())
		return fp != "" && fp != stateFingerprint.ValueString()
	case plan.Equal(state):
		return false
	case plan.IsUnknown():
		return true
	}
	return !sshkey.Same(state.ValueString(), plan.ValueString())
}

// writeOnlyVersionChanged replaces the key pair for a new
// public_key_wo_version. Unlike RequiresReplace, it does not for a version
// removed (the key pair keeps its key), nor for a version set for the
// first time on a key pair whose key is not kept out of the state: one
// that `terraform import` brought in, or one of public_key, whose key
// publicKeyReplaces compares instead.
func writeOnlyVersionChanged(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = writeOnlyVersionReplaces(req.StateValue, req.PlanValue,
		publicKeyKeptOut(ctx, req.Private, &resp.Diagnostics))
}

func writeOnlyVersionReplaces(state, plan types.Int64, keptOut bool) bool {
	if plan.IsNull() || plan.Equal(state) {
		return false
	}
	return !state.IsNull() || keptOut
}

// keepPublicKeyOut drops the public key that a refresh copied from the
// API, for a key pair whose key is kept out of the state.
func (m *keyPairResourceModel) keepPublicKeyOut(keptOut bool) {
	if keptOut {
		m.PublicKey = sshPublicKeyValue{StringValue: types.StringNull()}
	}
}
