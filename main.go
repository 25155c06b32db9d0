// Command terraform-provider-tencentcloud is the Terraform provider for
// Tencent Cloud SSH key pairs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/provider"
)

// version is set by the release build and by make install
// (-X main.version=...).
var version = "dev"

// envCPUProfile names a directory where each provider process writes a CPU
// profile of its whole life, cpu-<pid>.pprof (Terraform starts several per
// command): for make bench and performance work, off by default.
const envCPUProfile = "TENCENTCLOUD_CPU_PROFILE_DIR"

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version of this build and exit")
	flag.Parse()
	if showVersion {
		// Which build is installed where Terraform looks: make install
		// names the directory and the file after the same version.
		fmt.Println(version)
		return
	}
	if err := run(debug); err != nil {
		log.Fatal(err)
	}
}

func run(debug bool) error {
	if err := silenceUnreadLogs(os.Getenv, os.Setenv); err != nil {
		return err
	}
	if dir := os.Getenv(envCPUProfile); dir != "" {
		stop, err := startCPUProfile(dir)
		if err != nil {
			return err
		}
		// Terraform ends a provider with its Shutdown call, after which
		// Serve returns: the profile is then whole.
		defer stop()
	}
	return providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/keypairlabs/tencentcloud",
		Debug:   debug,
	})
}

// logRequestEnv are the variables that ask for logs. Terraform shows a
// provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set; the
// others set the levels of the SDK's loggers and of this provider's own
// (TF_LOG_PROVIDER_TENCENTCLOUD, after its registry type), and say that
// someone wants some of them.
var logRequestEnv = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_TENCENTCLOUD"}

// logsOff are the levels that turn off what would log on every request
// with no variable set: the SDK's framework and protocol subsystems, which
// log at TRACE whatever TF_LOG says (terraform-plugin-framework#1269,
// #721), and this provider's own logger (its calls, their bodies).
// terraform-plugin-log reads them for each request
// (tfsdklog.WithLevelFromEnv); a subsystem at OFF returns before it builds
// a line, and a logger at OFF before it encodes one.
var logsOff = map[string]string{"TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_TENCENTCLOUD": "OFF"}

// logsRequested reports whether any variable asks for logs; an empty value
// counts as unset, as it does for Terraform and the SDK.
func logsRequested(getenv func(string) string) bool {
	for _, name := range logRequestEnv {
		if getenv(name) != "" {
			return true
		}
	}
	return false
}

// silenceUnreadLogs turns logging off when no variable asks for logs:
// Terraform would drop every line after the provider paid for it (about
// half the provider's CPU in a plan). When any asks, logging stays as the
// SDK sets it.
func silenceUnreadLogs(getenv func(string) string, setenv func(string, string) error) error {
	if logsRequested(getenv) {
		return nil
	}
	for name, value := range logsOff {
		if err := setenv(name, value); err != nil {
			return fmt.Errorf("set %s: %w", name, err)
		}
	}
	return nil
}

// startCPUProfile starts a CPU profile into dir, and returns what ends it.
func startCPUProfile(dir string) (func(), error) {
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Print(err)
		}
	}, nil
}
