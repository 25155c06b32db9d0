package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// sshPublicKeyType is a string holding an OpenSSH public key line. Two values
// that differ only in the trailing comment or in whitespace are the same key,
// so that a refresh which reads the key back in another form is no drift.
type sshPublicKeyType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = sshPublicKeyType{}
	_ basetypes.StringValuableWithSemanticEquals = sshPublicKeyValue{}
)

func (t sshPublicKeyType) String() string { return "sshPublicKeyType" }

func (t sshPublicKeyType) Equal(o attr.Type) bool {
	_, ok := o.(sshPublicKeyType)
	return ok
}

func (t sshPublicKeyType) ValueType(context.Context) attr.Value { return sshPublicKeyValue{} }

func (t sshPublicKeyType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return sshPublicKeyValue{StringValue: in}, nil
}

func (t sshPublicKeyType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return sshPublicKeyValue{StringValue: s}, nil
}

// sshPublicKeyValue is a value of sshPublicKeyType.
type sshPublicKeyValue struct {
	basetypes.StringValue
}

func (v sshPublicKeyValue) Type(context.Context) attr.Type { return sshPublicKeyType{} }

func (v sshPublicKeyValue) Equal(o attr.Value) bool {
	other, ok := o.(sshPublicKeyValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares key material, ignoring comment and spacing.
func (v sshPublicKeyValue) StringSemanticEquals(_ context.Context, o basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := o.(sshPublicKeyValue)
	if !ok {
		return false, nil
	}
	return sshkey.Same(v.ValueString(), other.ValueString()), nil
}

// priorValueForSameKey plans the public key in state when the
// configuration holds the same key with another comment or spacing. The
// framework applies StringSemanticEquals only to the values that Create,
// Read and Update return, never to a plan, which is the configuration as
// written: without this, a new comment planned an update of the whole key
// line (some 560 characters for a 3072-bit key) that changed nothing. Terraform
// accepts the prior value in place of a configured one as equivalent.
type priorValueForSameKey struct{}

func (priorValueForSameKey) Description(context.Context) string {
	return "The public key in state when the configured one is the same key with another comment or spacing."
}

func (m priorValueForSameKey) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (priorValueForSameKey) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	same, diags := sshPublicKeyValue{StringValue: req.ConfigValue}.StringSemanticEquals(ctx, sshPublicKeyValue{StringValue: req.StateValue})
	resp.Diagnostics.Append(diags...)
	if same {
		resp.PlanValue = req.StateValue
	}
}
