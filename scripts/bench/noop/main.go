// Command noop is the floor of make bench: the provider of package
// internal/noop, one resource of two attributes that makes no call and
// keeps what it is given, served as Terraform runs providers.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/noop"
)

func main() {
	// With NOOP_LOGGING=framework, logging is as the framework sets it:
	// the floor of issue 14, a provider as the framework ships it, which
	// writes its trace lines whether or not anyone reads them. Otherwise,
	// as the provider does (main.go): with no TF_LOG* set, the SDK's
	// framework and protocol logging is off, so that the floor is the
	// framework at its cheapest, not its unread trace lines.
	asked := os.Getenv("NOOP_LOGGING") == "framework"
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		asked = asked || os.Getenv(name) != ""
	}
	if !asked {
		_ = os.Setenv("TF_LOG_SDK_FRAMEWORK", "OFF")
		_ = os.Setenv("TF_LOG_SDK_PROTO", "OFF")
	}
	err := providerserver.Serve(context.Background(), noop.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/bench/noop",
	})
	if err != nil {
		log.Fatal(err)
	}
}
