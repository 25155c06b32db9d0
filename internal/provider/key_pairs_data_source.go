package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	ID               types.String      `tfsdk:"id"`
	KeyID            types.String      `tfsdk:"key_id"`
	KeyName          types.String      `tfsdk:"key_name"`
	NameRegex        types.String      `tfsdk:"name_regex"`
	ProjectID        types.Int64       `tfsdk:"project_id"`
	Tags             types.Map         `tfsdk:"tags"`
	ResultOutputFile types.String      `tfsdk:"result_output_file"`
	KeyPairs         []keyPairObject   `tfsdk:"key_pairs"`
	IDs              []string          `tfsdk:"ids"`
	KeyPairList      []keyPairListItem `tfsdk:"key_pair_list"`
}

// keyPairListItem is an element of key_pair_list: a key pair as the
// official provider's tencentcloud_key_pairs lists it.
type keyPairListItem struct {
	KeyID      types.String `tfsdk:"key_id"`
	KeyName    types.String `tfsdk:"key_name"`
	ProjectID  types.Int64  `tfsdk:"project_id"`
	PublicKey  types.String `tfsdk:"public_key"`
	CreateTime types.String `tfsdk:"create_time"`
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
			"It also takes every argument of the official provider's `tencentcloud_key_pairs`, with the same meaning, and " +
			"exports its `key_pair_list`, so that configurations written for the official provider work unchanged: " +
			"`key_id`, `result_output_file` and `key_pair_list` are there for that compatibility; `key_name` and " +
			"`project_id` serve both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the region and the filters: the same for the same query.",
				Computed:            true,
			},
			"key_id": schema.StringAttribute{
				MarkdownDescription: "Only the key pair of this id, such as `skey-3glfot13`; none when there is no such key pair. " +
					"Sent to DescribeKeyPairs as `KeyIds`; the other filters are then applied to its answer. " +
					"For compatibility with the official provider.",
				Optional:   true,
				Validators: keyPairIDValidators(),
			},
			"key_name": schema.StringAttribute{
				MarkdownDescription: "A key pair name, 1 to 25 letters, digits and underscores, optionally with `^` before it " +
					"and/or `$` after it, as in the official provider. With both anchors (`^web$`) only the key pair of " +
					"exactly that name matches, everywhere; with one, the names that start (`^web`) or end (`web$`) with it. " +
					"A name without anchors (`web`) keeps the meaning it has in each provider: `key_pairs` and `ids` hold the " +
					"key pair of exactly that name (as in earlier versions of this provider), `key_pair_list` and " +
					"`result_output_file` every key pair whose name contains it (as in the official provider). " +
					"Case counts. For any other pattern, use `name_regex`.",
				Optional:   true,
				Validators: keyNamePatternValidators(),
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only key pairs whose name matches this regular expression " +
					"([RE2 syntax](https://github.com/google/re2/wiki/Syntax)); unanchored, so `^` and `$` are needed for a whole-name match.",
				Optional:   true,
				Validators: []validator.String{regexpValidator{}},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "Only key pairs of this project; `0` is the default project. The same in the official provider.",
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
			"result_output_file": schema.StringAttribute{
				MarkdownDescription: "A file to write `key_pair_list` to, as a JSON array of objects with the keys of " +
					"`key_pair_list`, indented with tabs, as the official provider writes it; a leading `~` is the home directory. " +
					"The file is replaced at every read, through a new file renamed over it, so that a symbolic link at the path is " +
					"replaced, never followed. For compatibility with the official provider.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
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
			"key_pair_list": schema.ListNestedAttribute{
				MarkdownDescription: "The matching key pairs with the attributes of the official provider's `key_pair_list`, " +
					"sorted by `key_name`, then `key_id`. The same key pairs as `key_pairs`, except with a `key_name` " +
					"without anchors, which finds the name anywhere here (see `key_name`). For compatibility with the official provider.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key_id": schema.StringAttribute{
						MarkdownDescription: "The key pair's id, such as `skey-3glfot13`.",
						Computed:            true,
					},
					"key_name": schema.StringAttribute{
						MarkdownDescription: "Name of the key pair.",
						Computed:            true,
					},
					"project_id": schema.Int64Attribute{
						MarkdownDescription: "Project of the key pair; `0` is the default project.",
						Computed:            true,
					},
					"public_key": schema.StringAttribute{
						MarkdownDescription: "The OpenSSH public key without its comment (`ssh-rsa AAAA...`), as the official provider gives it.",
						Computed:            true,
					},
					"create_time": schema.StringAttribute{
						MarkdownDescription: "When the key pair was created, as the API gives it (the same as `created_time` of `key_pairs`).",
						Computed:            true,
					},
				}},
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
	q.KeyID = config.KeyID.ValueStringPointer()
	q.KeyName = config.KeyName.ValueStringPointer()
	q.NameRegex = config.NameRegex.ValueStringPointer()
	q.ProjectID = config.ProjectID.ValueInt64Pointer()

	listed, exact, err := q.find(ctx, d.client)
	if err != nil {
		addAPIError(d.client, &resp.Diagnostics, "list the key pairs", err)
		return
	}
	tflog.Debug(ctx, "Listed key pairs", map[string]any{"region": d.client.Region(), "count": len(exact), "key_pair_list": len(listed)})

	config.ID = types.StringValue(q.hash(d.client.Region()))
	config.KeyPairs = make([]keyPairObject, 0, len(exact))
	config.IDs = make([]string, 0, len(exact))
	for _, kp := range exact {
		obj, diags := newKeyPairObject(ctx, kp)
		resp.Diagnostics.Append(diags...)
		config.KeyPairs = append(config.KeyPairs, obj)
		config.IDs = append(config.IDs, kp.ID)
	}
	config.KeyPairList = make([]keyPairListItem, 0, len(listed))
	for _, kp := range listed {
		config.KeyPairList = append(config.KeyPairList, newKeyPairListItem(kp))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if file := config.ResultOutputFile.ValueString(); file != "" {
		if err := writeResultOutputFile(file, config.KeyPairList); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("result_output_file"), "Could not write result_output_file", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// newKeyPairListItem is a key pair as key_pair_list holds it.
func newKeyPairListItem(kp *client.KeyPair) keyPairListItem {
	return keyPairListItem{
		KeyID:      types.StringValue(kp.ID),
		KeyName:    types.StringValue(kp.Name),
		ProjectID:  types.Int64Value(kp.ProjectID),
		PublicKey:  types.StringValue(publicKeyWithoutComment(kp.PublicKey)),
		CreateTime: types.StringValue(kp.CreatedTime),
	}
}

// publicKeyWithoutComment is the key type and the key of an OpenSSH public
// key line, the comment dropped, as the official provider stores public
// keys. Tencent Cloud gives generated keys a comment of its own.
func publicKeyWithoutComment(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return strings.TrimSpace(line)
	}
	return f[0] + " " + f[1]
}

// writeResultOutputFile writes the key pair list as the official provider's
// data sources write result_output_file (tccommon.WriteToFile): a JSON array
// of objects with sorted keys, indented with tabs, no newline at the end,
// in a file that a leading ~ puts in the home directory. The file is
// replaced whole (replaceFile), a read-only one too: the official provider
// leaves its files read-only for their owner, and removes them before it
// writes, so a file it left must not stop this one.
func writeResultOutputFile(file string, items []keyPairListItem) error {
	records := make([]map[string]any, 0, len(items))
	for _, it := range items {
		records = append(records, map[string]any{
			"key_id":      it.KeyID.ValueString(),
			"key_name":    it.KeyName.ValueString(),
			"project_id":  it.ProjectID.ValueInt64(),
			"public_key":  it.PublicKey.ValueString(),
			"create_time": it.CreateTime.ValueString(),
		})
	}
	return writeJSONFile(file, records)
}

// writeJSONFile writes v to file as writeResultOutputFile says.
func writeJSONFile(file string, v any) error {
	if file == "~" || strings.HasPrefix(file, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("expand %s: %w", file, err)
		}
		file = filepath.Join(home, strings.TrimPrefix(file, "~"))
	}
	b, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		return fmt.Errorf("encode %s: %w", file, err)
	}
	return replaceFile(file, b)
}

