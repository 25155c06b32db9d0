package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

var (
	_ resource.Resource                   = &KeyPairResource{}
	_ resource.ResourceWithConfigure      = &KeyPairResource{}
	_ resource.ResourceWithImportState    = &KeyPairResource{}
	_ resource.ResourceWithValidateConfig = &KeyPairResource{}
)

// Default timeouts of the key pair operations. They bound the retries too.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// NewKeyPairResource returns the tencentcloud_key_pair resource.
func NewKeyPairResource() resource.Resource {
	return &KeyPairResource{}
}

// KeyPairResource manages one SSH key pair.
type KeyPairResource struct {
	client *client.Client
	// providerDefaultTags are the provider's default_tags.
	providerDefaultTags map[string]string
	// names are the key names that the key pairs of the configuration
	// planned (key_pair_name_check.go).
	names *plannedNames
}

type keyPairResourceModel struct {
	ID                    types.String      `tfsdk:"id"`
	KeyName               types.String      `tfsdk:"key_name"`
	KeyNamePrefix         types.String      `tfsdk:"key_name_prefix"`
	ProjectID             types.Int64       `tfsdk:"project_id"`
	Description           types.String      `tfsdk:"description"`
	PublicKey             sshPublicKeyValue `tfsdk:"public_key"`
	PublicKeyWO           types.String      `tfsdk:"public_key_wo"`
	PublicKeyWOVersion    types.Int64       `tfsdk:"public_key_wo_version"`
	PrivateKey            types.String      `tfsdk:"private_key"`
	PrivateKeyOpenSSH     types.String      `tfsdk:"private_key_openssh"`
	Fingerprint           types.String      `tfsdk:"fingerprint"`
	Tags                  types.Map         `tfsdk:"tags"`
	TagsAll               types.Map         `tfsdk:"tags_all"`
	CreatedTime           types.String      `tfsdk:"created_time"`
	Region                types.String      `tfsdk:"region"`
	AssociatedInstanceIDs types.Set         `tfsdk:"associated_instance_ids"`
	ForceStop             types.Bool        `tfsdk:"force_stop"`
	PGPKey                types.String      `tfsdk:"pgp_key"`
	EncryptedPrivateKey   types.String      `tfsdk:"encrypted_private_key"`
	KeyFingerprint        types.String      `tfsdk:"key_fingerprint"`
	Timeouts              timeouts.Value    `tfsdk:"timeouts"`
}

// Metadata names the resource tencentcloud_key_pair.
func (r *KeyPairResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_pair"
}

// Schema describes the resource.
func (r *KeyPairResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = keyPairSchemaV1(ctx)
}

