package emulator

import "github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"

// regions are the Tencent Cloud regions the emulator accepts in X-TC-Region
// and in tag resource names: the documented ones of apicontract.Regions,
// which the provider warns about names outside of.
var regions = func() map[string]bool {
	m := make(map[string]bool, len(apicontract.Regions))
	for _, r := range apicontract.Regions {
		m[r] = true
	}
	return m
}()
