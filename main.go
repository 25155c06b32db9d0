// Command terraform-provider-tencentcloud is the Terraform provider for
// Tencent Cloud SSH key pairs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/provider"
)

// version is set by the release build and by make install
// (-X main.version=...).
var version = "dev"

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

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/keypairlabs/tencentcloud",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
