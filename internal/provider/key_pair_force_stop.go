package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// force_stop lets Tencent Cloud force-stop running instances to unbind a
// key pair from them before it is deleted. That stops servers, so it must
// not happen unannounced: the plan of a destroy or a replacement warns,
// naming the running instances that the key pair is bound to, and the
// apply names those it was unbound from. Without force_stop, a running
// instance makes the delete fail: the plan warns of that too, naming the
// running ones, so that the failure does not come halfway through an
// apply.
//
// What Tencent Cloud does is DisassociateInstancesKeyPairs's: "强制关机场景下，
// 先执行强制关机，再解绑密钥；如实例原状态为 RUNNING，解绑完成后实例会自动开机" (with
// ForceStop, it force-stops the instance, then unbinds the key; an
// instance that was RUNNING starts again once unbound), and without it,
// it unbinds only STOPPED instances.
//
// Which instances run, the plan asks DescribeInstances, once, and only
// when the state (the refresh's listing) shows the key pair bound to
// instances and the plan deletes it.

// forceStopUnbinding says what a delete with force_stop does when the
// plan could not tell which instances run.
const forceStopUnbinding = "Tencent Cloud unbinds it from them, and for that force-stops those of them that are running " +
	"(a hard power-off, without a clean shutdown); as it documents, it starts them again once the key pair is unbound."

const forceStopAvoid = "To keep them running, stop them yourself first, or set force_stop = false and apply that on its own " +
	"first: then a running instance makes the delete fail instead, with an error that names it."

// warnOfBoundInstances warns when the plan deletes a key pair that is bound
// to instances: with force_stop = true, of the running ones it will stop;
// without, of the running ones that will make the delete fail. The
// state's force_stop counts: the delete uses it, also when the
// configuration changes it in the same plan.
func (r *KeyPairResource) warnOfBoundInstances(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return // create
	}
	// The bindings alone first: most key pairs have none, and reading the
	// whole state into the model is a large share of the allocations of
	// every plan of every key pair (BenchmarkPlan; docs/performance.md
	// has the figure).
	var bound types.Set
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("associated_instance_ids"), &bound)...)
	instances := sortedStrings(ctx, bound, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(instances) == 0 {
		return
	}
	var state keyPairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	summary, planned := "Destroying the key pair", ""
	// A destroy's warning is the resource's; a replacement's is
	// force_stop's, in the configuration that the plan keeps.
	warn := func(summary, detail string) { resp.Diagnostics.AddWarning(summary, detail) }
	if !req.Plan.Raw.IsNull() {
		var plan keyPairResourceModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics)
		keptOut := publicKeyKeptOut(ctx, req.Private, &resp.Diagnostics)
		if resp.Diagnostics.HasError() || !replaces(state, plan, wo, keptOut) {
			return
		}
		summary, planned = "Replacing the key pair", ", and this plan replaces it"
		warn = func(summary, detail string) {
			resp.Diagnostics.AddAttributeWarning(path.Root("force_stop"), summary, detail)
		}
	}
	forceStop := state.ForceStop.ValueBool()
	var running, others []string
	err := errNoClient
	if r.client != nil {
		running, others, err = r.client.RunningInstances(ctx, instances)
	}
	if err != nil {
		tflog.Debug(ctx, "Could not tell which instances run", map[string]any{"instances": instances, "error": err.Error()})
	}
	keyPair := fmt.Sprintf("Key pair %s (%s)", state.ID.ValueString(), state.KeyName.ValueString())
	switch {
	case err != nil && forceStop:
		// Today's wording, which does not tell which instances run.
		warn(summary+" stops its running instances",
			fmt.Sprintf("%s has force_stop = true and is bound to instances %s%s. To delete it, %s\n\n%s",
				keyPair, strings.Join(instances, ", "), planned, forceStopUnbinding, forceStopAvoid))
	case err != nil || len(running) == 0:
		// Nothing runs, or nothing says what does: the delete stops
		// nothing, as far as the plan can tell.
	case forceStop:
		warn(summary+" stops its running instances",
			fmt.Sprintf("%s has force_stop = true and is bound to running instances %s%s. To delete it, Tencent Cloud "+
				"force-stops them to unbind it (a hard power-off, without a clean shutdown); as it documents, it starts them "+
				"again once the key pair is unbound.%s\n\n%s",
				keyPair, strings.Join(running, ", "), planned, notRunning(others, "it unbinds the key pair from them without a stop"), forceStopAvoid))
	default:
		warn(summary+" will fail: it is bound to running instances",
			fmt.Sprintf("%s is bound to running instances %s%s, and Tencent Cloud unbinds a key pair only from stopped "+
				"instances: with force_stop = false, deleting it will fail unless they are stopped first.%s\n\n"+
				"Stop %s first, or set force_stop = true and apply that on its own first, to let Tencent Cloud force-stop "+
				"them for the unbinding (a hard power-off; it starts them again afterwards).",
				keyPair, strings.Join(running, ", "), planned, notRunning(others, "they are no obstacle"), strings.Join(running, ", ")))
	}
}

// errNoClient stands for a read that could not be made: the provider was
// not configured.
var errNoClient = errors.New("the provider is not configured")

// notRunning is the sentence that names the bound instances that do not
// run ("" for none), and says what of them.
func notRunning(others []string, what string) string {
	if len(others) == 0 {
		return ""
	}
	return fmt.Sprintf(" The others, %s, are not running: %s.", strings.Join(others, ", "), what)
}

// forceStopApplyWarning reports, after a delete, the instances that the key
// pair was unbound from with force_stop.
func forceStopApplyWarning(id string, instances []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Key pair unbound from instances with force_stop",
		fmt.Sprintf("To delete key pair %s, Tencent Cloud unbound it from instances %s, with force_stop: those of them that "+
			"were running were force-stopped for it (a hard power-off) and, as Tencent Cloud documents, start again once unbound.",
			id, strings.Join(instances, ", ")))
}

// instanceRunningDetail words the error of a delete that a running
// instance refused: it names the running instances when DescribeInstances
// told which they are, and otherwise says "those of them that are
// running".
func instanceRunningDetail(id string, running *client.InstanceRunningError) string {
	if len(running.Running) == 0 {
		return fmt.Sprintf("Key pair %s is bound to instances %s, and Tencent Cloud unbinds a key pair only from stopped instances: "+
			"those of them that are running must be stopped first.\n\n"+
			"Stop them first, or set force_stop = true (and apply) to let Tencent Cloud stop those that are running for the unbinding.\n\n%v",
			id, strings.Join(running.InstanceIDs, ", "), running)
	}
	var others []string
	for _, instance := range running.InstanceIDs {
		if !slices.Contains(running.Running, instance) {
			others = append(others, instance)
		}
	}
	return fmt.Sprintf("Key pair %s is bound to running instances %s, and Tencent Cloud unbinds a key pair only from stopped instances.%s\n\n"+
		"Stop %s first, or set force_stop = true (and apply) to let Tencent Cloud stop them for the unbinding.\n\n%v",
		id, strings.Join(running.Running, ", "), notRunning(others, "they are no obstacle"), strings.Join(running.Running, ", "), running)
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
