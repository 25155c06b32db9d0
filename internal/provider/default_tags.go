package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// The provider's default_tags: every key pair carries them, merged under
// its own tags, which win for the same key. tags_all is the merge, and
// what the API holds; tags stays what the configuration says, so that a
// tag set in both places with the same value does not show as a change.

// maxTagsPerKeyPair is the Tag API's limit per resource, less the create
// token tag that every key pair this provider generates carries.
const maxTagsPerKeyPair = client.MaxTags

type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

func (m defaultTagsModel) tags(ctx context.Context, diags *diag.Diagnostics) map[string]string {
	if m.Tags.IsUnknown() {
		diags.AddAttributeError(path.Root("default_tags").AtListIndex(0).AtName("tags"), "Unknown provider attribute",
			"The provider cannot be configured while default_tags.tags is unknown.")
		return nil
	}
	return stringMap(ctx, m.Tags, diags)
}

// defaultTags returns the provider's default tags, none before the
// provider is configured.
func (r *KeyPairResource) defaultTags() map[string]string {
	return maps.Clone(r.providerDefaultTags)
}

// planTagsAll plans tags_all: the default tags merged with tags.
func (r *KeyPairResource) planTagsAll(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var tags types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("tags"), &tags)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if tags.IsUnknown() || r.client == nil {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags_all"), types.MapUnknown(types.StringType))...)
		return
	}
	own := stringMap(ctx, tags, &resp.Diagnostics)
	merged := mergeTags(r.defaultTags(), own)
	if len(merged) > maxTagsPerKeyPair {
		resp.Diagnostics.AddAttributeError(path.Root("tags"), "Too many tags",
			fmt.Sprintf("With the provider's default_tags, the key pair would have %d tags; Tencent Cloud allows at most %d.", len(merged), maxTagsPerKeyPair))
		return
	}
	all, d := tagsValue(ctx, merged)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags_all"), all)...)
}

// mergeTags returns defaults overlaid with own.
func mergeTags(defaults, own map[string]string) map[string]string {
	out := maps.Clone(defaults)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, own)
	return out
}

// tagsValue is a tags map, null when there are none.
func tagsValue(ctx context.Context, tags map[string]string) (types.Map, diag.Diagnostics) {
	if len(tags) == 0 {
		return types.MapNull(types.StringType), nil
	}
	return types.MapValueFrom(ctx, types.StringType, tags)
}

// ownTags picks from the key pair's tags in the API those that belong in
// tags: every key that tags held before (the configuration's own, or the
// prior state's), and every tag that is not a default tag with the same
// value. What is left came from default_tags.
func ownTags(api, prior, defaults map[string]string) map[string]string {
	own := map[string]string{}
	for k, v := range api {
		_, wasOwn := prior[k]
		if d, isDefault := defaults[k]; wasOwn || !isDefault || d != v {
			own[k] = v
		}
	}
	return own
}

// refreshWithDefaultTags is refresh with the default tags split out: tags
// gets the key pair's own tags, tags_all all of them.
func (r *KeyPairResource) refreshWithDefaultTags(ctx context.Context, m *keyPairResourceModel, kp *client.KeyPair) diag.Diagnostics {
	var diags diag.Diagnostics
	prior := stringMap(ctx, m.Tags, &diags)
	own := *kp
	own.Tags = ownTags(kp.Tags, prior, r.defaultTags())
	diags.Append(m.refresh(ctx, &own)...)
	all, d := tagsValue(ctx, kp.Tags)
	diags.Append(d...)
	m.TagsAll = all
	if m.Region.IsNull() || m.Region.IsUnknown() {
		// Where it was made or imported; a key pair read through another
		// region keeps the first.
		m.Region = types.StringValue(r.client.Region())
	}
	return diags
}

// allTags is what the API holds according to m: tags_all, or tags for a
// state written before tags_all existed.
func allTags(ctx context.Context, m keyPairResourceModel, diags *diag.Diagnostics) map[string]string {
	if m.TagsAll.IsNull() || m.TagsAll.IsUnknown() {
		return stringMap(ctx, m.Tags, diags)
	}
	return stringMap(ctx, m.TagsAll, diags)
}
