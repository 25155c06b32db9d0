package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var (
	_ datasource.DataSource              = &KeyPairsDataSource{}
	_ datasource.DataSourceWithConfigure = &KeyPairsDataSource{}
)

// NewKeyPairsDataSource returns the tencentcloud_key_pairs data source.
func NewKeyPairsDataSource() datasource.DataSource {
	return &KeyPairsDataSource{}
}

// KeyPairsDataSource lists the key pairs of the region that match filters.
type KeyPairsDataSource struct {
	client *client.Client
}

type keyPairsDataSourceModel struct {
	ID        types.String    `tfsdk:"id"`
	KeyName   types.String    `tfsdk:"key_name"`
	NameRegex types.String    `tfsdk:"name_regex"`
	ProjectID types.Int64     `tfsdk:"project_id"`
	Tags      types.Map       `tfsdk:"tags"`
	KeyPairs  []keyPairObject `tfsdk:"key_pairs"`
	IDs       []string        `tfsdk:"ids"`
}

// Metadata names the data source tencentcloud_key_pairs.
func (d *KeyPairsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_pairs"
}

// Schema describes the data source.
func (d *KeyPairsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SSH key pairs of Tencent Cloud CVM in the provider's region that match every filter given " +
			"(all of them without filters), with every attribute that `tencentcloud_key_pair` has but the private key. " +
			"`key_name`, `project_id` and `tags` are sent to the API as DescribeKeyPairs filters; `name_regex` is applied to " +
			"its answer, and so is an exact-match check of the others.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the region and the filters: the same for the same query.",
				Computed:            true,
			},
			"key_name": schema.StringAttribute{
				MarkdownDescription: "Only the key pair of this name, matched exactly (case included).",
				Optional:            true,
				Validators:          keyNameValidators(),
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only key pairs whose name matches this regular expression " +
					"([RE2 syntax](https://github.com/google/re2/wiki/Syntax)); unanchored, so `^` and `$` are needed for a whole-name match.",
				Optional:   true,
				Validators: []validator.String{regexpValidator{}},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "Only key pairs of this project; `0` is the default project.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Only key pairs that have all of these tags, with these values. Other tags do not matter.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.UTF8LengthBetween(1, apicontract.MaxTagKeyLength)),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthBetween(1, apicontract.MaxTagValueLength)),
				},
			},
			"key_pairs": schema.ListNestedAttribute{
				MarkdownDescription: "The matching key pairs, sorted by `key_name`, then `id`.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: keyPairObjectAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "Ids of the matching key pairs, in the order of `key_pairs`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

// Configure takes the client that the provider configured.
func (d *KeyPairsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = dataSourceClient(req, resp)
}

// Read lists the key pairs with the filters the API supports, page by page,
// and applies the rest to its answer.
func (d *KeyPairsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config keyPairsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := keyPairQuery{Tags: stringMap(ctx, config.Tags, &resp.Diagnostics)}
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.KeyName.IsNull() {
		q.KeyName = config.KeyName.ValueStringPointer()
	}
	if !config.NameRegex.IsNull() {
		q.NameRegex = config.NameRegex.ValueStringPointer()
	}
	if !config.ProjectID.IsNull() {
		q.ProjectID = config.ProjectID.ValueInt64Pointer()
	}
	match, err := q.matcher()
	if err != nil {
		// The validator has refused such a pattern already.
		resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
		return
	}

	list, err := findKeyPairs(ctx, d.client, q.apiFilters(), match)
	if err != nil {
		addAPIError(d.client, &resp.Diagnostics, "list the key pairs", err)
		return
	}
	tflog.Debug(ctx, "Listed key pairs", map[string]any{"region": d.client.Region(), "count": len(list)})

	config.ID = types.StringValue(q.hash(d.client.Region()))
	config.KeyPairs = make([]keyPairObject, 0, len(list))
	config.IDs = make([]string, 0, len(list))
	for _, kp := range list {
		obj, diags := newKeyPairObject(ctx, kp)
		resp.Diagnostics.Append(diags...)
		config.KeyPairs = append(config.KeyPairs, obj)
		config.IDs = append(config.IDs, kp.ID)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// keyPairQuery holds the filters of tencentcloud_key_pairs; nil is not set.
type keyPairQuery struct {
	KeyName   *string
	NameRegex *string
	ProjectID *int64
	Tags      map[string]string
}

// apiFilters are the DescribeKeyPairs filters for the query: one filter per
// condition, which the API ANDs. name_regex has no filter.
func (q keyPairQuery) apiFilters() []client.Filter {
	var filters []client.Filter
	if q.KeyName != nil {
		filters = append(filters, client.Filter{Name: "key-name", Values: []string{*q.KeyName}})
	}
	if q.ProjectID != nil {
		filters = append(filters, client.Filter{Name: "project-id", Values: []string{strconv.FormatInt(*q.ProjectID, 10)}})
	}
	for _, k := range slices.Sorted(maps.Keys(q.Tags)) {
		filters = append(filters, client.Filter{Name: "tag:" + k, Values: []string{q.Tags[k]}})
	}
	// The API takes at most 10 filters in one call: the others are left to
	// the matcher, which checks every condition of the query anyway.
	return filters[:min(len(filters), apicontract.MaxFiltersPerDescribe)]
}

// matcher returns the test that every key pair of the result passes. It
// checks the API's filters again, because the real API's key-name filter
// may match more than the exact name, and name_regex, which has no filter.
func (q keyPairQuery) matcher() (func(*client.KeyPair) bool, error) {
	var re *regexp.Regexp
	if q.NameRegex != nil {
		var err error
		if re, err = regexp.Compile(*q.NameRegex); err != nil {
			return nil, fmt.Errorf("name_regex %q: %w", *q.NameRegex, err)
		}
	}
	return func(kp *client.KeyPair) bool {
		if q.KeyName != nil && kp.Name != *q.KeyName {
			return false
		}
		if re != nil && !re.MatchString(kp.Name) {
			return false
		}
		if q.ProjectID != nil && kp.ProjectID != *q.ProjectID {
			return false
		}
		for k, v := range q.Tags {
			if have, ok := kp.Tags[k]; !ok || have != v {
				return false
			}
		}
		return true
	}, nil
}

// hash identifies the query in a region: the same filters give the same id.
// Each value is quoted, so that no two queries write the same text.
func (q keyPairQuery) hash(region string) string {
	h := sha256.New()
	fmt.Fprintf(h, "region=%q\n", region)
	if q.KeyName != nil {
		fmt.Fprintf(h, "key_name=%q\n", *q.KeyName)
	}
	if q.NameRegex != nil {
		fmt.Fprintf(h, "name_regex=%q\n", *q.NameRegex)
	}
	if q.ProjectID != nil {
		fmt.Fprintf(h, "project_id=%d\n", *q.ProjectID)
	}
	for _, k := range slices.Sorted(maps.Keys(q.Tags)) {
		fmt.Fprintf(h, "tag=%q=%q\n", k, q.Tags[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// findKeyPairs lists the key pairs that pass filters, all pages of them,
// and returns those that match, sorted by name, then id.
func findKeyPairs(ctx context.Context, c *client.Client, filters []client.Filter, match func(*client.KeyPair) bool) ([]*client.KeyPair, error) {
	list, err := c.ListKeyPairs(ctx, filters)
	if err != nil {
		return nil, err
	}
	return selectKeyPairs(list, match), nil
}

// selectKeyPairs returns the key pairs that match, sorted by name, then id.
func selectKeyPairs(list []*client.KeyPair, match func(*client.KeyPair) bool) []*client.KeyPair {
	out := make([]*client.KeyPair, 0, len(list))
	for _, kp := range list {
		if match(kp) {
			out = append(out, kp)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// regexpValidator accepts a regular expression that Go's regexp (RE2)
// compiles.
type regexpValidator struct{}

func (regexpValidator) Description(context.Context) string {
	return "must be a valid regular expression (RE2 syntax)"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v regexpValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("The value %s: %s.", v.Description(ctx), err))
	}
}
