// Package provider holds the Terraform types of the provider: the provider
// itself, its resources and its data sources.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var (
	_ provider.Provider                       = &TencentCloudProvider{}
	_ provider.ProviderWithEphemeralResources = &TencentCloudProvider{}
)

// TencentCloudProvider is the tencentcloud provider.
type TencentCloudProvider struct {
	version string
	// onConfigure, when set, is given every client the provider
	// configures; tests use it to read the client's counts.
	onConfigure func(*client.Client)
	// wrapTransport is the clients' client.Config.WrapTransport: tests set
	// it to record the API traffic (internal/snapshot), which the
	// provider binary never does.
	wrapTransport func(next http.RoundTripper, endpoint string) http.RoundTripper
}

// New returns the provider factory that providerserver and the acceptance
// tests serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &TencentCloudProvider{version: version}
	}
}

type providerModel struct {
	SecretID             types.String       `tfsdk:"secret_id"`
	SecretKey            types.String       `tfsdk:"secret_key"`
	SecurityToken        types.String       `tfsdk:"security_token"`
	Region               types.String       `tfsdk:"region"`
	Profile              types.String       `tfsdk:"profile"`
	SharedCredentialsDir types.String       `tfsdk:"shared_credentials_dir"`
	AssumeRole           []assumeRoleModel  `tfsdk:"assume_role"`
	Endpoint             types.String       `tfsdk:"endpoint"`
	Domain               types.String       `tfsdk:"domain"`
	Protocol             types.String       `tfsdk:"protocol"`
	RateLimit            types.Float64      `tfsdk:"rate_limit"`
	MaxRetries           types.Int64        `tfsdk:"max_retries"`
	RequestTimeout       types.Int64        `tfsdk:"request_timeout"`
	DefaultTags          []defaultTagsModel `tfsdk:"default_tags"`
}

// Metadata names the provider: its resources are tencentcloud_*.
func (p *TencentCloudProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tencentcloud"
	resp.Version = p.version
}

// Schema describes the provider configuration.
func (p *TencentCloudProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Tencent Cloud SSH key pairs through the CVM API.",
		Attributes: map[string]schema.Attribute{
			"secret_id": schema.StringAttribute{
				MarkdownDescription: "SecretId of a Tencent Cloud API key. Falls back to `TENCENTCLOUD_SECRET_ID`.",
				Optional:            true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "SecretKey of a Tencent Cloud API key. Falls back to `TENCENTCLOUD_SECRET_KEY`.",
				Optional:            true,
				Sensitive:           true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "Security token of temporary credentials. Falls back to `TENCENTCLOUD_SECURITY_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the key pairs, such as `ap-shanghai`. Falls back to `TENCENTCLOUD_REGION`, then to the " +
					"region of the shared credentials profile when the credentials come from one, then to `ap-guangzhou`, as in the " +
					"official provider, with a warning. A region that Tencent Cloud does not document (a typo such as `ap-guangzou`) " +
					"gets a warning that names the closest documented ones.",
				Optional: true,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Name of the tccli profile to take credentials (and region) from when neither `secret_id` and " +
					"`secret_key` nor their environment variables are set. Falls back to `TENCENTCLOUD_PROFILE`, then `default`.",
				Optional: true,
			},
			"shared_credentials_dir": schema.StringAttribute{
				MarkdownDescription: "Directory of the tccli profiles (`<profile>.credential` and `<profile>.configure`). " +
					"Falls back to `TENCENTCLOUD_SHARED_CREDENTIALS_DIR`, then `~/.tccli`.",
				Optional: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL, such as `http://127.0.0.1:8090`, that every API call goes to instead of the public endpoints: " +
					"the local emulator, a private cloud or a proxy. Falls back to `TENCENTCLOUD_ENDPOINT`. An `http://` URL to a host " +
					"other than a loopback one (`localhost`, `127.0.0.0/8`, `::1`) gets a `Cleartext transport` warning: API calls, " +
					"the payloads their signatures cover and the private keys of generated key pairs would travel unencrypted. " +
					"Use `https://` for anything but a local emulator.",
				Optional: true,
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Root domain of the API, instead of `tencentcloudapi.com`: calls go to `<service>.<domain>`. " +
					"Falls back to `TENCENTCLOUD_DOMAIN`. `endpoint` wins over it.",
				Optional: true,
			},
			"protocol": schema.StringAttribute{
				MarkdownDescription: "Protocol of the API calls, `HTTP` or `HTTPS` (the default). Falls back to `TENCENTCLOUD_PROTOCOL`. " +
					"`endpoint` wins over it. `HTTP` gets a `Cleartext transport` warning: API calls, the payloads their signatures " +
					"cover and the private keys of generated key pairs would travel unencrypted. Use `HTTPS`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("HTTP", "HTTPS")},
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Calls per second the provider sends at most for each API action, default `%d`, "+
					"the API's documented limit. The limit is the account's, shared with every process that uses it: while the API "+
					"refuses calls for it (`RequestLimitExceeded`), the provider sends fewer, and climbs back to `rate_limit` while "+
					"it accepts them.", client.DefaultRateLimit),
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a throttled or failed call that is safe to repeat is retried, with exponential backoff, default `%d`. "+
					"Retries also end with the resource timeouts.", client.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Seconds one API call may take, default `%d`, inside the resource timeouts. "+
					"A call that gets no answer in time counts as lost, as a broken connection does; an endpoint that cannot be "+
					"reached, or does not answer, fails the operation after two more tries.", int(client.DefaultRequestTimeout/time.Second)),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 3600)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": assumeRoleBlock(),
			"default_tags": schema.ListNestedBlock{
				MarkdownDescription: "Tags that every key pair of this provider gets, merged with the key pair's own `tags` " +
					"(which win for the same key). The merge is the resource's `tags_all`.",
				Validators: []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"tags": schema.MapAttribute{
							MarkdownDescription: "The default tags, with the same rules as the resource's `tags`.",
							ElementType:         types.StringType,
							Optional:            true,
							Validators:          tagsValidators(),
						},
					},
				},
			},
		},
	}
}

