package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

var (
	_ datasource.DataSource                     = &KeyPairDataSource{}
	_ datasource.DataSourceWithConfigure        = &KeyPairDataSource{}
	_ datasource.DataSourceWithConfigValidators = &KeyPairDataSource{}
)

// NewKeyPairDataSource returns the tencentcloud_key_pair data source.
func NewKeyPairDataSource() datasource.DataSource {
	return &KeyPairDataSource{}
}

// KeyPairDataSource reads one key pair, found by id or by name.
type KeyPairDataSource struct {
	client *client.Client
}

// keyPairDataSourceModel is the lookup key and the key pair it found.
type keyPairDataSourceModel struct {
	KeyID types.String `tfsdk:"key_id"`
	keyPairObject
}

// keyPairObject is a key pair as both data sources return it: every
// attribute of the resource but the private key, which the API returns only
// once, and the resource's own settings.
type keyPairObject struct {
	ID                    types.String `tfsdk:"id"`
	KeyName               types.String `tfsdk:"key_name"`
	ProjectID             types.Int64  `tfsdk:"project_id"`
	Description           types.String `tfsdk:"description"`
	PublicKey             types.String `tfsdk:"public_key"`
	Fingerprint           types.String `tfsdk:"fingerprint"`
	Tags                  types.Map    `tfsdk:"tags"`
	CreatedTime           types.String `tfsdk:"created_time"`
	AssociatedInstanceIDs types.Set    `tfsdk:"associated_instance_ids"`
}

// newKeyPairObject copies what the API says of a key pair. The values are
// those the resource holds for the same key pair, so that the two agree: no
// description and no tags are null, the public key is as the API stores it.
func newKeyPairObject(ctx context.Context, kp *client.KeyPair) (keyPairObject, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := keyPairObject{
		ID:          types.StringValue(kp.ID),
		KeyName:     types.StringValue(kp.Name),
		ProjectID:   types.Int64Value(kp.ProjectID),
		Description: types.StringNull(),
		PublicKey:   types.StringValue(kp.PublicKey),
		Fingerprint: types.StringNull(),
		Tags:        types.MapNull(types.StringType),
		CreatedTime: types.StringValue(kp.CreatedTime),
	}
	if kp.Description != "" {
		o.Description = types.StringValue(kp.Description)
	}
	if fp := sshkey.Fingerprint(kp.PublicKey); fp != "" {
		o.Fingerprint = types.StringValue(fp)
	}
	if len(kp.Tags) > 0 {
		tags, d := types.MapValueFrom(ctx, types.StringType, kp.Tags)
		diags.Append(d...)
		o.Tags = tags
	}
	ids := kp.AssociatedInstanceIDs
	if ids == nil {
		ids = []string{}
	}
	set, d := types.SetValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	o.AssociatedInstanceIDs = set
	return o, diags
}

// keyPairObjectAttributes is the schema of keyPairObject, all computed.
func keyPairObjectAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The key pair's id, such as `skey-3glfot13`.",
			Computed:            true,
		},
		"key_name": schema.StringAttribute{
			MarkdownDescription: "Name of the key pair, unique in the account.",
			Computed:            true,
		},
		"project_id": schema.Int64Attribute{
			MarkdownDescription: "Project of the key pair; `0` is the default project.",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "Description of the key pair; null when it has none.",
			Computed:            true,
		},
		"public_key": schema.StringAttribute{
			MarkdownDescription: "The OpenSSH public key, exactly as Tencent Cloud stores it (with the comment it was imported with, if any).",
			Computed:            true,
		},
		"fingerprint": schema.StringAttribute{
			MarkdownDescription: "SHA256 fingerprint of the public key in OpenSSH form (`SHA256:...`), as `ssh-keygen -lf` prints it; " +
				"null when the public key does not parse.",
			Computed: true,
		},
		"tags": schema.MapAttribute{
			MarkdownDescription: "Tags of the key pair; null when it has none.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"created_time": schema.StringAttribute{
			MarkdownDescription: "When the key pair was created, `YYYY-MM-DDThh:mm:ssZ` (UTC).",
			Computed:            true,
		},
		"associated_instance_ids": schema.SetAttribute{
			MarkdownDescription: "Ids of the CVM instances the key pair is bound to; empty when none.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
}

