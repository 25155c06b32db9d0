package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

// Creates that queue for the rate limit say so in Terraform's log at
// TF_LOG_PROVIDER=info, through the terraform binary as a user runs it:
// with rate_limit = 0.5 and three key pairs, two of the creates wait
// about 2 s and 4 s for CreateKeyPair, and their lines say how long and why.
// No line of the sort holds a key or a credential.
func TestAccKeyPair_progressLogsRateLimitWaits(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress)
	tf.Write("main.tf", `
terraform {
  required_providers {
    tencentcloud = {
      source = "keypairlabs/tencentcloud"
    }
  }
}
`+env.ProviderConfigWith("  rate_limit = 0.5")+`
resource "tencentcloud_key_pair" "test" {
  count    = 3
  key_name = "progress_${count.index}"
}
`)
	logPath := filepath.Join(filepath.Dir(tf.Dir), "apply.log")
	tf.Env = append(tf.Env, "TF_LOG_PROVIDER=info", "TF_LOG_PATH="+logPath)
	tf.Run([]int{0}, "apply", "-no-color", "-auto-approve", "-input=false")
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("terraform wrote no log: %v", err)
	}
	waiting := regexp.MustCompile(`Tencent Cloud API: waiting (\d+(?:\.\d)?s) for the CreateKeyPair rate limit \(0.5 calls/s, shared by this provider's CreateKeyPair calls\)`)
	var told []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if !strings.Contains(line, "Tencent Cloud API: ") || strings.Contains(line, "[DEBUG]") {
			continue
		}
		for _, secret := range []string{emulator.DemoSecretKey, "PRIVATE KEY", "ssh-rsa"} {
			if strings.Contains(line, secret) {
				t.Errorf("a progress line holds %q: %s", secret, line)
			}
		}
		t.Log(line)
		if m := waiting.FindStringSubmatch(line); m != nil {
			told = append(told, m[1])
		}
	}
	if len(told) != 2 {
		t.Errorf("told %d waits for the CreateKeyPair rate limit (%v), want 2 (the second and third creates)\n%s", len(told), told, data)
	}
}
