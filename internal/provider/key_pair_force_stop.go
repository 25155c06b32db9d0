package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// force_stop lets Tencent Cloud force-stop running instances to unbind a
// key pair from them before it is deleted. That stops servers, so it must
// not happen unannounced: the plan of a destroy or a replacement warns,
// naming the instances the key pair is bound to, and the apply names those
// it was unbound from.
//
// What Tencent Cloud does is DisassociateInstancesKeyPairs's: "强制关机场景下，
// 先执行强制关机，再解绑密钥；如实例原状态为 RUNNING，解绑完成后实例会自动开机" (with
// ForceStop, it force-stops the instance, then unbinds the key; an
// instance that was RUNNING starts again once unbound).

const forceStopUnbinding = "Tencent Cloud unbinds it from them, and for that force-stops those of them that are running " +
	"(a hard power-off, without a clean shutdown); as it documents, it starts them again once the key pair is unbound."

const forceStopAvoid = "To keep them running, stop them yourself first, or set force_stop = false and apply that on its own " +
	"first: then a running instance makes the delete fail instead, with an error that names it."

// warnOfForceStop warns when the plan deletes a key pair that has
// force_stop = true and is bound to instances. The state's force_stop
// counts: the delete uses it, also when the configuration changes it in
// the same plan.
func warnOfForceStop(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return // create
	}
	// force_stop alone first: it is false for most key pairs, and reading
	// the whole state into the model is a large share of the allocations
	// of every plan of every key pair (BenchmarkPlan; docs/performance.md
	// has the figure).
	var forceStop types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("force_stop"), &forceStop)...)
	if resp.Diagnostics.HasError() || !forceStop.ValueBool() {
		return
	}
	var state keyPairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	instances := sortedStrings(ctx, state.AssociatedInstanceIDs, &resp.Diagnostics)
	if len(instances) == 0 {
		return
	}
	bound := fmt.Sprintf("Key pair %s (%s) has force_stop = true and is bound to instances %s",
		state.ID.ValueString(), state.KeyName.ValueString(), strings.Join(instances, ", "))
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Destroying the key pair stops its running instances",
			fmt.Sprintf("%s. To delete it, %s\n\n%s", bound, forceStopUnbinding, forceStopAvoid))
		return
	}
	var plan keyPairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics)
	keptOut := publicKeyKeptOut(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !replaces(state, plan, wo, keptOut) {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("force_stop"), "Replacing the key pair stops its running instances",
		fmt.Sprintf("%s, and this plan replaces it. To delete it, %s\n\n%s", bound, forceStopUnbinding, forceStopAvoid))
}

// forceStopApplyWarning reports, after a delete, the instances that the key
// pair was unbound from with force_stop.
func forceStopApplyWarning(id string, instances []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Key pair unbound from instances with force_stop",
		fmt.Sprintf("To delete key pair %s, Tencent Cloud unbound it from instances %s, with force_stop: those of them that "+
			"were running were force-stopped for it (a hard power-off) and, as Tencent Cloud documents, start again once unbound.",
			id, strings.Join(instances, ", ")))
}

// sortedStrings returns the elements of a set of strings, sorted.
func sortedStrings(ctx context.Context, set types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if set.IsNull() || set.IsUnknown() {
		return out
	}
	diags.Append(set.ElementsAs(ctx, &out, false)...)
	slices.Sort(out)
	return out
}
