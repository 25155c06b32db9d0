package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/tools/noop"
)

// benchResources is the number of resources of the plan benchmarks, as in
// make bench.
const benchResources = 100

// What the provider's CPU goes to in a plan of 100 key pairs, without
// Terraform: the calls Terraform makes of the provider for each resource
// in state, driven through the protocol server as Terraform drives it
// (ValidateResourceConfig, UpgradeResourceState, PlanResourceChange; and
// ReadResource for a refresh), against the same calls for the key pair's
// schema alone, planning the same states (bare_key_pair: what the
// framework costs for a schema of this shape; the difference is this
// provider's own code), and for a resource of two attributes on the same
// framework, the floor (make bench's no-op provider, package noop). Run
// with
//
//	go test ./internal/provider -run '^$' -bench BenchmarkPlan -benchmem -cpuprofile cpu.out
//
// and read cpu.out with go tool pprof; allocs/op is the steadiest figure
// on a busy machine. Logging is as a provider under Terraform has it
// without TF_LOG (main.go): the server is the framework's, without
// terraform-plugin-go's loggers, so that nothing logs.
func BenchmarkPlan(b *testing.B) {
	_, url := emulator.NewTestServer(b, emulator.Config{KeyBits: 1024, KeyPool: benchResources})
	ours := &planBench{
		typeName: "tencentcloud_key_pair",
		server:   providerserver.NewProtocol6(New("bench")())(),
		providerConfig: map[string]tftypes.Value{
			"endpoint":   tftypes.NewValue(tftypes.String, url),
			"secret_id":  tftypes.NewValue(tftypes.String, emulator.DemoSecretID),
			"secret_key": tftypes.NewValue(tftypes.String, emulator.DemoSecretKey),
			"region":     tftypes.NewValue(tftypes.String, acctest.Region),
		},
		config: func(i int) map[string]tftypes.Value {
			return map[string]tftypes.Value{"key_name": tftypes.NewValue(tftypes.String, fmt.Sprintf("bench_%d", i))}
		},
	}
	// The key pair's schema alone plans the states that ours made.
	bare := &planBench{typeName: "bare_key_pair", server: providerserver.NewProtocol6(bareProvider{})(), sameStatesAs: ours}
	floor := &planBench{
		typeName: "noop_thing",
		server:   providerserver.NewProtocol6(noop.New())(),
		config: func(i int) map[string]tftypes.Value {
			return map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, fmt.Sprintf("bench_%d", i))}
		},
	}
	for _, p := range []struct {
		name string
		*planBench
	}{{"key_pair", ours}, {"key_pair_schema_alone", bare}, {"two_attributes", floor}} {
		if p.sameStatesAs != nil {
			p.copyStates(b)
		} else {
			p.setUp(b)
		}
		// The emulator makes keys again for those the creates took: not
		// while the benchmark runs.
		waitForKeyPool(b, url)
		b.Run(p.name+"/plan-refresh=false", func(b *testing.B) {
			for b.Loop() {
				p.planNoRefresh(b)
			}
		})
		if p.sameStatesAs != nil {
			continue // its reads make no call: nothing to compare
		}
		b.Run(p.name+"/refresh", func(b *testing.B) {
			for b.Loop() {
				p.refresh(b)
			}
		})
	}
}

// planBench is one provider with benchResources resources in state.
type planBench struct {
	typeName       string
	server         tfprotov6.ProviderServer
	providerConfig map[string]tftypes.Value
	config         func(i int) map[string]tftypes.Value

	// sameStatesAs, when set, is a planBench of a resource of the same
	// type whose configurations and states this one plans.
	sameStatesAs *planBench

	typ       tftypes.Object
	version   int64
	configs   []*tfprotov6.DynamicValue
	states    []*tfprotov6.DynamicValue
	stateJSON [][]byte
	proposed  []*tfprotov6.DynamicValue
}

