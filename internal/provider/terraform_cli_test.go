package provider

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

// tfCLI runs the real terraform binary in a directory of its own against
// a build of this provider, installed through dev_overrides as a user of a
// local build would: for what terraform-plugin-testing cannot do, such as
// `terraform state replace-provider`, or provider sources other than
// hashicorp/<name>. Nothing is downloaded.
type tfCLI struct {
	t         *testing.T
	terraform string
	dir       string // the configuration and its state
	env       []string
}

// newTFCLI builds the provider and writes a CLI configuration whose
// dev_overrides serve it under each of the given registry addresses.
func newTFCLI(t *testing.T, addresses ...string) *tfCLI {
	t.Helper()
	testAccPreCheck(t)
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform is not on PATH")
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("building the provider needs go on PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	build := exec.Command(goBin, "build", "-o", filepath.Join(plugins, "terraform-provider-tencentcloud"), ".")
	build.Dir = root
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
	return &tfCLI{t: t, terraform: terraform, dir: dir, env: env}
}

// write writes a file of the working directory.
func (c *tfCLI) write(name, text string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(text), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// The sources of this provider and of the official one, as a
// configuration's required_providers names them.
const (
	ourSource      = "keypairlabs/tencentcloud"
	officialSource = "tencentcloudstack/tencentcloud"
)

// tfProvider is a provider that a configuration run by tfCLI requires:
// its local name and its source.
type tfProvider struct{ name, source string }

// ourProvider is this provider under the local name tencentcloud.
var ourProvider = tfProvider{"tencentcloud", ourSource}

// providerBlocks is the start of a configuration run by tfCLI: the
// terraform block that requires the given providers, and for each a
// provider block that reaches endpoint with the emulator's demo
// credentials, in region, or with no region attribute if region is "".
func providerBlocks(endpoint, region string, providers ...tfProvider) string {
	var b strings.Builder
	b.WriteString("\nterraform {\n  required_providers {\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "    %s = {\n      source = %q\n    }\n", p.name, p.source)
	}
	b.WriteString("  }\n}\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "\nprovider %q {\n  endpoint   = %q\n  secret_id  = %q\n  secret_key = %q\n",
			p.name, endpoint, emulator.DemoSecretID, emulator.DemoSecretKey)
		if region != "" {
			fmt.Fprintf(&b, "  region     = %q\n", region)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// run runs terraform and returns its exit code, its standard output, and
// both outputs for messages; any exit code not in ok fails the test.
func (c *tfCLI) run(ok []int, args ...string) (code int, stdout, all string) {
	c.t.Helper()
	cmd := exec.Command(c.terraform, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	both := &lockedBuffer{}
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

// lockedBuffer collects standard output and standard error, which
// os/exec copies in goroutines of their own.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// stateResource is one resource of `terraform show -json`.
type stateResource struct {
	Address       string         `json:"address"`
	ProviderName  string         `json:"provider_name"`
	SchemaVersion int            `json:"schema_version"`
	Values        map[string]any `json:"values"`
}

// resources returns the resources of the state by address.
func (c *tfCLI) resources() map[string]stateResource {
	c.t.Helper()
	_, out, _ := c.run([]int{0}, "show", "-json")
	var state struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	byAddress := map[string]stateResource{}
	for _, r := range state.Values.RootModule.Resources {
		byAddress[r.Address] = r
	}
	return byAddress
}
