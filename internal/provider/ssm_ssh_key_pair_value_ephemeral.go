package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var (
	_ ephemeral.EphemeralResource                     = &SSMSSHKeyPairValueEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigure        = &SSMSSHKeyPairValueEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigValidators = &SSMSSHKeyPairValueEphemeral{}
)

// NewSSMSSHKeyPairValueEphemeral returns the ephemeral resource
// tencentcloud_ssm_ssh_key_pair_value.
func NewSSMSSHKeyPairValueEphemeral() ephemeral.EphemeralResource {
	return &SSMSSHKeyPairValueEphemeral{}
}

// SSMSSHKeyPairValueEphemeral reads a secret's key pair, private key
// included, for the length of one Terraform operation: Terraform keeps
// its values in no state and no plan file.
type SSMSSHKeyPairValueEphemeral struct {
	client *client.Client
}

type ssmKeyPairValueEphemeralModel struct {
	SecretName        types.String `tfsdk:"secret_name"`
	SSHKeyID          types.String `tfsdk:"ssh_key_id"`
	SSHKeyName        types.String `tfsdk:"ssh_key_name"`
	PublicKey         types.String `tfsdk:"public_key"`
	PrivateKey        types.String `tfsdk:"private_key"`
	PrivateKeyOpenSSH types.String `tfsdk:"private_key_openssh"`
}

// Metadata names the ephemeral resource tencentcloud_ssm_ssh_key_pair_value.
func (e *SSMSSHKeyPairValueEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ssm_ssh_key_pair_value"
}

// Schema describes the ephemeral resource.
func (e *SSMSSHKeyPairValueEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The key pair of an SSH key pair secret of Secrets Manager (`tencentcloud_ssm_ssh_key_pair_secret`), " +
			"with its private key, for the length of one Terraform operation: Terraform keeps none of it in the state or in a " +
			"plan file. Use it in a `connection` block, a provisioner, a provider block or a write-only argument. Needs " +
			"Terraform 1.10 or later. The secret must be `Enabled`.",
		Attributes: map[string]schema.Attribute{
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "The secret's name. Exactly one of `secret_name` and `ssh_key_id`.",
				Optional:            true,
				Validators:          secretNameValidators(),
			},
			"ssh_key_id": schema.StringAttribute{
				MarkdownDescription: "The key pair's id (`skey-...`), the secret's `ssh_key_id`. Exactly one of `secret_name` and " +
					"`ssh_key_id`; set from the answer when `secret_name` is given.",
				Optional:   true,
				Computed:   true,
				Validators: keyPairIDValidators(),
			},
			"ssh_key_name": schema.StringAttribute{
				MarkdownDescription: "The key pair's name.",
				Computed:            true,
			},
			"public_key": schema.StringAttribute{
				MarkdownDescription: "The public key, an OpenSSH line (`ssh-rsa AAAA...`).",
				Computed:            true,
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "The private key in PEM, as Secrets Manager keeps it (decoded from the API's base64).",
				Computed:            true,
				Sensitive:           true,
			},
			"private_key_openssh": schema.StringAttribute{
				MarkdownDescription: "The same private key in the OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`), as " +
					"`ssh-keygen` writes it.",
				Computed:  true,
				Sensitive: true,
			},
		},
	}
}

// ConfigValidators require exactly one of secret_name and ssh_key_id.
func (e *SSMSSHKeyPairValueEphemeral) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{
		ephemeralvalidator.ExactlyOneOf(path.MatchRoot("secret_name"), path.MatchRoot("ssh_key_id")),
	}
}

// Configure takes the client that the provider configured.
func (e *SSMSSHKeyPairValueEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	c, ok := req.ProviderData.(*client.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *client.Client, got %T.", req.ProviderData))
		return
	}
	e.client = c
}

// Open reads the key pair: one GetSSHKeyPairValue call.
func (e *SSMSSHKeyPairValueEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m ssmKeyPairValueEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := e.client.GetSSHKeyPairValue(ctx, m.SecretName.ValueString(), m.SSHKeyID.ValueString())
	if err != nil {
		addSSMError(e.client, &resp.Diagnostics, "read the key pair of the secret", err)
		return
	}
	m.SSHKeyID = types.StringValue(v.KeyID)
	m.SSHKeyName = types.StringValue(v.KeyName)
	m.PublicKey = types.StringValue(v.PublicKey)
	m.PrivateKey = types.StringValue(v.PrivateKey)
	m.PrivateKeyOpenSSH = openSSHPrivateKeyValue(m.PrivateKey, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