// resultOutputFileMode is the mode of result_output_file, less the umask,
// as os.WriteFile gave it before the file was replaced by a rename.
const resultOutputFileMode fs.FileMode = 0o644

// replaceFile writes data to a new file in the directory of file, syncs
// it and renames it over file. Whatever stands at file is replaced, never
// written through: a symbolic link planted there (even one to nothing),
// between a check and the write or before, is replaced by the file instead
// of sending the write where it points, and a reader of file sees the old
// content or the new, never a part. A directory at file is an error.
func replaceFile(file string, data []byte) (err error) {
	info, err := os.Lstat(file)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("%s is a directory", file)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("stat %s: %w", file, err)
	}
	dir := filepath.Dir(file)
	tmp, err := createTempFile(dir, filepath.Base(file))
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	// Synced before the rename, so that a crash cannot leave file renamed
	// but empty.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("replace %s: %w", file, err)
	}
	// The rename lasts a crash once the directory is synced. Not every
	// system can sync a directory, and the file is written either way, so
	// a failure here is no error.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// createTempFile creates a new file, hidden, next to base in dir, of
// resultOutputFileMode less the umask, as os.WriteFile would: os.CreateTemp
// makes its files 0600, and a chmod afterwards would ignore the umask.
// O_EXCL makes sure that the file is a new one, not something planted at
// the name.
func createTempFile(dir, base string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, resultOutputFileMode)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary file name in %s", dir)
}

// keyPairQuery holds the filters of tencentcloud_key_pairs; nil is not set.
type keyPairQuery struct {
	KeyID *string
	// KeyName is the official provider's pattern: see keyNamePattern.
	KeyName   *string
	NameRegex *string
	ProjectID *int64
	Tags      map[string]string
}

