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
	// rates are the documented rate limits, in calls per second, of the
	// actions whose limit differs from Config.RateLimit's default; the
	// others take Config.RateLimit (see Server.rateOf).
	rates map[string]float64
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
			"DescribeInstances":             (*Server).describeInstances,
		},
		// Documented: DescribeInstances 213/15728; the key pair actions
		// take Config.RateLimit, which is theirs by default.
		rates: map[string]float64{
			"DescribeInstances": apicontract.DescribeInstancesRateLimit,
		},
	},
	"tag": {
		version: "2018-08-13",
		actions: map[string]handlerFunc{
			"DescribeResourceTagsByResourceIds": (*Server).describeResourceTagsByResourceIds,
			"DescribeResourceTags":              (*Server).describeResourceTags,
			"DescribeResourceTagsByTagKeys":     (*Server).describeResourceTagsByTagKeys,
			"GetResources":                      (*Server).getResources,
			"GetTags":                           (*Server).getTags,
			"GetTagKeys":                        (*Server).getTagKeys,
			"GetTagValues":                      (*Server).getTagValues,
			"DescribeTags":                      (*Server).describeTags,
			"TagResources":                      (*Server).tagResources,
			"UnTagResources":                    (*Server).unTagResources,
			"ModifyResourceTags":                (*Server).modifyResourceTags,
			"AddResourceTag":                    (*Server).addResourceTag,
			"DeleteResourceTag":                 (*Server).deleteResourceTag,
			"CreateTag":                         (*Server).createTag,
			"DeleteTag":                         (*Server).deleteTag,
			"DescribeProjects":                  (*Server).describeProjects,
		},
		// Documented: the API category page 651/33003 and each action's
		// page. DescribeProjects' page gives none that the emulator has
		// checked: it takes Config.RateLimit.
		rates: map[string]float64{
			"DescribeResourceTagsByResourceIds": apicontract.DescribeResourceTagsByResourceIdsRateLimit,
			"DescribeResourceTags":              apicontract.TagRateLimit,
			"DescribeResourceTagsByTagKeys":     apicontract.TagRateLimit,
			"GetResources":                      apicontract.TagRateLimit,
			"GetTags":                           apicontract.TagRateLimit,
			"GetTagKeys":                        apicontract.TagRateLimit,
			"GetTagValues":                      apicontract.TagRateLimit,
			"DescribeTags":                      apicontract.DescribeTagsRateLimit,
			"TagResources":                      apicontract.TagRateLimit,
			"UnTagResources":                    apicontract.TagRateLimit,
			"ModifyResourceTags":                apicontract.TagRateLimit,
			"AddResourceTag":                    apicontract.TagRateLimit,
			"DeleteResourceTag":                 apicontract.TagRateLimit,
			"CreateTag":                         apicontract.TagRateLimit,
			"DeleteTag":                         apicontract.TagRateLimit,
		},
	},
	// Secrets Manager, the SSH key pair secrets (ssm.go). Its actions
	// need a region (documented: "Region Yes" on the newer pages).
	"ssm": {
		version:  "2019-09-23",
		regional: true,
		actions: map[string]handlerFunc{
			"CreateSSHKeyPairSecret": (*Server).createSSHKeyPairSecret,
			"GetSSHKeyPairValue":     (*Server).getSSHKeyPairValue,
			"DescribeSecret":         (*Server).describeSecret,
			"ListSecrets":            (*Server).listSecrets,
			"UpdateDescription":      (*Server).updateDescription,
			"EnableSecret":           (*Server).enableSecret,
			"DisableSecret":          (*Server).disableSecret,
			"DeleteSecret":           (*Server).deleteSecret,
			"RestoreSecret":          (*Server).restoreSecret,
		},
		// Documented: each action's page (apicontract/ssm.go).
		rates: map[string]float64{
			"CreateSSHKeyPairSecret": apicontract.SSMCreateRateLimit,
			"GetSSHKeyPairValue":     apicontract.SSMGetValueRateLimit,
			"DescribeSecret":         apicontract.SSMDescribeRateLimit,
			"ListSecrets":            apicontract.SSMListRateLimit,
			"UpdateDescription":      apicontract.SSMUpdateDescriptionRateLimit,
			"EnableSecret":           apicontract.SSMStateRateLimit,
			"DisableSecret":          apicontract.SSMStateRateLimit,
			"DeleteSecret":           apicontract.SSMStateRateLimit,
			"RestoreSecret":          apicontract.SSMStateRateLimit,
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

// rateOf is the rate limit of an action, in calls per second per region:
// its documented one when the product lists it, else Config.RateLimit,
// which is the documented limit of the CVM key pair actions by default;
// 0, no limit, whenever Config.RateLimit is 0. So --rate-limit sets the
// limits that no page gives and turns every limit on or off, while the
// documented ones stay as documented.
func (s *Server) rateOf(action string) float64 {
	if s.limit == 0 {
		return 0
	}
	for _, p := range products {
		if r, ok := p.rates[action]; ok {
			return r
		}
	}
	return s.limit
}
