package emulator

import "github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"

// handlerFunc runs one action: it decodes the body itself and returns the
// response fields, to which the caller adds RequestId.
type handlerFunc func(s *Server, region string, body []byte) (map[string]any, *apiError)

// product is one API served by the emulator, chosen by the credential-scope
// service of the signature.
type product struct {
	version string
	// regional products need a listed region; global ones (Tag, STS) also accept
	// none.
	regional bool
	actions  map[string]handlerFunc
}

var products = map[string]product{
	"cvm": {
		version:  "2017-03-12",
		regional: true,
		actions: map[string]handlerFunc{
			"CreateKeyPair":                 (*Server).createKeyPair,
			"ImportKeyPair":                 (*Server).importKeyPair,
			"DescribeKeyPairs":              (*Server).describeKeyPairs,
			"DeleteKeyPairs":                (*Server).deleteKeyPairs,
			"ModifyKeyPairAttribute":        (*Server).modifyKeyPairAttribute,
			"AssociateInstancesKeyPairs":    (*Server).associateInstancesKeyPairs,
			"DisassociateInstancesKeyPairs": (*Server).disassociateInstancesKeyPairs,
		},
	},
	"tag": {
		version: "2018-08-13",
		actions: map[string]handlerFunc{
			"ModifyResourceTags": (*Server).modifyResourceTags,
			"DescribeProjects":   (*Server).describeProjects,
		},
	},
	"sts": {
		version: "2018-08-13",
		actions: map[string]handlerFunc{
			"AssumeRole": (*Server).assumeRole,
		},
	},
}

// route picks the handler from the signed service, X-TC-Version and
// X-TC-Action. The Host header plays no part: with an endpoint override
// every product arrives at the same host.
func route(service, version, action string) (handlerFunc, *apiError) {
	if action == "" {
		return nil, missing("X-TC-Action")
	}
	p, ok := products[service]
	if !ok {
		// The real service would not know which product to ask; it answers
		// unknown products the way it answers unknown actions.
		return nil, newError(apicontract.CodeInvalidAction, "The action `%s` is not found: service `%s` is not served here.", action, service)
	}
	if version == "" {
		return nil, missing("X-TC-Version")
	}
	if version != p.version {
		return nil, newError(apicontract.CodeNoSuchVersion, "The API version `%s` of service `%s` does not exist.", version, service)
	}
	h, ok := p.actions[action]
	if !ok {
		return nil, newError(apicontract.CodeInvalidAction, "The action `%s` is not found in service `%s` version %s.", action, service, version)
	}
	return h, nil
}

func checkRegion(service, region string) *apiError {
	if region == "" {
		if products[service].regional {
			return missing("X-TC-Region")
		}
		return nil
	}
	if !regions[region] {
		return newError(apicontract.CodeUnsupportedRegion, "The region `%s` is not supported.", region)
	}
	return nil
}