// keyNamePattern is key_name as the official provider reads it: a name,
// optionally anchored with ^ at its start and $ at its end; matched as the
// regular expression it is, which without anchors finds the name anywhere.
type keyNamePattern struct {
	name       string
	start, end bool
}

func parseKeyNamePattern(s string) keyNamePattern {
	var p keyNamePattern
	s, p.start = strings.CutPrefix(s, "^")
	s, p.end = strings.CutSuffix(s, "$")
	p.name = s
	return p
}

// matches is the official provider's matching.
func (p keyNamePattern) matches(name string) bool {
	switch {
	case p.start && p.end:
		return name == p.name
	case p.start:
		return strings.HasPrefix(name, p.name)
	case p.end:
		return strings.HasSuffix(name, p.name)
	default:
		return strings.Contains(name, p.name)
	}
}

// matchesExactly is this provider's matching: a name without anchors is
// the whole name, which is what key_name meant here before it took
// anchors. With anchors, both providers agree.
func (p keyNamePattern) matchesExactly(name string) bool {
	if !p.start && !p.end {
		return name == p.name
	}
	return p.matches(name)
}

// apiFilters are the DescribeKeyPairs filters for the query: one filter per
// condition, which the API ANDs. The key-name filter goes only with a name
// anchored at both ends: the API's filter is not documented to find parts
// of names. name_regex has no filter, and key_id is asked by KeyIds, which
// the API takes only without filters.
func (q keyPairQuery) apiFilters() []client.Filter {
	if q.KeyID != nil {
		return nil
	}
	var filters []client.Filter
	if q.KeyName != nil {
		if p := parseKeyNamePattern(*q.KeyName); p.start && p.end {
			filters = append(filters, client.Filter{Name: "key-name", Values: []string{p.name}})
		}
	}
	if q.ProjectID != nil {
		filters = append(filters, client.Filter{Name: "project-id", Values: []string{strconv.FormatInt(*q.ProjectID, 10)}})
	}
	for _, k := range slices.Sorted(maps.Keys(q.Tags)) {
		filters = append(filters, client.Filter{Name: "tag:" + k, Values: []string{q.Tags[k]}})
	}
	// The API takes at most 10 filters in one call, of one value each here:
	// the others are left to the matchers, which check every condition of
	// the query anyway.
	return filters[:min(len(filters), apicontract.MaxFiltersPerDescribe)]
}

// matchers return the tests that the key pairs of key_pair_list (listed)
// and of key_pairs (exact) pass; the second is the first, but for a
// key_name without anchors, which it takes as a whole name. They check
// the API's filters again, because the real API's key-name filter may
// match more than the exact name, and name_regex, which has no filter.
func (q keyPairQuery) matchers() (listed, exact func(*client.KeyPair) bool, err error) {
	var re *regexp.Regexp
	if q.NameRegex != nil {
		if re, err = regexp.Compile(*q.NameRegex); err != nil {
			return nil, nil, fmt.Errorf("name_regex %q: %w", *q.NameRegex, err)
		}
	}
	var name *keyNamePattern
	if q.KeyName != nil {
		p := parseKeyNamePattern(*q.KeyName)
		name = &p
	}
	others := func(kp *client.KeyPair) bool {
		if q.KeyID != nil && kp.ID != *q.KeyID {
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
	}
	listed = func(kp *client.KeyPair) bool {
		return (name == nil || name.matches(kp.Name)) && others(kp)
	}
	exact = func(kp *client.KeyPair) bool {
		return (name == nil || name.matchesExactly(kp.Name)) && others(kp)
	}
	return listed, exact, nil
}

// find asks the API for the key pairs of the query, all pages of them, and
// returns those of key_pair_list and those of key_pairs, each sorted by
// name, then id. A key_id is asked by id (a key pair that does not exist
// lists nothing), the rest with the filters the API supports.
func (q keyPairQuery) find(ctx context.Context, c *client.Client) (listed, exact []*client.KeyPair, err error) {
	matchListed, matchExact, err := q.matchers()
	if err != nil {
		return nil, nil, err
	}
	var list []*client.KeyPair
	if q.KeyID != nil {
		kp, err := c.DescribeKeyPair(ctx, *q.KeyID)
		var notFound *client.NotFoundError
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return nil, nil, err
		default:
			list = []*client.KeyPair{kp}
		}
	} else if list, err = c.ListKeyPairs(ctx, q.apiFilters()); err != nil {
		return nil, nil, err
	}
	listed = selectKeyPairs(list, matchListed)
	return listed, selectKeyPairs(listed, matchExact), nil
}

// hash identifies the query in a region: the same filters give the same id.
// Each value is quoted, so that no two queries write the same text.
func (q keyPairQuery) hash(region string) string {
	h := sha256.New()
	fmt.Fprintf(h, "region=%q\n", region)
	if q.KeyID != nil {
		fmt.Fprintf(h, "key_id=%q\n", *q.KeyID)
	}
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
