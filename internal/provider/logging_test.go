package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The provider built as users run it, started by Terraform, logs nothing
// when nobody asked for logs (no TF_LOG and no TF_LOG_* of the SDK): no
// framework or protocol traces, no lines of its own. Terraform would drop
// them all, after the provider paid for them. With TF_LOG=trace, all of
// them are there, as before. The provider's standard error, which Terraform
// reads and drops without TF_LOG, is caught by a script that stands in for
// the binary under dev_overrides: the provider runs with exactly the
// environment Terraform gives it.
func TestAccLogging_onlyWhenAsked(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in for the provider binary is a shell script")
	}
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress)
	// newTFCLI builds the provider into plugins/, beside the working
	// directory.
	binary := filepath.Join(filepath.Dir(tf.Dir), "plugins", "terraform-provider-tencentcloud")
	if err := os.Rename(binary, binary+".real"); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\nexec '%s.real' \"$@\" 2>>\"${KP_PROVIDER_STDERR:-/dev/null}\"\n", binary)
	if err := os.WriteFile(binary, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	tf.Write("main.tf", `
terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}
`+env.ProviderConfig()+`
resource "tencentcloud_key_pair" "test" {
  key_name = "logging"
}
`)
	baseEnv := tf.Env
	// run runs terraform with extra variables, and returns the log lines
	// of the provider processes it started, by module.
	run := func(name string, extra []string, args ...string) map[string]int {
		t.Helper()
		stderr := filepath.Join(filepath.Dir(tf.Dir), name+".stderr")
		tf.Env = append(append(append([]string(nil), baseEnv...), "KP_PROVIDER_STDERR="+stderr), extra...)
		defer func() { tf.Env = baseEnv }()
		tf.Run([]int{0}, args...)
		data, err := os.ReadFile(stderr)
		if err != nil {
			t.Fatalf("terraform %s started no provider: %v", args[0], err)
		}
		modules := map[string]int{}
		for _, line := range strings.Split(string(data), "\n") {
			var entry struct {
				Module string `json:"@module"`
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				modules["(not a log line) "+line]++
				continue
			}
			modules[entry.Module]++
		}
		return modules
	}

	// The lines that logging costs: the SDK's subsystems and the
	// provider's own logger, named after its type. go-plugin's two lines
	// at start-up (mTLS, the plugin's address) have no module, and stay.
	logged := func(modules map[string]int) int {
		return modules["sdk.framework"] + modules["sdk.proto"] + modules["sdk"] + modules["tencentcloud"]
	}

	// An apply: every RPC of a plan and an apply, and API calls.
	if got := run("apply", nil, "apply", "-no-color", "-auto-approve", "-input=false"); logged(got) != 0 {
		t.Errorf("without TF_LOG, the provider logged; lines by module: %v", got)
	}
	id := tf.Resources()["tencentcloud_key_pair.test"].Values["id"]
	if id == nil || id == "" {
		t.Fatal("the apply made no key pair")
	}

	// A plan that refreshes it: the same RPCs and a DescribeKeyPairs call.
	got := run("plan-trace", []string{"TF_LOG=trace"}, "plan", "-no-color", "-input=false")
	t.Logf("with TF_LOG=trace, lines by module: %v", got)
	for _, module := range []string{"sdk.framework", "sdk.proto", "tencentcloud"} {
		if got[module] == 0 {
			t.Errorf("with TF_LOG=trace, the provider logged no line of %s; lines by module: %v", module, got)
		}
	}

	// TF_LOG_PATH alone asks Terraform for nothing.
	logPath := filepath.Join(filepath.Dir(tf.Dir), "terraform.log")
	if got := run("plan-path", []string{"TF_LOG_PATH=" + logPath}, "plan", "-no-color", "-input=false"); logged(got) != 0 {
		t.Errorf("with TF_LOG_PATH alone, the provider logged; lines by module: %v", got)
	}
}