// keyPairSchemaV1 is version 1 of the schema: version 0 is the official
// provider's (see key_pair_state_upgrade.go).
func keyPairSchemaV1(ctx context.Context) schema.Schema {
	return schema.Schema{
		Version: 1,
		MarkdownDescription: "An SSH key pair of Tencent Cloud CVM. Without `public_key`, Tencent Cloud generates the key pair and " +
			"the private key is kept in state as a sensitive value; with `public_key`, an existing **RSA** public key is imported and " +
			"no private key ever reaches Terraform; with the write-only `public_key_wo`, not even the public key is kept in state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key pair's id, such as `skey-3glfot13`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_name": schema.StringAttribute{
				MarkdownDescription: "Name of the key pair: 1 to 25 letters, digits and underscores, unique in the account. Renamed in place. " +
					"Exactly one of `key_name` and `key_name_prefix` is required; with `key_name_prefix`, this is the name made from it.",
				Optional:      true,
				Computed:      true,
				Validators:    keyNameValidators(),
				PlanModifiers: []planmodifier.String{keyNameFromPrefix{}},
			},
			"key_name_prefix": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Instead of `key_name`: the name is made unique from this prefix and %d random "+
					"characters (lower-case letters and digits), so that `create_before_destroy` can make a new key pair before the "+
					"old one is deleted (see the guide \"Rotating a key pair without downtime\"). 1 to %d letters, digits and underscores, "+
					"leaving room for the %d within the API's 25; end it with `_` to set the two apart. The name stays as long as the "+
					"prefix does. A new prefix replaces the key pair; moving between `key_name` and `key_name_prefix` renames it in place.",
					keyNameSuffixLength, maxKeyNamePrefixLength, keyNameSuffixLength),
				Optional:   true,
				Validators: keyNamePrefixValidators(),
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(keyNamePrefixChanged,
						"A new key_name_prefix replaces the key pair.", "A new `key_name_prefix` replaces the key pair."),
				},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "Project of the key pair, default `0` (the default project). Changing it replaces the key pair.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the key pair, at most 60 characters. Updated in place.",
				Optional:            true,
				Validators:          descriptionValidators(),
			},
			"public_key": schema.StringAttribute{
				MarkdownDescription: "An OpenSSH **RSA** public key (`ssh-rsa AAAA... comment`) to import: Tencent Cloud takes no other " +
					"type: name it (`ssh-keygen -t rsa -b 4096`), as `ssh-keygen` makes ed25519 keys by default since OpenSSH 9.5. When set, the key pair is made " +
					"with ImportKeyPair and has no `private_key`; when not set, Tencent Cloud generates the key pair and this is its " +
					"public key. Changing the key replaces the key pair; a change of the trailing comment or whitespace alone is no change. " +
					"After `terraform import` of a key pair that Tencent Cloud generated (its key's comment is `skey_...`), this stays null, " +
					"so that generated configuration (`-generate-config-out`) does not pin the key and a later replacement makes a new one.",
				CustomType: sshPublicKeyType{},
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{publicKeyValidator{}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					priorValueForSameKey{},
					writeOnlyPublicKeyPlan{},
					stringplanmodifier.RequiresReplaceIf(publicKeyChanged,
						"A different public key replaces the key pair.", "A different public key replaces the key pair."),
				},
			},
			"public_key_wo": schema.StringAttribute{
				MarkdownDescription: "Instead of `public_key`, the OpenSSH **RSA** public key to import as a write-only argument " +
					"(Terraform 1.11 and later): Terraform hands it to the provider and stores it nowhere, neither in the state nor " +
					"in a plan file, and the provider keeps `public_key` null for this key pair, also after a refresh; " +
					"`fingerprint` is still set. It takes an ephemeral value, such as `public_key_openssh` of the ephemeral " +
					"`tls_private_key` of `hashicorp/tls`, or `file(...)` of a local key. Checked at plan as `public_key` is. " +
					"Read only when the key pair is created: a new key makes no change until `public_key_wo_version` changes. " +
					"Not with `public_key` or `pgp_key`.",
				Optional:  true,
				WriteOnly: true,
				Validators: []validator.String{
					publicKeyValidator{},
					stringvalidator.ConflictsWith(path.MatchRoot("public_key")),
				},
			},
			"public_key_wo_version": schema.Int64Attribute{
				MarkdownDescription: "A number kept in the state for `public_key_wo`, which is not: set it to another number to " +
					"replace the key pair with one made from the current `public_key_wo`. Removing it replaces nothing, and " +
					"neither does setting it for the first time on a key pair whose public key is in the state (after " +
					"`terraform import`, or moving from `public_key`): that key pair is replaced only when `public_key_wo` " +
					"holds another key. Requires `public_key_wo`.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("public_key_wo")),
				},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.RequiresReplaceIf(writeOnlyVersionChanged,
						"A new public_key_wo_version replaces the key pair.", "A new `public_key_wo_version` replaces the key pair."),
				},
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "The PEM (PKCS#1) private key that Tencent Cloud generated; null for imported keys and after " +
					"`terraform import`, because the API returns it only once. Stored in state: see the security note.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{privateKeyPlan{}},
			},
			"private_key_openssh": schema.StringAttribute{
				MarkdownDescription: "The same private key as `private_key`, in the OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`) " +
					"as `ssh-keygen` writes it; null whenever `private_key` is. Stored in state: see the security note.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{privateKeyPlan{}},
			},
			"pgp_key": schema.StringAttribute{
				MarkdownDescription: "A base64-encoded public PGP key (`gpg --export KEYID | base64`). When set, the generated " +
					"private key is kept in state only encrypted to it, as `encrypted_private_key`, and `private_key` and " +
					"`private_key_openssh` stay null. " +
					"Not with `public_key` or `public_key_wo`, which have no private key to keep. Changing it replaces the key pair.",
				Optional: true,
				Validators: []validator.String{
					pgpKeyValidator{},
					stringvalidator.ConflictsWith(path.MatchRoot("public_key"), path.MatchRoot("public_key_wo")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"encrypted_private_key": schema.StringAttribute{
				MarkdownDescription: "With `pgp_key`: the generated private key encrypted to it, base64-encoded. Decrypt it with " +
					"`terraform output -raw <name> | base64 --decode | gpg --decrypt`. Null without `pgp_key`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{pgpKeyOnlyPlan{}},
			},
			"key_fingerprint": schema.StringAttribute{
				MarkdownDescription: "With `pgp_key`: the fingerprint of the PGP key that `encrypted_private_key` is encrypted to. " +
					"Null without `pgp_key`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{pgpKeyOnlyPlan{}},
			},
			"fingerprint": schema.StringAttribute{
				MarkdownDescription: "SHA256 fingerprint of the public key in OpenSSH form (`SHA256:...`), as `ssh-keygen -lf` prints it. " +
					"Known at plan for an imported `public_key`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{fingerprintPlan{}},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags of the key pair. Set in the create call itself and changed in place through the Tag API. " +
					"Keys: 1 to 127 characters; values: 1 to 255 characters; both letters, digits, spaces (not at either end) and " +
					"`+ - = . _ : / @ ( ) [ ] , ; > <`; at most 49 tags (the API allows 50, and one is the create token, below); keys starting with `qcs:`, `project`, `项目`, `qcloud` or " +
					"`tencent` are reserved.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  tagsValidators(),
			},
			"tags_all": schema.MapAttribute{
				MarkdownDescription: "All tags of the key pair: the provider's `default_tags` merged with `tags`, which win for the same key.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"created_time": schema.StringAttribute{
				MarkdownDescription: "When the key pair was created, `YYYY-MM-DDThh:mm:ssZ` (UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "The region the key pair was created or imported in: the provider's `region` then. " +
					"When the provider's region changes and the key pair is not found there, the plan fails naming both regions, " +
					"instead of planning a new key pair and leaving the old one behind.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"associated_instance_ids": schema.SetAttribute{
				MarkdownDescription: "Ids of the CVM instances the key pair is bound to.",
				ElementType:         types.StringType,
				Computed:            true,
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"force_stop": schema.BoolAttribute{
				MarkdownDescription: "On destroy or replacement, a key pair bound to instances is first unbound from them, which Tencent " +
					"Cloud allows only for stopped instances. With `true`, Tencent Cloud force-stops the running ones for it (a hard " +
					"power-off) and, as it documents, starts them again once unbound; the plan of a destroy, or of a replacement for a " +
					"changed argument, warns with the running instances it will stop, and the apply names the instances it unbound. " +
					"With `false` (the default), a running instance makes the destroy fail with an error that names the running " +
					"instances, and the plan warns of that beforehand. The plan asks `DescribeInstances` which instances run, " +
					"only when the key pair is bound to some.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// privateKeyPlan plans private_key and private_key_openssh: null for a key
// pair made from a public_key or public_key_wo, which never has one, and
// with a pgp_key, which keeps it only encrypted; the prior value while the
// key pair stays; unknown for a key pair that Tencent Cloud is to
// generate, or while public_key, public_key_wo or pgp_key is unknown.
type privateKeyPlan struct{}

func (privateKeyPlan) Description(context.Context) string {
	return "Null when public_key, public_key_wo or pgp_key is set; otherwise the prior value while the key pair stays."
}

func (m privateKeyPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (privateKeyPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var publicKey sshPublicKeyValue
	var pgpKey types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("public_key"), &publicKey)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("pgp_key"), &pgpKey)...)
	wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics)
	switch {
	case publicKey.IsUnknown() || pgpKey.IsUnknown() || wo.IsUnknown():
		// Known at apply only.
	case !publicKey.IsNull() || !pgpKey.IsNull() || !wo.IsNull():
		resp.PlanValue = types.StringNull()
	case !req.State.Raw.IsNull() && req.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
}

// Configure takes the client and default tags that the provider
// configured.
func (r *KeyPairResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*resourceData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *resourceData, got %T.", req.ProviderData))
		return
	}
	r.client, r.providerDefaultTags, r.names = data.client, data.defaultTags, data.names
}

// Create makes the key pair, with its tags, in one call.
func (r *KeyPairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keyPairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A create in flight when Terraform asks the provider to stop (Ctrl-C)
	// runs to its end, bounded by its timeout only: cut short, it could
	// leave a key pair in the cloud that is not in the state, with a
	// private key that nobody holds.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()

	tags := stringMap(ctx, plan.TagsAll, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name, projectID := plan.KeyName.ValueString(), plan.ProjectID.ValueInt64()
	if plan.KeyName.IsUnknown() {
		name = uniqueKeyName(plan.KeyNamePrefix.ValueString())
	}

	// public_key_wo is in the configuration only; the plan holds null.
	publicKey, keptOut := plan.PublicKey, false
	if publicKey.IsNull() || publicKey.IsUnknown() {
		if wo := writeOnlyKey(ctx, req.Config, &resp.Diagnostics); !wo.IsNull() {
			publicKey, keptOut = sshPublicKeyValue{StringValue: wo}, true
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	markPublicKeyKeptOut(ctx, resp.Private, keptOut, &resp.Diagnostics)

	// The client returns once DescribeKeyPairs shows the key pair with its
	// tags; the state is built from what it shows. When it does not show
	// in time, the key pair exists all the same: its id (and private key)
	// go to the state, so that nothing is orphaned or lost.
	var kp *client.KeyPair
	var notShown *client.NotShownError
	if !publicKey.IsNull() && !publicKey.IsUnknown() {
		var err error
		kp, err = r.client.ImportKeyPair(ctx, name, projectID, publicKey.ValueString(), tags)
		if errors.As(err, &notShown) {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(notShown.KeyPair.ID))...)
			resp.Diagnostics.AddError("Key pair imported but not readable", fmt.Sprintf("Key pair %s was imported, but reading it back failed: %s", notShown.KeyPair.ID, err))
			return
		}
		if err != nil {
			addAPIError(r.client, &resp.Diagnostics, "import the key pair", err)
			return
		}
		plan.PrivateKey = types.StringNull()
	} else {
		var err error
		kp, err = r.client.CreateKeyPair(ctx, name, projectID, tags)
		if errors.As(err, &notShown) {
			kp = notShown.KeyPair
		} else if err != nil {
			addAPIError(r.client, &resp.Diagnostics, "create the key pair", err)
			return
		}
		// With pgp_key, the private key is encrypted before anything
		// reaches the state, so that no state (nor its backup) ever
		// holds it in plain text, also when what follows fails.
		plan.PrivateKey = types.StringValue(kp.PrivateKey)
		if !plan.PGPKey.IsNull() {
			encrypted, fingerprint, err := encryptToPGPKey(plan.PGPKey.ValueString(), kp.PrivateKey)
			if err != nil {
				r.deleteUnusable(ctx, kp.ID, err, resp)
				return
			}
			plan.PrivateKey = types.StringNull()
			plan.EncryptedPrivateKey = types.StringValue(encrypted)
			plan.KeyFingerprint = types.StringValue(fingerprint)
		}
		if notShown != nil {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(kp.ID))...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("private_key"), plan.PrivateKey)...)
			if !plan.PGPKey.IsNull() {
				resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("encrypted_private_key"), plan.EncryptedPrivateKey)...)
				resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_fingerprint"), plan.KeyFingerprint)...)
				resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pgp_key"), plan.PGPKey)...)
			}
			resp.Diagnostics.AddError("Key pair created but not readable", fmt.Sprintf("Key pair %s was created, but reading it back failed: %s", kp.ID, err))
			return
		}
	}
	if plan.EncryptedPrivateKey.IsUnknown() {
		plan.EncryptedPrivateKey = types.StringNull()
		plan.KeyFingerprint = types.StringNull()
	}

	// The create calls take no description: it is set right after. Until
	// then the state holds the key pair as it is, so that a failure leaves
	// it tracked (and tainted), never orphaned.
	wantDescription := plan.Description
	plan.Description = types.StringNull()
	resp.Diagnostics.Append(r.refreshWithDefaultTags(ctx, &plan, kp)...)
	plan.keepPublicKeyOut(keptOut)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !wantDescription.IsNull() && wantDescription.ValueString() != "" {
		if err := r.client.ModifyKeyPair(ctx, kp.ID, nil, wantDescription.ValueStringPointer()); err != nil {
			addAPIError(r.client, &resp.Diagnostics, "set the description of key pair "+kp.ID, err)
			return
		}
	}
	plan.Description = wantDescription
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// deleteUnusable deletes a key pair whose private key could not be
// encrypted to pgp_key: nobody could ever use it. When the delete fails,
// the key pair is kept in the state, without its private key, so that it
// is not orphaned: the next apply replaces it.
func (r *KeyPairResource) deleteUnusable(ctx context.Context, id string, encryptErr error, resp *resource.CreateResponse) {
	resp.Diagnostics.AddAttributeError(path.Root("pgp_key"), "Could not encrypt the private key",
		fmt.Sprintf("Encrypting the private key of key pair %s to pgp_key failed, so the key pair is deleted again: %s", id, encryptErr))
	if err := r.client.DeleteKeyPair(ctx, id); err != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(id))...)
		addAPIError(r.client, &resp.Diagnostics, "delete key pair "+id+" (kept in the state, without its private key, for the next apply to replace)", err)
	}
}

