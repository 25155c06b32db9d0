// Package testcloud makes key pairs as the console or another tool would:
// with plain, signed SDK calls, without anything this provider adds (its
// create token). Tests use it for key pairs that belong to someone else.
// Only tests import it: it is not part of the provider's binary.
package testcloud

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// CreateKeyPair generates a key pair named name with tags, through the
// plain HTTP endpoint (such as the emulator's http://127.0.0.1:PORT), and
// returns its id.
func CreateKeyPair(endpoint, secretID, secretKey, region, name string, tags map[string]string) (string, error) {
	c, err := NewCVM(endpoint, secretID, secretKey, region)
	if err != nil {
		return "", err
	}
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName = common.StringPtr(name)
	req.ProjectId = common.Int64Ptr(0)
	if len(tags) > 0 {
		spec := &cvm.TagSpecification{ResourceType: common.StringPtr("keypair")}
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			spec.Tags = append(spec.Tags, &cvm.Tag{Key: common.StringPtr(k), Value: common.StringPtr(tags[k])})
		}
		req.TagSpecification = []*cvm.TagSpecification{spec}
	}
	resp, err := c.CreateKeyPair(req)
	if err != nil {
		return "", err
	}
	if resp.Response == nil || resp.Response.KeyPair == nil || resp.Response.KeyPair.KeyId == nil {
		return "", fmt.Errorf("CreateKeyPair answered without a key pair")
	}
	return *resp.Response.KeyPair.KeyId, nil
}

// NewCVM is a plain SDK client of the CVM API at a plain HTTP endpoint
// (such as the emulator's http://127.0.0.1:PORT), reached straight,
// whatever proxy the environment names.
func NewCVM(endpoint, secretID, secretKey, region string) (*cvm.Client, error) {
	cp := profile.NewClientProfile()
	cp.HttpProfile.Endpoint = strings.TrimPrefix(endpoint, "http://")
	cp.HttpProfile.Scheme = "HTTP"
	cp.DisableRegionBreaker = true
	c, err := cvm.NewClient(common.NewCredential(secretID, secretKey), region, cp)
	if err != nil {
		return nil, err
	}
	c.WithHttpTransport(&http.Transport{Proxy: nil})
	return c, nil
}
