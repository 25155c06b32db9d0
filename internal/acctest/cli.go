package acctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// CLI runs the real terraform binary in a directory of its own against a
// build of this provider, installed through dev_overrides as a user of a
// local build would: for what terraform-plugin-testing cannot do, such as
// `terraform state replace-provider`, TF_LOG to a file, or provider
// sources other than hashicorp/<name>. Nothing is downloaded.
type CLI struct {
	t         *testing.T
	Terraform string // the terraform binary
	// Dir holds the configuration and its state; its parent holds the
	// plugins directory and the CLI configuration, and is the test's own.
	Dir string
	// Env is the environment of every run: the caller's without TF_*,
	// TENCENTCLOUD_* and CHECKPOINT_DISABLE, with the CLI configuration.
	// A test may add to it.
	Env []string
}

// NewCLI builds the provider (the module's main package) and writes a
// CLI configuration whose dev_overrides serve it under each of the given
// registry addresses.
func NewCLI(t *testing.T, addresses ...string) *CLI {
	t.Helper()
	PreCheck(t)
	terraform := TerraformPath(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("building the provider needs go on PATH")
	}
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	build := exec.Command(goBin, "build", "-o", filepath.Join(plugins, "terraform-provider-tencentcloud"), ".")
	build.Dir = ModuleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out)
	}
	var overrides strings.Builder
	for _, a := range addresses {
		fmt.Fprintf(&overrides, "    %q = %q\n", a, plugins)
	}
	rc := filepath.Join(work, "terraformrc")
	text := "provider_installation {\n  dev_overrides {\n" + overrides.String() + "  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "config")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "TENCENTCLOUD_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &CLI{t: t, Terraform: terraform, Dir: dir, Env: env}
}

// ModuleRoot is the directory of go.mod.
func ModuleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("go env GOMOD: not in a module")
	}
	return filepath.Dir(gomod)
}

// Write writes a file of the working directory.
func (c *CLI) Write(name, text string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(text), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Command is terraform with args, in the working directory and the CLI's
// environment, not started.
func (c *CLI) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.Terraform, args...)
	cmd.Dir, cmd.Env = c.Dir, slices.Clone(c.Env)
	return cmd
}

// Run runs terraform and returns its exit code, its standard output, and
// both outputs for messages; any exit code not in ok fails the test.
func (c *CLI) Run(ok []int, args ...string) (code int, stdout, all string) {
	c.t.Helper()
	cmd := c.Command(args...)
	var out bytes.Buffer
	both := &Output{}
	cmd.Stdout = io.MultiWriter(&out, both)
	cmd.Stderr = both
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		c.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	if slices.Contains(ok, code) {
		return code, out.String(), both.String()
	}
	c.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, both.String())
	return code, "", ""
}

// Output collects standard output and standard error, which os/exec
// copies in goroutines of their own.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Output) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Output) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// StateResource is one resource of `terraform show -json`.
type StateResource struct {
	Address       string         `json:"address"`
	ProviderName  string         `json:"provider_name"`
	SchemaVersion int            `json:"schema_version"`
	Values        map[string]any `json:"values"`
}

// Resources returns the resources of the state by address.
func (c *CLI) Resources() map[string]StateResource {
	c.t.Helper()
	_, out, _ := c.Run([]int{0}, "show", "-json")
	var state struct {
		Values struct {
			RootModule struct {
				Resources []StateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	byAddress := map[string]StateResource{}
	for _, r := range state.Values.RootModule.Resources {
		byAddress[r.Address] = r
	}
	return byAddress
}

// The sources of this provider and of the official one, as a
// configuration's required_providers names them, and their registry
// addresses, as dev_overrides name them.
const (
	OurSource       = "keypairlabs/tencentcloud"
	OfficialSource  = "tencentcloudstack/tencentcloud"
	OurAddress      = "registry.terraform.io/" + OurSource
	OfficialAddress = "registry.terraform.io/" + OfficialSource
)

// Provider is a provider that a configuration run by CLI requires: its
// local name and its source.
type Provider struct{ Name, Source string }

// OurProvider is this provider under the local name tencentcloud.
var OurProvider = Provider{Name: "tencentcloud", Source: OurSource}

// ProviderBlocks is the start of a configuration run by CLI: the
// terraform block that requires the given providers, and for each a
// provider block that reaches endpoint with the emulator's demo
// credentials, in region, or with no region attribute if region is "".
func ProviderBlocks(endpoint, region string, providers ...Provider) string {
	var b strings.Builder
	b.WriteString("\nterraform {\n  required_providers {\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "    %s = {\n      source = %q\n    }\n", p.Name, p.Source)
	}
	b.WriteString("  }\n}\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "\nprovider %q {\n  endpoint   = %q\n  secret_id  = %q\n  secret_key = %q\n",
			p.Name, endpoint, emulator.DemoSecretID, emulator.DemoSecretKey)
		if region != "" {
			fmt.Fprintf(&b, "  region     = %q\n", region)
		}
		b.WriteString("}\n")
	}
	return b.String()
}
