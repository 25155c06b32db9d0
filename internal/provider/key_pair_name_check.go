package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Key pair names are unique in the account, so a plan that gives one name
// to two key pairs, or a name that a key pair outside the configuration
// holds, fails at apply: after the key pairs planned before it were made,
// or after a create that waited for nothing. The plan refuses both
// instead, from what it knows without calling the API: the names that the
// other tencentcloud_key_pair resources of this configuration planned
// before (the provider sees every resource's plan, but not its address),
// and the region's listing that the plan's refresh left in the client.

// planOwnIDKey is the private state key under which a plan keeps the id of
// the key pair the resource manages: Terraform plans a replacement again
// with a null prior state, and hands that second plan only the private
// state of the first.
const planOwnIDKey = "plan_own_id"

// plannedNames are the key names that the resources of one configuration
// of the provider planned, by name: the id of the key pair that plans it,
// "" for a new one. Terraform plans resources concurrently.
type plannedNames struct {
	mu     sync.Mutex
	byName map[string]string
}

// claim records that the key pair ownID (or a new one, "") plans name, and
// returns whether another resource planned it before, and that one's id.
// The same key pair planning its name again (a replacement's second plan)
// is no conflict.
func (p *plannedNames) claim(name, ownID string) (other string, taken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byName == nil {
		p.byName = map[string]string{}
	}
	other, planned := p.byName[name]
	if planned && (ownID == "" || other != ownID) {
		return other, true
	}
	p.byName[name] = ownID
	return "", false
}

// checkKeyNameAtPlan refuses a planned key_name that another key pair of
// this configuration plans too, or that a key pair this resource does not
// manage holds. An unknown name (key_name_prefix, or a value known only at
// apply) is not checked.
func (r *KeyPairResource) checkKeyNameAtPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("key_name"), &name)...)
	ownID, prior := r.ownKeyPairID(ctx, req, resp)
	if resp.Diagnostics.HasError() || r.client == nil || name.IsNull() || name.IsUnknown() {
		return
	}
	if r.names != nil {
		if other, taken := r.names.claim(name.ValueString(), ownID); taken {
			which := "a new key pair"
			if other != "" {
				which = "key pair " + other + ", which it manages"
			}
			resp.Diagnostics.AddAttributeError(path.Root("key_name"), "Key pair name already in use in this configuration",
				fmt.Sprintf("Another tencentcloud_key_pair of this configuration plans the key name %q too, for %s. Tencent Cloud "+
					"keeps key pair names unique in the account, so one of the two would fail at apply.\n\n"+
					"Give each resource a key_name of its own (with count or for_each, put count.index or each.key in it), "+
					"or use key_name_prefix, which makes a unique name for each.", name.ValueString(), which))
			return
		}
	}
	holder, listed := r.client.ListedKeyPairByName(name.ValueString())
	if !listed || holder == nil || holder.ID == ownID {
		return
	}
	if holder.CreateToken != "" && ownID == "" {
		// A key pair of this provider's making may be this resource's
		// own, tainted: Terraform plans its replacement as a create,
		// without its state or private state. The apply tells
		// (addAPIError).
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("key_name"), "Key pair name already in use",
		fmt.Sprintf("Key pair %s already holds the name %q, and this resource does not manage it. Tencent Cloud keeps key pair "+
			"names unique in the account, so the %s would fail at apply.\n\n"+
			"Choose another key_name, or manage the existing key pair with Terraform:\n"+
			"  terraform import tencentcloud_key_pair.<name> %s\n"+
			"If another resource of this configuration manages it and gives the name up in this plan (it is renamed or destroyed), "+
			"Terraform does not order the two: apply that change first (terraform apply -target=<its address>), or, if the "+
			"resource only moved to a new address, say so with a moved block.", holder.ID, name.ValueString(), createOrRename(prior), holder.ID))
}

func createOrRename(prior bool) string {
	if prior {
		return "rename"
	}
	return "create"
}

// ownKeyPairID returns the id of the key pair that the resource manages,
// "" for a new one, and whether the plan has a prior state. A
// replacement's second plan has none, and takes the id from the private
// state that the first one kept.
func (r *KeyPairResource) ownKeyPairID(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (string, bool) {
	if !req.State.Raw.IsNull() {
		var id types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
		if id.ValueString() != "" {
			raw, err := json.Marshal(id.ValueString())
			if err == nil {
				resp.Diagnostics.Append(resp.Private.SetKey(ctx, planOwnIDKey, raw)...)
			}
		}
		return id.ValueString(), true
	}
	raw, d := req.Private.GetKey(ctx, planOwnIDKey)
	resp.Diagnostics.Append(d...)
	var id string
	if len(raw) > 0 && json.Unmarshal(raw, &id) != nil {
		id = ""
	}
	return id, false
}
