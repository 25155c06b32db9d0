// Command terraform-provider-tencentcloud is the Terraform provider for
// Tencent Cloud SSH key pairs.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/provider"
)

// version is set by the release build (-X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/keypairlabs/tencentcloud",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
