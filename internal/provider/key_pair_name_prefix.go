package provider

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// key_name_prefix: key names are unique in the account, so a key pair with a
// fixed name cannot be made again before the old one is deleted, and
// create_before_destroy fails on the duplicate name. With a prefix, each
// key pair gets a name of its own: the prefix and a random suffix. The
// name is made at apply (a name made at plan would change between the
// plan and the apply, which Terraform refuses) and then stays in state for
// as long as the prefix does.

// keyNameSuffixLength is the length of the random part of a name made from
// key_name_prefix: 8 characters of base32 (40 bits) make a clash between
// two names of one prefix unlikely enough, and leave 17 for the prefix.
const keyNameSuffixLength = 8

// maxKeyNamePrefixLength leaves room for the suffix within the API's limit.
const maxKeyNamePrefixLength = apicontract.MaxKeyNameLength - keyNameSuffixLength

// uniqueKeyName makes a key name from a prefix: the prefix and
// keyNameSuffixLength random lower-case letters and digits.
func uniqueKeyName(prefix string) string {
	return prefix + strings.ToLower(rand.Text()[:keyNameSuffixLength])
}

// madeFromPrefix tells whether name is a name that uniqueKeyName could
// have made from prefix.
func madeFromPrefix(name, prefix string) bool {
	suffix, ok := strings.CutPrefix(name, prefix)
	if !ok || len(suffix) != keyNameSuffixLength {
		return false
	}
	for _, c := range suffix {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

var keyNamePrefixRule = fmt.Sprintf("A key_name_prefix has 1 to %d letters, digits and underscores (A-Z, a-z, 0-9 and _): "+
	"the provider adds %d characters to make a unique name, and key pair names have at most %d.",
	maxKeyNamePrefixLength, keyNameSuffixLength, apicontract.MaxKeyNameLength)

func keyNamePrefixValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid key pair name prefix",
		rule: func(prefix string) *apicontract.Violation {
			v := apicontract.KeyName(prefix)
			if v == nil && len(prefix) > maxKeyNamePrefixLength {
				v = &apicontract.Violation{Code: apicontract.CodeKeyNameTooLong}
			}
			if v == nil {
				return nil
			}
			return &apicontract.Violation{Code: v.Code, Rule: keyNamePrefixRule}
		},
		description: keyNamePrefixRule,
		showValue:   true,
	}}
}

// keyNamePrefixChanged replaces the key pair for a new prefix (see
// keyNamePrefixReplaces).
func keyNamePrefixChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = keyNamePrefixReplaces(req.StateValue, req.PlanValue)
}

// keyNameFromPrefix plans key_name when key_name_prefix is set instead:
// the name in state while it is made from the prefix, so that it stays;
// otherwise unknown, and the apply makes a new name (Create, or a rename
// in Update).
type keyNameFromPrefix struct{}

func (keyNameFromPrefix) Description(context.Context) string {
	return "With key_name_prefix, the name in state while it is made from the prefix; otherwise a new name, made at apply."
}

func (m keyNameFromPrefix) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keyNameFromPrefix) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return // key_name is set
	}
	var prefix types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("key_name_prefix"), &prefix)...)
	if prefix.IsNull() || prefix.IsUnknown() || req.State.Raw.IsNull() {
		return // no name (the validators say so), not known yet, or a create
	}
	if madeFromPrefix(req.StateValue.ValueString(), prefix.ValueString()) {
		resp.PlanValue = req.StateValue
		return
	}
	resp.PlanValue = types.StringUnknown()
}
