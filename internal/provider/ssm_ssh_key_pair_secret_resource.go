package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var (
	_ resource.Resource                = &SSMSSHKeyPairSecretResource{}
	_ resource.ResourceWithConfigure   = &SSMSSHKeyPairSecretResource{}
	_ resource.ResourceWithImportState = &SSMSSHKeyPairSecretResource{}
)

// NewSSMSSHKeyPairSecretResource returns the
// tencentcloud_ssm_ssh_key_pair_secret resource.
func NewSSMSSHKeyPairSecretResource() resource.Resource {
	return &SSMSSHKeyPairSecretResource{}
}

// SSMSSHKeyPairSecretResource manages one SSH key pair secret of Secrets
// Manager: a CVM key pair whose private key Secrets Manager keeps, so that
// it never reaches the state (the ephemeral resource
// tencentcloud_ssm_ssh_key_pair_value reads it when it is needed).
type SSMSSHKeyPairSecretResource struct {
	client *client.Client
}

type ssmSecretModel struct {
	ID                   types.String   `tfsdk:"id"`
	SecretName           types.String   `tfsdk:"secret_name"`
	ProjectID            types.Int64    `tfsdk:"project_id"`
	Description          types.String   `tfsdk:"description"`
	KmsKeyID             types.String   `tfsdk:"kms_key_id"`
	SSHKeyName           types.String   `tfsdk:"ssh_key_name"`
	SSHKeyID             types.String   `tfsdk:"ssh_key_id"`
	ResourceID           types.String   `tfsdk:"resource_id"`
	Tags                 types.Map      `tfsdk:"tags"`
	Status               types.String   `tfsdk:"status"`
	CleanSSHKey          types.Bool     `tfsdk:"clean_ssh_key"`
	RecoveryWindowInDays types.Int64    `tfsdk:"recovery_window_in_days"`
	CreateTime           types.Int64    `tfsdk:"create_time"`
	SecretType           types.Int64    `tfsdk:"secret_type"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// Metadata names the resource tencentcloud_ssm_ssh_key_pair_secret.
func (r *SSMSSHKeyPairSecretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ssm_ssh_key_pair_secret"
}

// Schema describes the resource: every argument and attribute of the
// official provider's, with the same names and meanings, and ssh_key_id,
// recovery_window_in_days and timeouts.
func (r *SSMSSHKeyPairSecretResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An SSH key pair hosted by Tencent Cloud Secrets Manager (SSM): the secret makes a CVM key pair and " +
			"keeps its private key encrypted, so that the private key never reaches Terraform's state. Read it when it is " +
			"needed with the ephemeral resource `tencentcloud_ssm_ssh_key_pair_value` (Terraform 1.10 and later).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The secret's name, as `secret_name`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "Secret name, which must be unique in the same region. It can contain 128 bytes of letters, digits, " +
					"hyphens and underscores and must begin with a letter or digit. Changing it replaces the secret.",
				Required:      true,
				Validators:    secretNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "ID of the project to which the created SSH key belongs (`0`: the default project). Changing it replaces the secret.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description, such as what it is used for. It contains up to 2,048 bytes. Updated in place.",
				Optional:            true,
				Validators:          secretDescriptionValidators(),
			},
			"kms_key_id": schema.StringAttribute{
				MarkdownDescription: "Specifies a KMS CMK to encrypt the secret. If this parameter is left empty, the CMK created by Secrets " +
					"Manager by default will be used for encryption. You can also specify a custom KMS CMK created in the same region " +
					"for encryption. Changing it replaces the secret.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"ssh_key_name": schema.StringAttribute{
				MarkdownDescription: "Name of the SSH key pair, which only contains digits, letters and underscores and must start with a " +
					"digit or letter. The maximum length is 25 characters. When not set, Secrets Manager names it. Changing it replaces the secret.",
				Optional:      true,
				Computed:      true,
				Validators:    sshKeyNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"ssh_key_id": schema.StringAttribute{
				MarkdownDescription: "The key pair ID (`skey-...`), the unique identifier of the key pair in the cloud server: what " +
					"instances take as their key pair.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"resource_id": schema.StringAttribute{
				MarkdownDescription: "The resource ID associated with the secret.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags of secret. Set in the create call and changed in place through the Tag API; read back " +
					"from the Tag API, so tags set elsewhere show as a change. The same rules as the tags of `tencentcloud_key_pair` " +
					"(at most 49: one more is the provider's create token). The provider's `default_tags` do not apply to secrets.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  tagsValidators(),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Enable or Disable Secret. Valid values is `Enabled` or `Disabled`. Default is `Enabled`. " +
					"Changed in place; a Disabled secret's key cannot be read (`tencentcloud_ssm_ssh_key_pair_value`).",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(apicontract.SecretEnabled),
				Validators: []validator.String{
					stringvalidator.OneOf(apicontract.SecretEnabled, apicontract.SecretDisabled),
				},
			},
			"clean_ssh_key": schema.BoolAttribute{
				MarkdownDescription: "Specifies whether to delete the SSH key from both the secret and the SSH key list in the CVM " +
					"console when the secret is destroyed. `true` (the default here): deletes the SSH key from both, so that a " +
					"destroy leaves nothing behind; the destroy fails, naming the instances, if the SSH key is bound to a CVM " +
					"instance. `false`: only deletes the SSH key information in the secret, and the CVM key pair stays. " +
					"**The official provider's default is `false`**: set it to keep that behaviour.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"recovery_window_in_days": schema.Int64Attribute{
				MarkdownDescription: "Days that Secrets Manager keeps a destroyed secret before it deletes it (`DeleteSecret`'s " +
					"`RecoveryWindowInDays`, 0 to 30). Default `0`: deleted at once. Tencent Cloud documents that an SSH key pair " +
					"secret takes only `0`, and the plan refuses any other value.",
				Optional:   true,
				Computed:   true,
				Default:    int64default.StaticInt64(0),
				Validators: []validator.Int64{int64validator.Between(0, apicontract.MaxRecoveryWindowInDays), recoveryWindowValidator{}},
			},
			"create_time": schema.Int64Attribute{
				MarkdownDescription: "Credential creation time in UNIX timestamp format.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"secret_type": schema.Int64Attribute{
				MarkdownDescription: "`0`: user-defined secret. `1`: Tencent Cloud services secret. `2`: SSH key secret. `3`: Tencent Cloud API key secret.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// Configure takes the client that the provider configured.
func (r *SSMSSHKeyPairSecretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*resourceData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *resourceData, got %T.", req.ProviderData))
		return
	}
	r.client = data.client
}

// Create makes the secret and its key pair, then disables it if asked.
func (r *SSMSSHKeyPairSecretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan ssmSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// As a key pair's create: one in flight when Terraform is stopped runs
	// to its end, so that what it made reaches the state.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()

	spec := client.SecretSpec{
		Name:        plan.SecretName.ValueString(),
		ProjectID:   plan.ProjectID.ValueInt64(),
		Description: plan.Description.ValueString(),
		KmsKeyID:    plan.KmsKeyID.ValueString(),
		KeyName:     plan.SSHKeyName.ValueString(),
		Tags:        stringMap(ctx, plan.Tags, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.CreateSSHKeyPairSecret(ctx, spec)
	var notShown *client.SecretNotShownError
	if errors.As(err, &notShown) {
		// Made all the same: tracked (and tainted), never orphaned.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(spec.Name))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("secret_name"), types.StringValue(spec.Name))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), types.Int64Value(spec.ProjectID))...)
		if notShown.Secret.KeyID != "" {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ssh_key_id"), types.StringValue(notShown.Secret.KeyID))...)
		}
		resp.Diagnostics.AddError("Secret created but not readable", fmt.Sprintf("Secret %q was created, but reading it back failed: %s", spec.Name, err))
		return
	}
	if err != nil {
		addSSMError(r.client, &resp.Diagnostics, "create the secret "+spec.Name, err)
		return
	}
	wantStatus := plan.Status.ValueString()
	plan.refresh(ctx, s, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if wantStatus == apicontract.SecretDisabled && s.Status != wantStatus {
		if err := r.client.SetSecretEnabled(ctx, spec.Name, false); err != nil {
			addSSMError(r.client, &resp.Diagnostics, "disable the secret "+spec.Name, err)
			return
		}
		plan.Status = types.StringValue(wantStatus)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Read refreshes the secret from DescribeSecret and its tags from the Tag
// API: two calls, one of them to Secrets Manager. The key pair's id is
// read only when the state lacks it (after an import): a secret's key
// pair never changes.
func (r *SSMSSHKeyPairSecretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state ssmSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.ID.ValueString()
	s, err := r.client.ReadSecret(ctx, name)
	var notFound *client.NotFoundError
	if errors.As(err, &notFound) {
		resp.Diagnostics.AddWarning("Secret gone",
			fmt.Sprintf("Secret %q was not found: it no longer exists. It is removed from the state, and the next apply creates it again.", name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addSSMError(r.client, &resp.Diagnostics, "read the secret "+name, err)
		return
	}
	s.KeyID = state.SSHKeyID.ValueString()
	if s.KeyID == "" {
		if s.KeyID, err = r.client.KeyPairIDByName(ctx, s.KeyName); err != nil {
			addSSMError(r.client, &resp.Diagnostics, fmt.Sprintf("find the key pair %q of secret %s", s.KeyName, name), err)
			return
		}
	}
	state.refresh(ctx, s, &resp.Diagnostics)
	// Imported secrets start without the defaults of what only
	// Terraform holds.
	if state.CleanSSHKey.IsNull() {
		state.CleanSSHKey = types.BoolValue(true)
	}
	if state.RecoveryWindowInDays.IsNull() {
		state.RecoveryWindowInDays = types.Int64Value(0)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes the description (UpdateDescription), the status
// (EnableSecret, DisableSecret) and the tags (the Tag API) in place; any
// other change replaces the secret.
func (r *SSMSSHKeyPairSecretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state ssmSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := state.ID.ValueString()

	if plan.Description.ValueString() != state.Description.ValueString() {
		if err := r.client.UpdateSecretDescription(ctx, name, plan.Description.ValueString()); err != nil {
			addSSMError(r.client, &resp.Diagnostics, "change the description of secret "+name, err)
			return
		}
	}
	if !plan.Status.Equal(state.Status) {
		if err := r.client.SetSecretEnabled(ctx, name, plan.Status.ValueString() == apicontract.SecretEnabled); err != nil {
			addSSMError(r.client, &resp.Diagnostics, "change the status of secret "+name, err)
			return
		}
	}
	want := stringMap(ctx, plan.Tags, &resp.Diagnostics)
	have := stringMap(ctx, state.Tags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if replace, remove := tagChanges(have, want); len(replace) > 0 || len(remove) > 0 {
		// The Tag API names a secret by its creator's uin, which only
		// DescribeSecret gives.
		s, err := r.client.DescribeSecret(ctx, name)
		if err == nil {
			err = r.client.ModifySecretTags(ctx, s, replace, remove)
		}
		if err != nil {
			addSSMError(r.client, &resp.Diagnostics, "change the tags of secret "+name, err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete disables the secret and deletes it, and with clean_ssh_key its
// key pair.
func (r *SSMSSHKeyPairSecretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state ssmSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := state.ID.ValueString()
	clean := state.CleanSSHKey.IsNull() || state.CleanSSHKey.ValueBool()
	days := max(state.RecoveryWindowInDays.ValueInt64(), 0)
	if err := r.client.DeleteSSHKeyPairSecret(ctx, name, state.SSHKeyID.ValueString(), clean, uint64(days)); err != nil {
		addSSMError(r.client, &resp.Diagnostics, "delete the secret "+name, err)
	}
}

// ImportState takes the secret's name, as the official provider does.
func (r *SSMSSHKeyPairSecretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if v := apicontract.SecretName(req.ID); v != nil {
		resp.Diagnostics.AddError("Invalid secret name", fmt.Sprintf("Import takes the secret's name. %s Got: %q.", v.Rule, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("secret_name"), req.ID)...)
}

// refresh copies what the API says of the secret into the model. An
// absent description or tag set stays null rather than empty when it was.
func (m *ssmSecretModel) refresh(ctx context.Context, s *client.Secret, diags *diag.Diagnostics) {
	m.ID = types.StringValue(s.Name)
	m.SecretName = types.StringValue(s.Name)
	m.ProjectID = types.Int64Value(s.ProjectID)
	if s.Description != "" || !m.Description.IsNull() {
		m.Description = types.StringValue(s.Description)
	}
	m.KmsKeyID = types.StringValue(s.KmsKeyID)
	m.SSHKeyName = types.StringValue(s.KeyName)
	m.SSHKeyID = types.StringValue(s.KeyID)
	m.ResourceID = types.StringValue(s.ResourceID)
	if s.Status != "" {
		m.Status = types.StringValue(s.Status)
	}
	m.CreateTime = types.Int64Value(s.CreateTime)
	m.SecretType = types.Int64Value(s.SecretType)
	if len(s.Tags) > 0 || !m.Tags.IsNull() {
		tags, d := types.MapValueFrom(ctx, types.StringType, s.Tags)
		diags.Append(d...)
		m.Tags = tags
	}
}