// Configure resolves the configuration and environment into one client
// that every resource and data source of this provider shares.
func (p *TencentCloudProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	str := func(attr string, v types.String) string {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown provider attribute",
				fmt.Sprintf("The provider cannot be configured while %q is unknown. Set it to a known value or use its environment variable.", attr))
			return ""
		}
		return v.ValueString()
	}
	settings := client.Settings{
		SecretID:             str("secret_id", cfg.SecretID),
		SecretKey:            str("secret_key", cfg.SecretKey),
		SecurityToken:        str("security_token", cfg.SecurityToken),
		Region:               str("region", cfg.Region),
		Profile:              str("profile", cfg.Profile),
		SharedCredentialsDir: str("shared_credentials_dir", cfg.SharedCredentialsDir),
	}
	if len(cfg.AssumeRole) > 0 {
		settings.AssumeRole = cfg.AssumeRole[0].settings(&resp.Diagnostics)
	}
	sourced := func(attr string, v types.String, env string) sourcedSetting {
		if s := str(attr, v); s != "" {
			return sourcedSetting{Value: s, Attribute: attr, Env: env}
		}
		return sourcedSetting{Value: os.Getenv(env), Attribute: attr, Env: env, FromEnv: true}
	}
	endpoint := sourced("endpoint", cfg.Endpoint, "TENCENTCLOUD_ENDPOINT")
	protocol := sourced("protocol", cfg.Protocol, "TENCENTCLOUD_PROTOCOL")
	warnCleartextTransport(endpoint, protocol, &resp.Diagnostics)
	conf := client.Config{
		Endpoint:   endpoint.Value,
		Domain:     sourced("domain", cfg.Domain, "TENCENTCLOUD_DOMAIN").Value,
		Protocol:   protocol.Value,
		RateLimit:  client.DefaultRateLimit,
		MaxRetries: client.DefaultMaxRetries,
	}
	var defaultTags map[string]string
	if len(cfg.DefaultTags) > 0 {
		defaultTags = cfg.DefaultTags[0].tags(ctx, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.RateLimit.IsNull() && !cfg.RateLimit.IsUnknown() {
		conf.RateLimit = cfg.RateLimit.ValueFloat64()
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		conf.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if !cfg.RequestTimeout.IsNull() && !cfg.RequestTimeout.IsUnknown() {
		conf.RequestTimeout = time.Duration(cfg.RequestTimeout.ValueInt64()) * time.Second
	}

	creds, defaulted, err := resolveCredentials(settings, os.Getenv)
	if err != nil {
		resp.Diagnostics.AddError("Missing Tencent Cloud provider configuration",
			"The provider needs credentials. Set these provider attributes or environment variables:\n"+err.Error())
		return
	}
	if defaulted {
		resp.Diagnostics.AddAttributeWarning(path.Root("region"), "No region set: using "+DefaultRegion,
			fmt.Sprintf("Neither the provider's region attribute, nor %s, nor the tccli profile of the credentials sets a region, "+
				"so the provider uses %s, as the official provider does. Set region to choose the region and silence this warning.",
				client.EnvRegion, DefaultRegion))
	}
	if !defaulted {
		warnUnknownRegion(creds.Region, regionSource(settings.Region, os.Getenv, creds.Source), &resp.Diagnostics)
	}
	conf.SecretID, conf.SecretKey, conf.SecurityToken = creds.SecretID, creds.SecretKey, creds.SecurityToken
	conf.Region, conf.CredentialSource, conf.AssumeRole = creds.Region, creds.Source, creds.AssumeRole

	conf.WrapTransport = p.wrapTransport
	c, err := client.New(conf)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Tencent Cloud provider configuration", err.Error())
		return
	}
	if err := c.CheckCredentials(ctx); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("assume_role"), "Could not assume the role", err.Error())
		return
	}
	if p.onConfigure != nil {
		p.onConfigure(c)
	}
	resp.ResourceData = &resourceData{client: c, defaultTags: defaultTags, names: &plannedNames{}}
	resp.DataSourceData = c
	resp.EphemeralResourceData = c
}