// Read refreshes every attribute from DescribeKeyPairs, so that changes made
// outside Terraform show as drift, and forgets a key pair that is gone.
func (r *KeyPairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state keyPairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kp, err := r.client.DescribeKeyPair(ctx, state.ID.ValueString())
	var notFound *client.NotFoundError
	if errors.As(err, &notFound) && !state.Region.IsNull() && state.Region.ValueString() != r.client.Region() {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Key pair not found in the provider's region",
			fmt.Sprintf("Key pair %s was made in region %s, and the provider now uses region %s, where it does not exist. "+
				"Planning a new key pair here would leave the old one behind in %s.\n\n"+
				"Set the provider's region back to %s, or, to move the key pair, remove it from the state "+
				"(terraform state rm) and delete it in %s yourself.",
				state.ID.ValueString(), state.Region.ValueString(), r.client.Region(), state.Region.ValueString(),
				state.Region.ValueString(), state.Region.ValueString()))
		return
	}
	if errors.As(err, &notFound) {
		// One answer that misses it is not proof: an empty or stale
		// answer must not drop a key pair that exists, with the only copy
		// of its private key.
		kp, err = r.client.ConfirmGone(ctx, state.ID.ValueString())
	}
	if errors.As(err, &notFound) {
		lost := ""
		if !state.PrivateKey.IsNull() || !state.EncryptedPrivateKey.IsNull() {
			lost = " Its private key, which only the state held, is removed with it."
		}
		resp.Diagnostics.AddWarning("Key pair gone",
			fmt.Sprintf("Key pair %s (%s) was not found by id, also when asked again after a while: it no longer exists. "+
				"It is removed from the state, and the next apply creates it again.%s",
				state.ID.ValueString(), state.KeyName.ValueString(), lost))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(r.client, &resp.Diagnostics, "read key pair "+state.ID.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(r.refreshWithDefaultTags(ctx, &state, kp)...)
	state.keepPublicKeyOut(publicKeyKeptOutAfterRead(ctx, req.Private, resp.Private, kp, &resp.Diagnostics))
	if state.ForceStop.IsNull() {
		// Imported key pairs start without the default.
		state.ForceStop = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update renames the key pair, changes its description and its tags in
// place.
func (r *KeyPairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyPairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()

	var name, description *string
	switch {
	case plan.KeyName.IsUnknown():
		// The name in state is not made from key_name_prefix (it was
		// key_name, or was changed outside Terraform): make one that is.
		plan.KeyName = types.StringValue(uniqueKeyName(plan.KeyNamePrefix.ValueString()))
		name = plan.KeyName.ValueStringPointer()
	case !plan.KeyName.Equal(state.KeyName):
		name = plan.KeyName.ValueStringPointer()
	}
	if plan.Description.ValueString() != state.Description.ValueString() {
		// An empty description clears it.
		d := plan.Description.ValueString()
		description = &d
	}
	if name != nil || description != nil {
		if err := r.client.ModifyKeyPair(ctx, id, name, description); err != nil {
			addAPIError(r.client, &resp.Diagnostics, "modify key pair "+id, err)
			return
		}
	}

	want := allTags(ctx, plan, &resp.Diagnostics)
	have := allTags(ctx, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	replace, remove := tagChanges(have, want)
	if len(replace) > 0 || len(remove) > 0 {
		if err := r.client.ModifyTags(ctx, id, replace, remove); err != nil {
			addAPIError(r.client, &resp.Diagnostics, "change the tags of key pair "+id, err)
			return
		}
	}
	// The plan has public_key null when the key is kept out of the state
	// (writeOnlyPublicKeyPlan); after `terraform import`, this is where the
	// key pair gets the mark, and where public_key in the configuration
	// takes it away.
	if !writeOnlyKey(ctx, req.Config, &resp.Diagnostics).IsNull() {
		markPublicKeyKeptOut(ctx, resp.Private, true, &resp.Diagnostics)
	} else if !plan.PublicKey.IsNull() {
		markPublicKeyKeptOut(ctx, resp.Private, false, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete unbinds the key pair from its instances when it has to, then
// deletes it.
func (r *KeyPairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyPairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()

	unbound, err := r.client.DeleteKeyPairUnbinding(ctx, id, state.ForceStop.ValueBool())
	if state.ForceStop.ValueBool() && len(unbound) > 0 {
		resp.Diagnostics.Append(forceStopApplyWarning(id, unbound))
	}
	var running *client.InstanceRunningError
	if errors.As(err, &running) {
		resp.Diagnostics.AddAttributeError(path.Root("force_stop"), "Key pair is bound to a running instance", instanceRunningDetail(id, running))
		return
	}
	if err != nil {
		addAPIError(r.client, &resp.Diagnostics, "delete key pair "+id, err)
	}
}

// ImportState takes a key pair id (skey-...) or, for anything else, the
// exact name of a key pair, as the console shows both; the private key
// cannot be recovered. The Read that follows decides whether the public
// key stays out of the state (key_pair_import.go).
func (r *KeyPairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	markImported(ctx, resp.Private, &resp.Diagnostics)
	if apicontract.KeyPairIDPattern.MatchString(req.ID) {
		resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
		return
	}
	id := r.keyPairIDByName(ctx, req.ID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// refresh copies what the API says of the key pair into the model. Values
// the API does not hold (private key, key_name_prefix, force_stop,
// timeouts) are left alone, and an absent description or tag set stays
// null rather than empty.
func (m *keyPairResourceModel) refresh(ctx context.Context, kp *client.KeyPair) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(kp.ID)
	m.KeyName = types.StringValue(kp.Name)
	m.ProjectID = types.Int64Value(kp.ProjectID)
	if kp.Description != "" || !m.Description.IsNull() {
		m.Description = types.StringValue(kp.Description)
	}
	m.PublicKey = sshPublicKeyValue{StringValue: types.StringValue(kp.PublicKey)}
	if fp := sshkey.Fingerprint(kp.PublicKey); fp != "" {
		m.Fingerprint = types.StringValue(fp)
	} else {
		m.Fingerprint = types.StringNull()
	}
	if len(kp.Tags) > 0 || !m.Tags.IsNull() {
		tags, d := types.MapValueFrom(ctx, types.StringType, kp.Tags)
		diags.Append(d...)
		m.Tags = tags
	}
	m.CreatedTime = types.StringValue(kp.CreatedTime)
	ids := kp.AssociatedInstanceIDs
	if ids == nil {
		ids = []string{}
	}
	set, d := types.SetValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	m.AssociatedInstanceIDs = set
	if m.PrivateKey.IsUnknown() {
		m.PrivateKey = types.StringNull()
	}
	if m.PrivateKeyOpenSSH.IsUnknown() || m.PrivateKeyOpenSSH.IsNull() {
		// Made once, as the OpenSSH format holds random check bytes;
		// states from before private_key_openssh get it here too.
		m.PrivateKeyOpenSSH = openSSHPrivateKeyValue(m.PrivateKey, &diags)
	}
	return diags
}

// tagChanges returns the tags to set and the keys to delete to go from
// have to want.
func tagChanges(have, want map[string]string) (map[string]string, []string) {
	replace := map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			replace[k] = v
		}
	}
	var remove []string
	for k := range have {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	return replace, remove
}

func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// ValidateConfig requires exactly one of key_name and key_name_prefix. It
// does what stringvalidator.ExactlyOneOf would, with the same message, for
// a fraction of its cost: the validator resolves path expressions against
// the whole configuration for every key pair of every plan (make bench).
func (r *KeyPairResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var name, prefix types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("key_name"), &name)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("key_name_prefix"), &prefix)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() || prefix.IsUnknown() {
		// An unknown value may yet be null or not: the apply tells.
		return
	}
	const names = "[key_name,key_name_prefix]"
	switch {
	case !name.IsNull() && !prefix.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("key_name"), "Invalid Attribute Combination",
			"2 attributes specified when one (and only one) of "+names+" is required")
	case name.IsNull() && prefix.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("key_name"), "Invalid Attribute Combination",
			"No attribute specified when one (and only one) of "+names+" is required")
	}
}
