// Command noop is the floor of make bench: the provider of package
// tools/noop, one resource of two attributes that makes no call and
// keeps what it is given, served as Terraform runs providers.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/logswitch"
	"github.com/keypairlabs/terraform-provider-tencentcloud/tools/noop"
)

func main() {
	// With NOOP_LOGGING=framework, logging is as the framework sets it:
	// the floor of issue 14, a provider as the framework ships it, which
	// writes its trace lines whether or not anyone reads them. Otherwise
	// the logs nobody asked for are off, as the provider has them, so that
	// the floor is the framework at its cheapest.
	if os.Getenv("NOOP_LOGGING") != "framework" {
		if err := logswitch.SilenceUnread(os.Getenv, os.Setenv); err != nil {
			log.Fatal(err)
		}
	}
	err := providerserver.Serve(context.Background(), noop.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/bench/noop",
	})
	if err != nil {
		log.Fatal(err)
	}
}
