// Package provider holds the Terraform types of the provider: the provider
// itself, its resources and its data sources.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

var _ provider.Provider = &TencentCloudProvider{}

// TencentCloudProvider is the tencentcloud provider.
type TencentCloudProvider struct {
	version string
}

// New returns the provider factory that providerserver and the acceptance
// tests serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &TencentCloudProvider{version: version}
	}
}

type providerModel struct {
	SecretID      types.String  `tfsdk:"secret_id"`
	SecretKey     types.String  `tfsdk:"secret_key"`
	SecurityToken types.String  `tfsdk:"security_token"`
	Region        types.String  `tfsdk:"region"`
	Endpoint      types.String  `tfsdk:"endpoint"`
	RateLimit     types.Float64 `tfsdk:"rate_limit"`
	MaxRetries    types.Int64   `tfsdk:"max_retries"`
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
				MarkdownDescription: "Region of the key pairs, such as `ap-guangzhou`. Falls back to `TENCENTCLOUD_REGION`.",
				Optional:            true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL, such as `http://127.0.0.1:8090`, that every API call goes to instead of the public endpoints: " +
					"the local emulator, a private cloud or a proxy. Falls back to `TENCENTCLOUD_ENDPOINT`.",
				Optional: true,
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Calls per second the provider sends for each API action, default `%d`, the API's documented limit.", client.DefaultRateLimit),
				Optional:            true,
				Validators:          []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a throttled or failed call that is safe to repeat is retried, with exponential backoff, default `%d`. "+
					"Retries also end with the resource timeouts.", client.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
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

	resolve := func(attr string, v types.String, env string) string {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown provider attribute",
				fmt.Sprintf("The provider cannot be configured while %q is unknown. Set it to a known value or use the %s environment variable.", attr, env))
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		return os.Getenv(env)
	}
	conf := client.Config{
		SecretID:      resolve("secret_id", cfg.SecretID, "TENCENTCLOUD_SECRET_ID"),
		SecretKey:     resolve("secret_key", cfg.SecretKey, "TENCENTCLOUD_SECRET_KEY"),
		SecurityToken: resolve("security_token", cfg.SecurityToken, "TENCENTCLOUD_SECURITY_TOKEN"),
		Region:        resolve("region", cfg.Region, "TENCENTCLOUD_REGION"),
		Endpoint:      resolve("endpoint", cfg.Endpoint, "TENCENTCLOUD_ENDPOINT"),
		RateLimit:     client.DefaultRateLimit,
		MaxRetries:    client.DefaultMaxRetries,
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

	var missing []string
	for _, m := range []struct{ value, attr, env string }{
		{conf.SecretID, "secret_id", "TENCENTCLOUD_SECRET_ID"},
		{conf.SecretKey, "secret_key", "TENCENTCLOUD_SECRET_KEY"},
		{conf.Region, "region", "TENCENTCLOUD_REGION"},
	} {
		if m.value == "" {
			missing = append(missing, fmt.Sprintf("  - %s (or the environment variable %s)", m.attr, m.env))
		}
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddError("Missing Tencent Cloud provider configuration",
			"The provider needs credentials and a region. Set these provider attributes or environment variables:\n"+strings.Join(missing, "\n"))
		return
	}

	c, err := client.New(conf)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid endpoint", err.Error())
		return
	}
	resp.ResourceData = c
	resp.DataSourceData = c
}

// Resources lists the resource types of the provider.
func (p *TencentCloudProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewKeyPairResource,
	}
}

// DataSources lists the data source types of the provider.
func (p *TencentCloudProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewKeyPairDataSource,
		NewKeyPairsDataSource,
	}
}