// setUp configures the provider and creates the resources, as an apply
// would.
func (p *planBench) setUp(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	schemas, err := p.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagsHaveError(schemas.Diagnostics) {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	providerType, ok := schemas.Provider.ValueType().(tftypes.Object)
	if !ok {
		b.Fatal("the provider schema is not an object")
	}
	configured, err := p.server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: dynamicValue(b, providerType, objectValue(providerType, p.providerConfig)),
	})
	if err != nil || diagsHaveError(configured.Diagnostics) {
		b.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	resourceSchema := schemas.ResourceSchemas[p.typeName]
	if resourceSchema == nil {
		b.Fatalf("no resource type %s", p.typeName)
	}
	p.version = resourceSchema.Version
	if p.typ, ok = resourceSchema.ValueType().(tftypes.Object); !ok {
		b.Fatalf("resource type %s is not an object", p.typeName)
	}
	null := dynamicValue(b, p.typ, tftypes.NewValue(p.typ, nil))
	for i := range benchResources {
		cfgValue := objectValue(p.typ, p.config(i))
		cfg := dynamicValue(b, p.typ, cfgValue)
		planned, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: p.typeName, PriorState: null, ProposedNewState: cfg, Config: cfg,
		})
		if err != nil || diagsHaveError(planned.Diagnostics) {
			b.Fatalf("plan of %s %d: %v %v", p.typeName, i, err, planned.Diagnostics)
		}
		applied, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: p.typeName, PriorState: null, PlannedState: planned.PlannedState, Config: cfg,
			PlannedPrivate: planned.PlannedPrivate,
		})
		if err != nil || diagsHaveError(applied.Diagnostics) {
			b.Fatalf("apply of %s %d: %v %v", p.typeName, i, err, applied.Diagnostics)
		}
		state, err := applied.NewState.Unmarshal(p.typ)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := json.Marshal(jsonValue(state))
		if err != nil {
			b.Fatal(err)
		}
		p.configs = append(p.configs, cfg)
		p.states = append(p.states, applied.NewState)
		p.stateJSON = append(p.stateJSON, raw)
		p.proposed = append(p.proposed, dynamicValue(b, p.typ, proposedNewState(state, cfgValue)))
	}
}

// copyStates takes the configurations and states of sameStatesAs.
func (p *planBench) copyStates(b *testing.B) {
	b.Helper()
	from := p.sameStatesAs
	schemas, err := p.server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagsHaveError(schemas.Diagnostics) {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	if typ := schemas.ResourceSchemas[p.typeName].ValueType(); !typ.Equal(from.typ) {
		b.Fatalf("%s is of type %s, not %s's %s", p.typeName, typ, from.typeName, from.typ)
	}
	p.typ, p.version = from.typ, from.version
	p.configs, p.states, p.stateJSON, p.proposed = from.configs, from.states, from.stateJSON, from.proposed
}

// planNoRefresh makes the calls of a plan -refresh=false of every
// resource.
func (p *planBench) planNoRefresh(b *testing.B) {
	ctx := context.Background()
	for i := range benchResources {
		validated, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: p.typeName, Config: p.configs[i]})
		if err != nil || diagsHaveError(validated.Diagnostics) {
			b.Fatalf("ValidateResourceConfig: %v %v", err, validated.Diagnostics)
		}
		upgraded, err := p.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
			TypeName: p.typeName, Version: p.version, RawState: &tfprotov6.RawState{JSON: p.stateJSON[i]},
		})
		if err != nil || diagsHaveError(upgraded.Diagnostics) {
			b.Fatalf("UpgradeResourceState: %v %v", err, upgraded.Diagnostics)
		}
		planned, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: p.typeName, PriorState: p.states[i], ProposedNewState: p.proposed[i], Config: p.configs[i],
		})
		if err != nil || diagsHaveError(planned.Diagnostics) || len(planned.RequiresReplace) > 0 {
			b.Fatalf("PlanResourceChange: %v %v, replace %v", err, planned.Diagnostics, planned.RequiresReplace)
		}
	}
}

