package acctest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// keyPairType is the resource type whose objects the checks ask the API
// about.
const keyPairType = "tencentcloud_key_pair"

// StateID returns the id of a resource in the state.
func StateID(s *terraform.State, addr string) string {
	return s.RootModule().Resources[addr].Primary.ID
}

// CheckDestroyed asks the API that every key pair of the state is gone:
// the CheckDestroy of a resource.TestCase.
func (e *Env) CheckDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != keyPairType {
			continue
		}
		_, err := e.Client().DescribeKeyPair(context.Background(), rs.Primary.ID)
		var notFound *client.NotFoundError
		if err == nil {
			return fmt.Errorf("key pair %s still exists", rs.Primary.ID)
		}
		if !errors.As(err, &notFound) {
			return err
		}
	}
	return nil
}

// CheckMatchesAPI compares the state of the key pair at addr with what
// DescribeKeyPairs says of it.
func (e *Env) CheckMatchesAPI(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[addr].Primary.Attributes
		kp, err := e.Client().DescribeKeyPair(context.Background(), attrs["id"])
		if err != nil {
			return err
		}
		if kp.Name != attrs["key_name"] || fmt.Sprint(kp.ProjectID) != attrs["project_id"] || kp.Description != attrs["description"] ||
			kp.CreatedTime != attrs["created_time"] || !sshkey.Same(kp.PublicKey, attrs["public_key"]) {
			return fmt.Errorf("state (name %q, project %s, description %q, created %s, public key %q) does not match the API's %+v",
				attrs["key_name"], attrs["project_id"], attrs["description"], attrs["created_time"], attrs["public_key"], kp)
		}
		if got := attrs["tags.%"]; got != fmt.Sprint(len(kp.Tags)) && (got != "" || len(kp.Tags) != 0) {
			return fmt.Errorf("state has %s tags, the API %d", got, len(kp.Tags))
		}
		for k, v := range kp.Tags {
			if attrs["tags."+k] != v {
				return fmt.Errorf("tag %s: state %q, API %q", k, attrs["tags."+k], v)
			}
		}
		return nil
	}
}

// CheckStateMatchesAPI checks that the API holds exactly the key pairs
// of the state, want of them, no orphan and none missing, and that every
// private key in the state belongs to its public key.
func (e *Env) CheckStateMatchesAPI(want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]map[string]string{}
		for _, rs := range s.RootModule().Resources {
			if rs.Type == keyPairType {
				inState[rs.Primary.ID] = rs.Primary.Attributes
			}
		}
		if len(inState) != want {
			return fmt.Errorf("state holds %d key pairs, want %d", len(inState), want)
		}
		all, err := e.Client().ListKeyPairs(context.Background(), nil)
		if err != nil {
			return err
		}
		var problems []string
		seen := map[string]bool{}
		for _, kp := range all {
			seen[kp.ID] = true
			attrs, ok := inState[kp.ID]
			if !ok {
				problems = append(problems, fmt.Sprintf("orphan %s (%s)", kp.ID, kp.Name))
				continue
			}
			if attrs["key_name"] != kp.Name {
				problems = append(problems, fmt.Sprintf("%s: name %q in state, %q in the API", kp.ID, attrs["key_name"], kp.Name))
			}
			if err := sshkey.CheckPrivateKey(attrs["private_key"], kp.PublicKey); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", kp.ID, err))
			}
		}
		for id := range inState {
			if !seen[id] {
				problems = append(problems, fmt.Sprintf("%s in state but not in the API", id))
			}
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "; "))
		}
		return nil
	}
}

// Associate binds the key pair at addr to instances, out of band.
func (e *Env) Associate(addr string, instanceIDs ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return e.Client().AssociateInstances(context.Background(), []string{StateID(s, addr)}, instanceIDs, false)
	}
}