// resourceData is what the provider hands its resources: the client, and
// the default tags, which are Terraform's business, not the API's.
type resourceData struct {
	client      *client.Client
	defaultTags map[string]string
	// names are the key names that the key pairs of this configuration
	// planned (key_pair_name_check.go).
	names *plannedNames
}

// DefaultRegion is the region when none is set anywhere: the official
// provider's default.
const DefaultRegion = "ap-guangzhou"

// resolveCredentials runs the credential chain and, when nothing sets a
// region, falls back to DefaultRegion (defaulted is then true). The chain
// reports a missing region as one of its errors; whether that was its only
// error shows by running it again with the region set, since the region
// changes nothing else it resolves. The error of the second run then lists
// the rest, without the region, which is no longer missing.
func resolveCredentials(s client.Settings, getenv func(string) string) (creds *client.Resolved, defaulted bool, err error) {
	creds, err = client.ResolveCredentials(s, getenv)
	if err == nil || s.Region != "" {
		return creds, false, err
	}
	s.Region = DefaultRegion
	if creds, err = client.ResolveCredentials(s, getenv); err != nil {
		return nil, false, err
	}
	return creds, true, nil
}

// regionSource says where the credential chain took the region from, in
// the order it looks: the attribute, the environment, then the profile
// that gave the credentials (source names it).
func regionSource(attribute string, getenv func(string) string, source string) string {
	switch {
	case attribute != "":
		return attributeRegionSource
	case getenv(client.EnvRegion) != "":
		return "the environment variable " + client.EnvRegion
	}
	return "the tccli profile of the credentials, " + source
}

// attributeRegionSource is regionSource's name for the provider's region
// attribute.
const attributeRegionSource = "the provider's region attribute"

// warnUnknownRegion warns when the region is not one that Tencent Cloud
// documents (apicontract.Regions), naming where it came from and the
// closest known names: a typo such as ap-guangzou would otherwise pass
// the plan and fail every call of the apply with UnsupportedRegion. Only
// a warning, since regions open after the list was written.
func warnUnknownRegion(region, from string, diags *diag.Diagnostics) {
	if apicontract.IsKnownRegion(region) {
		return
	}
	detail := fmt.Sprintf("The region %q, from %s, is not one of the regions Tencent Cloud documents for CVM. ", region, from)
	if closest := apicontract.ClosestRegions(region); len(closest) > 0 {
		detail += "Did you mean " + strings.Join(closest, " or ") + "? "
	} else {
		detail += "The documented regions: " + strings.Join(apicontract.Regions, ", ") + ". "
	}
	detail += "If the region is a new one, ignore this warning; if not, every API call will fail with UnsupportedRegion."
	summary := fmt.Sprintf("Unknown region %q", region)
	if from == attributeRegionSource {
		diags.AddAttributeWarning(path.Root("region"), summary, detail)
		return
	}
	diags.AddWarning(summary, detail)
}

