package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// checkProjectAtPlan fails the plan of a key pair that is to be created in
// a project the account does not have. Tencent Cloud would refuse the
// create (InvalidProjectId.NotFound), but only at apply, and for a
// replacement only after the old key pair was deleted: a project_id
// changed to a project that does not exist would destroy the key pair
// and make none. Checked at plan, the plan fails and nothing changes.
//
// It checks every create into a project other than the default one (0),
// and a change of project_id. A replacement for another reason (a new
// public key) is checked too: Terraform plans the new key pair of a
// replacement again with no prior state, which is a create here. The
// account's projects are listed once per provider process
// (client.ProjectExists), so a plan of many key pairs costs one
// DescribeProjects call. When the projects cannot be listed (the
// credentials may not allow the Tag API's DescribeProjects), the plan
// goes on with a warning: the check is a safeguard, not a requirement.
//
// It does nothing for a destroy, before the provider is configured, or
// while project_id is unknown. ModifyPlan calls it.
func checkProjectAtPlan(ctx context.Context, c *client.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if c == nil || req.Plan.Raw.IsNull() {
		return
	}
	var planned types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("project_id"), &planned)...)
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() || planned.ValueInt64() == client.DefaultProjectID {
		return
	}
	if !req.State.Raw.IsNull() {
		var prior types.Int64
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("project_id"), &prior)...)
		if resp.Diagnostics.HasError() || prior.Equal(planned) {
			return // the key pair stays in the project it is in
		}
	}
	id := planned.ValueInt64()
	exists, err := c.ProjectExists(ctx, id)
	if err != nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("project_id"), "Could not check the project",
			fmt.Sprintf("The provider could not list the account's projects (Tag API DescribeProjects) to check that project %d "+
				"exists, so a missing project will fail only at apply, and a replacement into it after the old key pair was "+
				"deleted. The error: %s", id, err))
		return
	}
	if !exists {
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Project not found",
			fmt.Sprintf("Project %d does not exist in this Tencent Cloud account (the Tag API's DescribeProjects does not list it), "+
				"and Tencent Cloud refuses to create a key pair in it. The plan stops here, so nothing was destroyed and nothing "+
				"was created. Create the project first, or set project_id to an existing project (0 is the default project).", id))
	}
}
