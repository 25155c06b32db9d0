package provider

import (
	"context"
	"encoding/base64"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var (
	_ datasource.DataSource                     = &SSMSSHKeyPairValueDataSource{}
	_ datasource.DataSourceWithConfigure        = &SSMSSHKeyPairValueDataSource{}
	_ datasource.DataSourceWithConfigValidators = &SSMSSHKeyPairValueDataSource{}
)

// NewSSMSSHKeyPairValueDataSource returns the
// tencentcloud_ssm_ssh_key_pair_value data source.
func NewSSMSSHKeyPairValueDataSource() datasource.DataSource {
	return &SSMSSHKeyPairValueDataSource{}
}

// SSMSSHKeyPairValueDataSource reads a secret's key pair with its keys,
// as the official provider's data source does, for the configurations
// that use it: it stores the private key in the state, and says so in a
// warning at every read. The ephemeral resource of the same name does not.
type SSMSSHKeyPairValueDataSource struct {
	client *client.Client
}

type ssmKeyPairValueDataModel struct {
	ID                types.String `tfsdk:"id"`
	SecretName        types.String `tfsdk:"secret_name"`
	SSHKeyID          types.String `tfsdk:"ssh_key_id"`
	PublicKey         types.String `tfsdk:"public_key"`
	PrivateKey        types.String `tfsdk:"private_key"`
	ProjectID         types.Int64  `tfsdk:"project_id"`
	SSHKeyName        types.String `tfsdk:"ssh_key_name"`
	SSHKeyDescription types.String `tfsdk:"ssh_key_description"`
	ResultOutputFile  types.String `tfsdk:"result_output_file"`
}

// Metadata names the data source tencentcloud_ssm_ssh_key_pair_value.
func (d *SSMSSHKeyPairValueDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ssm_ssh_key_pair_value"
}

// privateKeyInStateWarning is what the data source's docs and its warning
// say.
const privateKeyInStateWarning = "This data source stores the secret's **private key in the Terraform state** (and in every plan " +
	"file), in plain text but for base64, as the official provider's does. Use the ephemeral resource " +
	"`tencentcloud_ssm_ssh_key_pair_value` instead (Terraform 1.10 and later): it gives the same key to connection blocks, " +
	"provisioners and write-only arguments without it reaching the state or a plan."

// Schema describes the data source: the official provider's arguments and
// attributes.
func (d *SSMSSHKeyPairValueDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the key pair of an SSH key pair secret of Secrets Manager, by `secret_name` or `ssh_key_id` " +
			"(at least one), with its public and private keys.\n\n~> **Warning:** " + privateKeyInStateWarning,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key pair ID, as `ssh_key_id`.",
				Computed:            true,
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "Secret name.",
				Optional:            true,
				Computed:            true,
				Validators:          secretNameValidators(),
			},
			"ssh_key_id": schema.StringAttribute{
				MarkdownDescription: "The key pair ID is the unique identifier of the key pair in the cloud server.",
				Optional:            true,
				Computed:            true,
				Validators:          keyPairIDValidators(),
			},
			"public_key": schema.StringAttribute{
				MarkdownDescription: "Public key plain text, encoded using base64 (`base64decode()` gives the OpenSSH line).",
				Computed:            true,
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "Private key plain text, encoded using base64 (`base64decode()` gives the PEM). Sensitive, " +
					"and stored in the state: see the warning above.",
				Computed:  true,
				Sensitive: true,
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "The project ID to which this key pair belongs.",
				Computed:            true,
			},
			"ssh_key_name": schema.StringAttribute{
				MarkdownDescription: "SSH key name.",
				Computed:            true,
			},
			"ssh_key_description": schema.StringAttribute{
				MarkdownDescription: "Description of the SSH key pair. Users can modify the description information of the key pair in the CVM console.",
				Computed:            true,
			},
			"result_output_file": schema.StringAttribute{
				MarkdownDescription: "Used to save results: a JSON file of `ssh_key_id`, `ssh_key_name`, `project_id`, " +
					"`ssh_key_description` and `public_key`. The private key is never written to it.",
				Optional: true,
			},
		},
	}
}

// ConfigValidators require secret_name or ssh_key_id, as the official
// provider's docs do.
func (d *SSMSSHKeyPairValueDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.AtLeastOneOf(path.MatchRoot("secret_name"), path.MatchRoot("ssh_key_id")),
	}
}

// Configure takes the client that the provider configured.
func (d *SSMSSHKeyPairValueDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = dataSourceClient(req, resp)
}

// Read reads the key pair and warns that its private key goes to the
// state.
func (d *SSMSSHKeyPairValueDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m ssmKeyPairValueDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Private key stored in the state", privateKeyInStateWarningText)
	v, err := d.client.GetSSHKeyPairValue(ctx, m.SecretName.ValueString(), m.SSHKeyID.ValueString())
	if err != nil {
		addSSMError(d.client, &resp.Diagnostics, "read the key pair of the secret", err)
		return
	}
	m.ID = types.StringValue(v.KeyID)
	m.SSHKeyID = types.StringValue(v.KeyID)
	if m.SecretName.IsNull() || m.SecretName.IsUnknown() {
		// GetSSHKeyPairValue does not name the secret: as in the official
		// provider, it stays as configured.
		m.SecretName = types.StringNull()
	}
	m.PublicKey = types.StringValue(base64.StdEncoding.EncodeToString([]byte(v.PublicKey)))
	m.PrivateKey = types.StringValue(base64.StdEncoding.EncodeToString([]byte(v.PrivateKey)))
	m.ProjectID = types.Int64Value(v.ProjectID)
	m.SSHKeyName = types.StringValue(v.KeyName)
	m.SSHKeyDescription = types.StringValue(v.Description)
	if file := m.ResultOutputFile.ValueString(); file != "" {
		record := map[string]any{
			"ssh_key_id": v.KeyID, "ssh_key_name": v.KeyName, "project_id": v.ProjectID,
			"ssh_key_description": v.Description, "public_key": m.PublicKey.ValueString(),
		}
		if err := writeJSONFile(file, record); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("result_output_file"), "Could not write result_output_file", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// privateKeyInStateWarningText is the warning of every read, in plain
// text.
const privateKeyInStateWarningText = "data.tencentcloud_ssm_ssh_key_pair_value stores the secret's private key in the Terraform " +
	"state and in plan files. Use the ephemeral resource tencentcloud_ssm_ssh_key_pair_value instead (Terraform 1.10 and " +
	"later): ephemeral \"tencentcloud_ssm_ssh_key_pair_value\" \"key\" { secret_name = ... } gives the key to connection " +
	"blocks, provisioners and write-only arguments without storing it."