// sourcedSetting is the value of a provider attribute that falls back to
// an environment variable, with where the value came from, so that a
// diagnostic can say what to change.
type sourcedSetting struct {
	Value string
	// Attribute and Env name the attribute and its environment variable;
	// FromEnv says that the value is the variable's.
	Attribute, Env string
	FromEnv        bool
}

// describe names where the value came from, as diagnostics say it.
func (s sourcedSetting) describe() string {
	if s.FromEnv {
		return "the environment variable " + s.Env
	}
	return "the provider's " + s.Attribute + " attribute"
}

// cleartextWarningSummary is the summary of warnCleartextTransport's
// warning, which the docs name.
const cleartextWarningSummary = "Cleartext transport"

// cleartextTransport says whether the API calls would go over plain HTTP
// to another machine, and if so which setting makes them (endpoint, which
// wins over protocol, or protocol) and the warning's detail. Plain HTTP
// to a loopback host is the local emulator, or a proxy on this machine,
// and never crosses a network: it stays quiet. A signature keeps a call
// from being changed, not from being read, and the answers hold the
// private keys that the API generates and the temporary credentials of
// assume_role.
func cleartextTransport(endpoint, protocol sourcedSetting) (sourcedSetting, string, bool) {
	const exposed = "API calls would travel unencrypted: the payloads that their signatures cover (signatures keep a call from " +
		"being changed, not from being read or sent again), the security token and the temporary credentials of assume_role, " +
		"and the private keys of the key pairs that the provider generates could be read by anyone on the network path"
	if endpoint.Value != "" {
		u, err := url.Parse(endpoint.Value)
		// An endpoint that is not a URL is the client's error to report;
		// https:// needs no warning.
		if err != nil || u.Scheme != "http" || isLoopbackHost(u.Hostname()) {
			return sourcedSetting{}, "", false
		}
		fix := "Use an https:// endpoint."
		if endpoint.FromEnv {
			fix = "Set " + endpoint.Env + " to an https:// URL."
		}
		return endpoint, fmt.Sprintf("The endpoint %s, from %s, is plain http:// to %s, which is not a loopback host: %s. %s "+
			"(http:// to localhost, 127.0.0.0/8 or ::1, such as the local emulator, gets no warning.)",
			u.Redacted(), endpoint.describe(), u.Hostname(), exposed, fix), true
	}
	if !strings.EqualFold(protocol.Value, "HTTP") {
		return sourcedSetting{}, "", false
	}
	fix := "Use HTTPS: set protocol to \"HTTPS\" or remove it (HTTPS is the default)."
	if protocol.FromEnv {
		fix = "Use HTTPS: set " + protocol.Env + " to HTTPS or unset it (HTTPS is the default)."
	}
	return protocol, fmt.Sprintf("The protocol %s, from %s, sends every call over plain HTTP to the Tencent Cloud API: %s. %s",
		protocol.Value, protocol.describe(), exposed, fix), true
}

// warnCleartextTransport adds cleartextTransport's warning, on the
// attribute when the attribute set the value.
func warnCleartextTransport(endpoint, protocol sourcedSetting, diags *diag.Diagnostics) {
	which, detail, ok := cleartextTransport(endpoint, protocol)
	if !ok {
		return
	}
	if which.FromEnv {
		diags.AddWarning(cleartextWarningSummary, detail)
		return
	}
	diags.AddAttributeWarning(path.Root(which.Attribute), cleartextWarningSummary, detail)
}

// isLoopbackHost says whether host is this machine for certain: localhost,
// or an address of 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Resources lists the resource types of the provider.
func (p *TencentCloudProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewKeyPairResource,
		NewSSMSSHKeyPairSecretResource,
	}
}

// DataSources lists the data source types of the provider.
func (p *TencentCloudProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewKeyPairDataSource,
		NewKeyPairsDataSource,
		NewSSMSSHKeyPairValueDataSource,
	}
}

// EphemeralResources lists the ephemeral resource types of the provider.
func (p *TencentCloudProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewSSMSSHKeyPairValueEphemeral,
	}
}
