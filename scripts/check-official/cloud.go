package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/crypto/ssh"
)

// cloud reads the emulator's own view of the key pairs, and makes the
// one that the official provider imports, straight through the SDK: never
// through a provider under test.
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

// keyPair is a key pair as DescribeKeyPairs shows it.
type keyPair struct {
	ID, Name, PublicKey string
	ProjectID           int64
	Tags                map[string]string
	// Instances are the instances it is bound to.
	Instances []string
}

// byIDs reads the key pairs of ids that exist, by id.
func (c *cloud) byIDs(ctx context.Context, ids ...string) (map[string]keyPair, error) {
	req := cvm.NewDescribeKeyPairsRequest()
	req.KeyIds = common.StringPtrs(ids)
	req.Limit = common.Int64Ptr(100)
	resp, err := c.cvm.DescribeKeyPairsWithContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("DescribeKeyPairs %v: %w", ids, err)
	}
	out := map[string]keyPair{}
	for _, kp := range resp.Response.KeyPairSet {
		v := keyPair{ID: *kp.KeyId, Name: *kp.KeyName, Tags: map[string]string{}}
		if kp.PublicKey != nil {
			v.PublicKey = *kp.PublicKey
		}
		if kp.ProjectId != nil {
			v.ProjectID = *kp.ProjectId
		}
		for _, t := range kp.Tags {
			v.Tags[*t.Key] = *t.Value
		}
		for _, in := range kp.AssociatedInstanceIds {
			v.Instances = append(v.Instances, *in)
		}
		out[v.ID] = v
	}
	return out, nil
}

// one reads the key pair of id, which must exist.
func (c *cloud) one(ctx context.Context, id string) (keyPair, error) {
	got, err := c.byIDs(ctx, id)
	if err != nil {
		return keyPair{}, err
	}
	kp, ok := got[id]
	if !ok {
		return keyPair{}, fmt.Errorf("key pair %s does not exist", id)
	}
	return kp, nil
}

// gone fails when any key pair of ids still exists.
func (c *cloud) gone(ctx context.Context, ids ...string) error {
	got, err := c.byIDs(ctx, ids...)
	if err != nil {
		return err
	}
	if len(got) > 0 {
		var left []string
		for id, kp := range got {
			left = append(left, id+" ("+kp.Name+")")
		}
		return fmt.Errorf("key pairs left after destroy: %s", strings.Join(left, ", "))
	}
	return nil
}

// create makes a key pair outside Terraform, as the console would, with
// tags.
func (c *cloud) create(ctx context.Context, name string, tags map[string]string) (string, error) {
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName = common.StringPtr(name)
	req.ProjectId = common.Int64Ptr(0)
	spec := &cvm.TagSpecification{ResourceType: common.StringPtr("keypair")}
	for k, v := range tags {
		spec.Tags = append(spec.Tags, &cvm.Tag{Key: common.StringPtr(k), Value: common.StringPtr(v)})
	}
	req.TagSpecification = []*cvm.TagSpecification{spec}
	resp, err := c.cvm.CreateKeyPairWithContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("CreateKeyPair %s: %w", name, err)
	}
	return *resp.Response.KeyPair.KeyId, nil
}

// fixtures are the public keys that the configurations import, each an
// RSA key (the only type the API imports) with a comment, as ssh-keygen
// writes one.
type fixtures struct {
	officialKey, migrationKey, replaceKey string
}

func newFixtures() (*fixtures, error) {
	f := &fixtures{}
	for _, k := range []struct {
		dst     *string
		comment string
	}{{&f.officialKey, "alice@laptop"}, {&f.migrationKey, "bob@workstation"}, {&f.replaceKey, "carol@desktop"}} {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		pub, err := ssh.NewPublicKey(&key.PublicKey)
		if err != nil {
			return nil, err
		}
		*k.dst = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " " + k.comment
	}
	return f, nil
}

// sameKey tells whether two OpenSSH public key lines hold the same key,
// whatever their comments.
func sameKey(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	return len(fa) >= 2 && len(fb) >= 2 && fa[0] == fb[0] && fa[1] == fb[1]
}

// publicKeyOf is the OpenSSH public key of a PEM private key.
func publicKeyOf(privatePEM string) (string, error) {
	signer, err := ssh.ParsePrivateKey([]byte(privatePEM))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))), nil
}
