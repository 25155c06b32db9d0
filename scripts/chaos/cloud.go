package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/scripts/chaos/check"
)

// The run's credential: distinctive, so that the secret key is found
// wherever it leaks.
const (
	secretID  = "AKIDCHAOS00000000000000000000000000000"
	secretKey = "chaos-secret-key-NEVER-LOGGED-5e1f09b3c7a2"
	region    = "ap-guangzhou"
)

// startEmulator starts an emulator of its own for one scenario, in
// process: default mode (no lags, full answers), the rate limit on, with
// the tag lag that the kind asks for. Its key ids start at a fixed point
// per seed, so that calls about ids replay under the seed.
func startEmulator(seed uint64, tagLag time.Duration) (url string, stop func(), err error) {
	srv, err := emulator.New(emulator.Config{
		Credentials: []emulator.Credential{{SecretID: secretID, SecretKey: secretKey}},
		RateLimit:   10,
		KeyBits:     1024,
		KeyPool:     8,
		FirstKeyID:  1000 + seed,
		TagLag:      tagLag,
	})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return "", nil, err
	}
	hs := srv.HTTPServer(log.New(io.Discard, "", 0))
	go func() { _ = hs.Serve(srv.Listener(ln)) }()
	return "http://" + ln.Addr().String(), func() { _ = hs.Close(); _ = srv.Close() }, nil
}

// cloud talks to the emulator directly, never through the proxy: the
// foreign key pairs are made with it, and the checks read the emulator's
// own view with it.
type cloud struct {
	cvm *cvm.Client
}

func newCloud(endpoint string) (*cloud, error) {
	// Straight to the emulator, whatever proxy the caller's environment
	// names.
	c, err := testcloud.NewCVM(endpoint, secretID, secretKey, region)
	if err != nil {
		return nil, err
	}
	return &cloud{cvm: c}, nil
}

// retry runs f again while the emulator refuses it for its rate limit,
// which the runs may have used up a moment before.
func retry(ctx context.Context, f func() error) error {
	for {
		err := f()
		var sdkErr *sdkerrors.TencentCloudSDKError
		if err == nil || !errors.As(err, &sdkErr) || !strings.HasPrefix(sdkErr.Code, "RequestLimitExceeded") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func tagSpec(tags map[string]string) []*cvm.TagSpecification {
	if len(tags) == 0 {
		return nil
	}
	spec := &cvm.TagSpecification{ResourceType: common.StringPtr("keypair")}
	for k, v := range tags {
		spec.Tags = append(spec.Tags, &cvm.Tag{Key: common.StringPtr(k), Value: common.StringPtr(v)})
	}
	return []*cvm.TagSpecification{spec}
}

// create makes a key pair that the emulator generates, and returns its id
// and private key.
func (c *cloud) create(ctx context.Context, name string, tags map[string]string) (id, privateKey string, err error) {
	err = retry(ctx, func() error {
		req := cvm.NewCreateKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(0)
		req.TagSpecification = tagSpec(tags)
		resp, err := c.cvm.CreateKeyPairWithContext(ctx, req)
		if err != nil {
			return err
		}
		id, privateKey = *resp.Response.KeyPair.KeyId, *resp.Response.KeyPair.PrivateKey
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("CreateKeyPair %s: %w", name, err)
	}
	return id, privateKey, nil
}

// importKey registers a public key and returns the key pair's id.
func (c *cloud) importKey(ctx context.Context, name, publicKey string, tags map[string]string) (string, error) {
	var id string
	err := retry(ctx, func() error {
		req := cvm.NewImportKeyPairRequest()
		req.KeyName = common.StringPtr(name)
		req.ProjectId = common.Int64Ptr(0)
		req.PublicKey = common.StringPtr(publicKey)
		req.TagSpecification = tagSpec(tags)
		resp, err := c.cvm.ImportKeyPairWithContext(ctx, req)
		if err != nil {
			return err
		}
		id = *resp.Response.KeyId
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("ImportKeyPair %s: %w", name, err)
	}
	return id, nil
}

// list reads every key pair of the account.
func (c *cloud) list(ctx context.Context) ([]check.KeyPair, error) {
	var all []check.KeyPair
	for {
		var set []*cvm.KeyPair
		var total int64
		err := retry(ctx, func() error {
			req := cvm.NewDescribeKeyPairsRequest()
			req.Offset = common.Int64Ptr(int64(len(all)))
			req.Limit = common.Int64Ptr(100)
			resp, err := c.cvm.DescribeKeyPairsWithContext(ctx, req)
			if err != nil {
				return err
			}
			set, total = resp.Response.KeyPairSet, *resp.Response.TotalCount
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("DescribeKeyPairs: %w", err)
		}
		for _, kp := range set {
			all = append(all, fromAPI(kp))
		}
		if len(set) == 0 || int64(len(all)) >= total {
			return all, nil
		}
	}
}

func fromAPI(kp *cvm.KeyPair) check.KeyPair {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	out := check.KeyPair{ID: s(kp.KeyId), Name: s(kp.KeyName), PublicKey: s(kp.PublicKey), Description: s(kp.Description), Tags: map[string]string{}}
	if kp.ProjectId != nil {
		out.ProjectID = *kp.ProjectId
	}
	for _, t := range kp.Tags {
		out.Tags[s(t.Key)] = s(t.Value)
	}
	return out
}

// waitTagged returns the key pairs of ids as the emulator shows them once
// their tags show: under a tag lag, a view taken at once would lack them,
// and every later view would look like a change.
func (c *cloud) waitTagged(ctx context.Context, ids ...string) ([]check.KeyPair, error) {
	for {
		all, err := c.list(ctx)
		if err != nil {
			return nil, err
		}
		var out []check.KeyPair
		for _, kp := range all {
			for _, id := range ids {
				if kp.ID == id && len(kp.Tags) > 0 {
					out = append(out, kp)
				}
			}
		}
		if len(out) == len(ids) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("key pairs %v did not show with their tags: %w", ids, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