// refresh reads every resource, 10 at a time as Terraform does: the
// reads share the client's listing of the region.
func (p *planBench) refresh(b *testing.B) {
	ctx := context.Background()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for i := range next {
				read, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: p.typeName, CurrentState: p.states[i]})
				if err != nil || diagsHaveError(read.Diagnostics) {
					b.Errorf("ReadResource: %v %v", err, read.Diagnostics)
				}
			}
		})
	}
	for i := range benchResources {
		next <- i
	}
	close(next)
	wg.Wait()
}

func waitForKeyPool(b *testing.B, url string) {
	b.Helper()
	ctl := emulator.ControlClient{URL: url}
	for {
		pool, err := ctl.KeyPool(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if pool.Ready >= pool.Size {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func diagsHaveError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// objectValue is an object of typ with the given attributes, and null for
// the others.
func objectValue(typ tftypes.Object, attrs map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func dynamicValue(b *testing.B, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// proposedNewState is Terraform's proposed new state for a resource whose
// configuration is unchanged: the configuration, with the prior values of
// what it leaves null.
func proposedNewState(prior, config tftypes.Value) tftypes.Value {
	var priorAttrs, configAttrs map[string]tftypes.Value
	_ = prior.As(&priorAttrs)
	_ = config.As(&configAttrs)
	out := map[string]tftypes.Value{}
	for name, v := range configAttrs {
		if v.IsNull() {
			v = priorAttrs[name]
		}
		out[name] = v
	}
	return tftypes.NewValue(config.Type(), out)
}

// jsonValue is v as the state file holds it.
func jsonValue(v tftypes.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var x bool
		_ = v.As(&x)
		return x
	case v.Type().Is(tftypes.Number):
		var f big.Float
		_ = v.As(&f)
		return json.Number(f.Text('g', -1))
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := map[string]any{}
		for k, a := range attrs {
			out[k] = jsonValue(a)
		}
		return out
	default: // list, set, tuple
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []any{}
		for _, e := range elems {
			out = append(out, jsonValue(e))
		}
		return out
	}
}

// bareProvider serves bare_key_pair: tencentcloud_key_pair's schema alone,
// without what this provider adds to it (validators, plan modifiers,
// defaults, the public key's custom type, ModifyPlan, ValidateConfig) and
// without calls. A plan of it costs what the framework costs for a schema
// of this shape: the rest of a key pair's plan is this provider's own.
type bareProvider struct{}

func (bareProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "bare"
}

func (bareProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (bareProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (bareProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return bareKeyPair{} }}
}

func (bareProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type bareKeyPair struct{}

func (bareKeyPair) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key_pair"
}

func (bareKeyPair) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	full := keyPairSchemaV1(ctx)
	bare := schema.Schema{Version: full.Version, Attributes: map[string]schema.Attribute{}, Blocks: full.Blocks}
	for name, a := range full.Attributes {
		switch a := a.(type) {
		case schema.StringAttribute:
			bare.Attributes[name] = schema.StringAttribute{Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case schema.Int64Attribute:
			bare.Attributes[name] = schema.Int64Attribute{Required: a.Required, Optional: a.Optional, Computed: a.Computed}
		case schema.BoolAttribute:
			bare.Attributes[name] = schema.BoolAttribute{Required: a.Required, Optional: a.Optional, Computed: a.Computed}
		case schema.MapAttribute:
			bare.Attributes[name] = schema.MapAttribute{ElementType: a.ElementType, Required: a.Required, Optional: a.Optional, Computed: a.Computed}
		case schema.SetAttribute:
			bare.Attributes[name] = schema.SetAttribute{ElementType: a.ElementType, Required: a.Required, Optional: a.Optional, Computed: a.Computed}
		default:
			resp.Diagnostics.AddError("Unexpected attribute", fmt.Sprintf("bare_key_pair cannot strip attribute %s of type %T", name, a))
		}
	}
	resp.Schema = bare
}

// The benchmark plans states that tencentcloud_key_pair made: these only
// keep what they are given.
func (bareKeyPair) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (bareKeyPair) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (bareKeyPair) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (bareKeyPair) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