// Metadata names the data source tencentcloud_key_pair.
func (d *KeyPairDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_pair"
}

// Schema describes the data source.
func (d *KeyPairDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := keyPairObjectAttributes()
	attrs["key_id"] = schema.StringAttribute{
		MarkdownDescription: "Id of the key pair to read, such as `skey-3glfot13`. Exactly one of `key_id` and `key_name` must be set.",
		Optional:            true,
		Computed:            true,
		// The API checks the form of an id before it looks for the key pair.
		Validators: keyPairIDValidators(),
	}
	attrs["key_name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the key pair to read, matched exactly (case included): 1 to 25 letters, digits and underscores. " +
			"Exactly one of `key_id` and `key_name` must be set.",
		Optional:   true,
		Computed:   true,
		Validators: keyNameValidators(),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One SSH key pair of Tencent Cloud CVM, found by id or by name: every attribute that " +
			"`tencentcloud_key_pair` has but the private key, which Tencent Cloud returns only when it generates the key pair. " +
			"Use it for key pairs that other configurations or the console manage, for instance to pass their ids to instances.",
		Attributes: attrs,
	}
}

// ConfigValidators asks for exactly one of key_id and key_name.
func (d *KeyPairDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("key_id"), path.MatchRoot("key_name")),
	}
}

// Configure takes the client that the provider configured.
func (d *KeyPairDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = dataSourceClient(req, resp)
}

// dataSourceClient returns the client that the provider configured, or nil
// before the provider is configured.
func dataSourceClient(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *client.Client {
	if req.ProviderData == nil {
		return nil
	}
	c, ok := req.ProviderData.(*client.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *client.Client, got %T.", req.ProviderData))
		return nil
	}
	return c
}

// Read finds the key pair by id with DescribeKeyPairs, or by name through
// its key-name filter, and fails when there is none, or more than one.
func (d *KeyPairDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config keyPairDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var kp *client.KeyPair
	if !config.KeyID.IsNull() {
		id := config.KeyID.ValueString()
		var err error
		kp, err = d.client.DescribeKeyPair(ctx, id)
		var notFound *client.NotFoundError
		if errors.As(err, &notFound) {
			resp.Diagnostics.AddAttributeError(path.Root("key_id"), "Key pair not found",
				fmt.Sprintf("No key pair has the id %s in region %s.", id, d.client.Region()))
			return
		}
		if err != nil {
			addAPIError(d.client, &resp.Diagnostics, "read key pair "+id, err)
			return
		}
	} else {
		name := config.KeyName.ValueString()
		list, err := d.client.ListKeyPairs(ctx, []client.Filter{{Name: "key-name", Values: []string{name}}})
		if err != nil {
			addAPIError(d.client, &resp.Diagnostics, fmt.Sprintf("list the key pairs named %q", name), err)
			return
		}
		var summary, detail string
		kp, summary, detail = pickKeyPairByName(list, name, d.client.Region())
		if kp == nil {
			resp.Diagnostics.AddAttributeError(path.Root("key_name"), summary, detail)
			return
		}
	}

	obj, diags := newKeyPairObject(ctx, kp)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state := keyPairDataSourceModel{KeyID: obj.ID, keyPairObject: obj}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// pickKeyPairByName returns the one key pair of list named exactly name,
// or else the summary and detail of the error to report. The key-name filter
// of the real API may match more than the exact name, so the list is checked
// again; and although names are unique in the account, more than one exact
// match is reported rather than one picked at random.
func pickKeyPairByName(list []*client.KeyPair, name, region string) (kp *client.KeyPair, summary, detail string) {
	var found []*client.KeyPair
	for _, kp := range list {
		if kp.Name == name {
			found = append(found, kp)
		}
	}
	switch len(found) {
	case 0:
		return nil, "Key pair not found",
			fmt.Sprintf("No key pair is named %q in region %s. Names are matched exactly, case included.", name, region)
	case 1:
		return found[0], "", ""
	default:
		ids := make([]string, len(found))
		for i, kp := range found {
			ids[i] = kp.ID
		}
		return nil, "More than one key pair of this name",
			fmt.Sprintf("%d key pairs are named %q in region %s: %s. Set key_id instead of key_name to choose one.",
				len(found), name, region, strings.Join(ids, ", "))
	}
}
