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

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/logswitch"
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
	if err := logswitch.SilenceUnread(os.Getenv, os.Setenv); err != nil {
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
