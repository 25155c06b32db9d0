package provider

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// Differential fuzz tests: for every input, the provider's plan-time
// validators must accept exactly what the emulator's handlers accept, so
// that a plan never refuses a value the API takes, and no value the API
// refuses gets past the plan. The emulator's Validate* functions are the
// ones its handlers call. Seed corpora are in testdata/fuzz/<target>.
//
// Terraform strings are always valid UTF-8, so other inputs are skipped.

// checkStringValidators runs validators on value at attribute name and
// reports whether they accepted it. A refusal must name the attribute.
func checkStringValidators(t *testing.T, name string, validators []validator.String, value string) bool {
	t.Helper()
	p := path.Root(name)
	var diags diag.Diagnostics
	for _, v := range validators {
		req := validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		diags.Append(resp.Diagnostics...)
	}
	checkNamesAttribute(t, diags, p)
	return !diags.HasError()
}

// checkTagsValidators runs the tags validators on a one-entry map.
func checkTagsValidators(t *testing.T, key, value string) bool {
	t.Helper()
	p := path.Root("tags")
	m := types.MapValueMust(types.StringType, map[string]attr.Value{key: types.StringValue(value)})
	var diags diag.Diagnostics
	for _, v := range tagsValidators() {
		req := validator.MapRequest{Path: p, PathExpression: p.Expression(), ConfigValue: m}
		var resp validator.MapResponse
		v.ValidateMap(context.Background(), req, &resp)
		diags.Append(resp.Diagnostics...)
	}
	checkNamesAttribute(t, diags, p)
	return !diags.HasError()
}

// checkNamesAttribute fails the test when an error diagnostic does not name
// the attribute (or a part of it), which Terraform shows to the user.
func checkNamesAttribute(t *testing.T, diags diag.Diagnostics, p path.Path) {
	t.Helper()
	for _, d := range diags.Errors() {
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok || !strings.HasPrefix(withPath.Path().String(), p.String()) {
			t.Errorf("diagnostic %q (%s) does not name the attribute %s", d.Summary(), d.Detail(), p)
		}
	}
}

// compareRules fails the test when the provider and the emulator disagree.
func compareRules(t *testing.T, what, input string, providerOK bool, apiErr error) {
	t.Helper()
	switch {
	case providerOK && apiErr != nil:
		t.Fatalf("%s %q: the provider accepts it, the emulator refuses it: %v", what, input, apiErr)
	case !providerOK && apiErr == nil:
		t.Fatalf("%s %q: the emulator accepts it, the provider refuses it", what, input)
	}
}

func FuzzKeyNameRules(f *testing.F) {
	for _, s := range []string{"", "a", "deploy_2026", "has-dash", strings.Repeat("a", 25), strings.Repeat("a", 26), "名字", " a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			t.Skip("not valid UTF-8")
		}
		compareRules(t, "key name", name, checkStringValidators(t, "key_name", keyNameValidators(), name), emulator.ValidateKeyName(name))
	})
}

func FuzzDescriptionRules(f *testing.F) {
	for _, s := range []string{"", "CI deploy key", strings.Repeat("d", 60), strings.Repeat("d", 61), strings.Repeat("钥", 60), strings.Repeat("钥", 61)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, description string) {
		if !utf8.ValidString(description) {
			t.Skip("not valid UTF-8")
		}
		compareRules(t, "description", description,
			checkStringValidators(t, "description", descriptionValidators(), description), emulator.ValidateDescription(description))
	})
}

// FuzzTagRules checks a key and a value, each on its own against a valid
// other half, so that one bad half does not hide a disagreement on the
// other.
func FuzzTagRules(f *testing.F) {
	for _, s := range []string{"team", "", " team", "team ", "a b", "qcs:x", "Project", "项目a", "QCLOUD", "Tencent_x", "a*b", strings.Repeat("k", 127), strings.Repeat("k", 128)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("not valid UTF-8")
		}
		compareRules(t, "tag key", s, checkTagsValidators(t, s, "v"), emulator.ValidateTagKey(s))
		compareRules(t, "tag value", s, checkTagsValidators(t, "k", s), emulator.ValidateTagValue(s))
	})
}

func FuzzPublicKeyRules(f *testing.F) {
	f.Add("not a key")
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsb9k0LlZvwT8wBfJ3yYRPUw3CRWdxHXLqVM2lgZUZ3 x")
	f.Fuzz(func(t *testing.T, publicKey string) {
		if !utf8.ValidString(publicKey) {
			t.Skip("not valid UTF-8")
		}
		compareRules(t, "public key", publicKey,
			checkStringValidators(t, "public_key", []validator.String{publicKeyValidator{}}, publicKey), emulator.ValidatePublicKey(publicKey))
	})
}
