package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// Migration from the official provider. A key pair of
// tencentcloudstack/tencentcloud is stored at schema version 0 with the
// attributes id, key_name, public_key, project_id (a number), tags (a map
// of strings), private_key, created_time and force_stop. After
// `terraform state replace-provider`, Terraform hands that state to this
// provider, whose schema is at version 1, and this upgrader turns it into
// the current layout, so that the next plan shows no change. A moved block
// from the official provider's resource hands it over the same way
// (key_pair_move_state.go).
//
// This provider's own states from before version 1 are at version 0 too,
// with more attributes (description, fingerprint, associated_instance_ids,
// timeouts, pgp_key, encrypted_private_key, key_fingerprint). The upgrader reads the raw JSON and takes both: what a layout
// lacks is derived (fingerprint from public_key), defaulted (force_stop
// false, description null) or left for the refresh that follows
// (associated_instance_ids, tags_all).

var _ resource.ResourceWithUpgradeState = &KeyPairResource{}

// UpgradeState upgrades version 0 states, of either layout.
func (r *KeyPairResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {StateUpgrader: upgradeKeyPairStateV0},
	}
}

// keyPairStateV0 is the union of both version 0 layouts. SDKv2 (the
// official provider) writes "" for strings it never set.
type keyPairStateV0 struct {
	ID                    string            `json:"id"`
	KeyName               string            `json:"key_name"`
	PublicKey             string            `json:"public_key"`
	ProjectID             json.RawMessage   `json:"project_id"`
	Tags                  map[string]string `json:"tags"`
	PrivateKey            string            `json:"private_key"`
	CreatedTime           string            `json:"created_time"`
	ForceStop             *bool             `json:"force_stop"`
	Description           *string           `json:"description"`
	AssociatedInstanceIDs []string          `json:"associated_instance_ids"`
	Timeouts              map[string]string `json:"timeouts"`
	PGPKey                *string           `json:"pgp_key"`
	EncryptedPrivateKey   *string           `json:"encrypted_private_key"`
	KeyFingerprint        *string           `json:"key_fingerprint"`
}

func upgradeKeyPairStateV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil {
		resp.Diagnostics.AddError("Cannot upgrade the key pair state", "The state of version 0 holds no JSON attributes.")
		return
	}
	m, diags := keyPairModelFromV0(ctx, req.RawState.JSON)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// keyPairModelFromV0 reads the JSON attributes of a version 0 state, of
// either layout, into the current model.
func keyPairModelFromV0(ctx context.Context, raw []byte) (keyPairResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	const summary = "Cannot upgrade the key pair state"
	if len(raw) == 0 {
		diags.AddError(summary, "The state of version 0 holds no JSON attributes.")
		return keyPairResourceModel{}, diags
	}
	var old keyPairStateV0
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&old); err != nil {
		diags.AddError(summary, fmt.Sprintf("The state of version 0 is not a key pair of either tencentcloud provider: %s", err))
		return keyPairResourceModel{}, diags
	}
	if old.ID == "" || old.KeyName == "" {
		diags.AddError(summary, "The state of version 0 has no id or no key_name.")
		return keyPairResourceModel{}, diags
	}
	projectID, err := parseProjectID(old.ProjectID)
	if err != nil {
		diags.AddAttributeError(path.Root("project_id"), summary, err.Error())
		return keyPairResourceModel{}, diags
	}

	m := keyPairResourceModel{
		ID:          types.StringValue(old.ID),
		KeyName:     types.StringValue(old.KeyName),
		ProjectID:   types.Int64Value(projectID),
		Description: types.StringPointerValue(old.Description),
		PublicKey:   sshPublicKeyValue{StringValue: nullIfEmpty(old.PublicKey)},
		PrivateKey:  nullIfEmpty(old.PrivateKey),
		Fingerprint: types.StringNull(),
		CreatedTime: nullIfEmpty(old.CreatedTime),
		ForceStop:   types.BoolValue(old.ForceStop != nil && *old.ForceStop),

		PGPKey:              types.StringPointerValue(old.PGPKey),
		EncryptedPrivateKey: types.StringPointerValue(old.EncryptedPrivateKey),
		KeyFingerprint:      types.StringPointerValue(old.KeyFingerprint),
	}
	if fp := sshkey.Fingerprint(old.PublicKey); fp != "" {
		m.Fingerprint = types.StringValue(fp)
	}
	var d diag.Diagnostics
	m.Tags, d = tagsValue(ctx, old.Tags)
	diags.Append(d...)
	// The official provider has no default tags: every tag is the key
	// pair's own until the refresh sorts them.
	m.TagsAll = m.Tags
	m.AssociatedInstanceIDs, d = types.SetValueFrom(ctx, types.StringType, nonNil(old.AssociatedInstanceIDs))
	diags.Append(d...)
	m.Timeouts, d = timeoutsValue(ctx, old.Timeouts)
	diags.Append(d...)
	return m, diags
}

// parseProjectID reads project_id, a number in both layouts (a string in
// hand-edited states is taken too); absent means project 0.
func parseProjectID(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("project_id %s is not a number", raw)
		}
		n = json.Number(s)
	}
	if n == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("project_id %s is not a whole number", raw)
	}
	return id, nil
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// timeoutsValue rebuilds the timeouts block of the schema, null when the
// old state has none.
func timeoutsValue(ctx context.Context, old map[string]string) (timeouts.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	typ, err := keyPairSchemaV1(ctx).TypeAtPath(ctx, path.Root("timeouts"))
	diags.Append(err...)
	t, ok := typ.(timeouts.Type)
	if !ok {
		diags.AddError("Cannot upgrade the key pair state", fmt.Sprintf("timeouts has the type %T", typ))
		return timeouts.Value{}, diags
	}
	if old == nil {
		return timeouts.Value{Object: types.ObjectNull(t.AttrTypes)}, diags
	}
	values := map[string]attr.Value{}
	for name := range t.AttrTypes {
		if v, ok := old[name]; ok && v != "" {
			values[name] = types.StringValue(v)
		} else {
			values[name] = types.StringNull()
		}
	}
	obj, d := types.ObjectValue(t.AttrTypes, values)
	diags.Append(d...)
	return timeouts.Value{Object: obj}, diags
}
