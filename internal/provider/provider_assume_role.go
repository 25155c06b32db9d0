package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// assumeRoleModel is the provider's assume_role block, with the attribute
// names of the official provider.
type assumeRoleModel struct {
	RoleArn         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	Policy          types.String `tfsdk:"policy"`
	ExternalID      types.String `tfsdk:"external_id"`
}

func assumeRoleBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Assume a CAM role with STS AssumeRole, using the credentials resolved above, and make every call " +
			"with the role's temporary credentials, renewed before they expire. Each attribute falls back to its " +
			"`TENCENTCLOUD_ASSUME_ROLE_*` environment variable; `TENCENTCLOUD_ASSUME_ROLE_ARN` alone turns it on without the block.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"role_arn": schema.StringAttribute{
					MarkdownDescription: "ARN of the role, such as `qcs::cam::uin/100000000001:roleName/deployer`. " +
						"Falls back to `TENCENTCLOUD_ASSUME_ROLE_ARN`; required one way or the other.",
					Optional: true,
				},
				"session_name": schema.StringAttribute{
					MarkdownDescription: "Session name, which shows in the audit log. Falls back to " +
						"`TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME`; required one way or the other.",
					Optional: true,
				},
				"session_duration": schema.Int64Attribute{
					MarkdownDescription: fmt.Sprintf("Lifetime of the temporary credentials in seconds, up to `%d`; default `%d`. "+
						"Falls back to `TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION`.", client.MaxSessionDuration, client.DefaultSessionDuration),
					Optional:   true,
					Validators: []validator.Int64{int64validator.Between(0, client.MaxSessionDuration)},
				},
				"policy": schema.StringAttribute{
					MarkdownDescription: "A policy document (JSON) that narrows what the role may do in this session. " +
						"Falls back to `TENCENTCLOUD_ASSUME_ROLE_POLICY`.",
					Optional: true,
				},
				"external_id": schema.StringAttribute{
					MarkdownDescription: "External id that the role's trust policy asks for. Falls back to `TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID`.",
					Optional:            true,
				},
			},
		},
	}
}

// settings turns the block into the client's AssumeRole; unset attributes
// stay empty so that the environment can fill them.
func (m assumeRoleModel) settings(diags *diag.Diagnostics) *client.AssumeRole {
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"role_arn": m.RoleArn, "session_name": m.SessionName, "session_duration": m.SessionDuration, "policy": m.Policy, "external_id": m.ExternalID,
	} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root("assume_role").AtListIndex(0).AtName(name), "Unknown provider attribute",
				fmt.Sprintf("The provider cannot be configured while assume_role.%s is unknown.", name))
		}
	}
	return &client.AssumeRole{
		RoleArn:         m.RoleArn.ValueString(),
		SessionName:     m.SessionName.ValueString(),
		SessionDuration: m.SessionDuration.ValueInt64(),
		Policy:          m.Policy.ValueString(),
		ExternalID:      m.ExternalID.ValueString(),
	}
}
