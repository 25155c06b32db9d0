package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// describeInstances calls DescribeInstances through the SDK and returns
// the set as id: state, with the bound key pairs of each.
func (e *testEnv) describeInstances(region string, req *cvm.DescribeInstancesRequest) (states, keys map[string]string, total int64, err error) {
	resp, err := e.cvm(region).DescribeInstances(req)
	if err != nil {
		return nil, nil, 0, err
	}
	states, keys = map[string]string{}, map[string]string{}
	for _, in := range resp.Response.InstanceSet {
		states[*in.InstanceId] = *in.InstanceState
		var ids []string
		for _, k := range in.LoginSettings.KeyIds {
			ids = append(ids, *k)
		}
		keys[*in.InstanceId] = fmt.Sprint(ids)
	}
	return states, keys, *resp.Response.TotalCount, nil
}

// DescribeInstances answers the instances of the control API in the
// call's region, with their states and bound key pairs; ids of no
// instance, of a terminated one or of one in another region are absent,
// not an error.
func TestDescribeInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	kp := e.create(testRegion, "described")
	e.addInstance("ins-running1", testRegion, "RUNNING", "LINUX")
	e.addInstance("ins-stopped1", testRegion, "STOPPED", "LINUX")
	e.addInstance("ins-ended001", testRegion, "STOPPED", "LINUX")
	e.addInstance("ins-shanghai", "ap-shanghai", "RUNNING", "LINUX")
	bind := cvm.NewAssociateInstancesKeyPairsRequest()
	bind.InstanceIds, bind.KeyIds = ptrs("ins-stopped1"), ptrs(*kp.KeyId)
	if _, err := e.cvm(testRegion).AssociateInstancesKeyPairs(bind); err != nil {
		t.Fatal(err)
	}
	if code := e.control(http.MethodPost, "/_emulator/instances", map[string]string{"InstanceId": "ins-ended001", "Region": testRegion, "State": "TERMINATED"}, nil); code != http.StatusOK {
		t.Fatalf("terminate: HTTP %d", code)
	}

	req := cvm.NewDescribeInstancesRequest()
	req.InstanceIds = ptrs("ins-running1", "ins-stopped1", "ins-ended001", "ins-shanghai", "ins-nothere1")
	states, keys, total, err := e.describeInstances(testRegion, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"ins-running1": "RUNNING", "ins-stopped1": "STOPPED"}; fmt.Sprint(states) != fmt.Sprint(want) || total != 2 {
		t.Errorf("states = %v (TotalCount %d), want %v", states, total, want)
	}
	if keys["ins-stopped1"] != fmt.Sprint([]string{*kp.KeyId}) || keys["ins-running1"] != "[]" {
		t.Errorf("LoginSettings.KeyIds = %v, want %s on ins-stopped1 alone", keys, *kp.KeyId)
	}

	// Without ids, every instance of the region, a page at a time.
	for i := range 5 {
		e.addInstance(fmt.Sprintf("ins-paged00%d", i), testRegion, "STOPPED", "LINUX")
	}
	var seen []string
	for offset := int64(0); ; offset += 3 {
		req := cvm.NewDescribeInstancesRequest()
		req.Offset, req.Limit = ptr(offset), ptr(int64(3))
		states, _, total, err := e.describeInstances(testRegion, req)
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Fatalf("TotalCount %d, want 7", total)
		}
		if len(states) == 0 {
			break
		}
		for id := range states {
			seen = append(seen, id)
		}
	}
	if slices.Sort(seen); len(slices.Compact(slices.Clone(seen))) != 7 || len(seen) != 7 {
		t.Errorf("paged through %v, want 7 distinct instances", seen)
	}
	if st := e.stats(); st.Calls["DescribeInstances"] != 5 {
		t.Errorf("%d DescribeInstances calls counted, want 5", st.Calls["DescribeInstances"])
	}
}

// The refusals of DescribeInstances: the documented limits and id form.
func TestDescribeInstancesRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("ins-%08d", i)
	}
	for _, tt := range []struct {
		name string
		req  func(*cvm.DescribeInstancesRequest)
		code string
	}{
		{"malformed id", func(r *cvm.DescribeInstancesRequest) { r.InstanceIds = ptrs("i-12345678") }, "InvalidInstanceId.Malformed"},
		{"101 ids", func(r *cvm.DescribeInstancesRequest) { r.InstanceIds = ptrs(many...) }, "InvalidParameterValue.LimitExceeded"},
		{"Limit 101", func(r *cvm.DescribeInstancesRequest) { r.Limit = ptr(int64(101)) }, "InvalidParameterValue.LimitExceeded"},
		{"negative Offset", func(r *cvm.DescribeInstancesRequest) { r.Offset = ptr(int64(-1)) }, "InvalidParameterValue"},
		{"ids and filters", func(r *cvm.DescribeInstancesRequest) {
			r.InstanceIds = ptrs("ins-12345678")
			r.Filters = []*cvm.Filter{{Name: ptr("instance-state"), Values: ptrs("RUNNING")}}
		}, "InvalidParameter"},
	} {
		req := cvm.NewDescribeInstancesRequest()
		tt.req(req)
		_, err := e.cvm(testRegion).DescribeInstances(req)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: code %q, want %q (%v)", tt.name, got, tt.code, err)
		}
	}
}

// DescribeInstances has its documented limit, 40 calls a second, on a
// bucket of its own, and meets the fault rules as the other actions do.
func TestDescribeInstancesRateLimitAndFaults(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e, _ := newBubbleEnv(t, Config{RateLimit: 10})
		c := e.cvm(testRegion)
		if n := throttledOf(t, 45, func() error {
			_, err := c.DescribeInstances(cvm.NewDescribeInstancesRequest())
			return err
		}); n != 5 {
			t.Errorf("%d of 45 calls at one instant throttled, want 5 (40/s)", n)
		}
	})
	e := newEnv(t, Config{})
	e.setFaults(FaultRule{Action: "DescribeInstances", InternalError: 1})
	_, err := e.cvm(testRegion).DescribeInstances(cvm.NewDescribeInstancesRequest())
	wantCode(t, err, "InternalError")
	if st := e.stats(); st.Faults["DescribeInstances"] != 1 {
		t.Errorf("faults = %v", st.Faults)
	}
}
