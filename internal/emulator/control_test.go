package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func TestControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})

	resp, err := http.Get(e.url + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"calls":{},"throttled":{},"faults":{}}` {
		t.Errorf("fresh stats = %s", body)
	}

	kp := e.create(testRegion, "before_reset")
	e.addInstance("ins-control1", testRegion, "", "")
	var instances []Instance
	e.control(http.MethodGet, "/_emulator/instances", nil, &instances)
	if len(instances) != 1 || instances[0].State != "RUNNING" || instances[0].OsType != "LINUX" || instances[0].KeyIDs == nil {
		t.Errorf("instances = %+v, want one RUNNING LINUX instance with an empty KeyIds list", instances)
	}
	// Changing an existing instance keeps what is not given.
	e.addInstance("ins-control1", testRegion, "STOPPED", "")
	e.addInstance("ins-control1", testRegion, "", "WINDOWS")
	e.control(http.MethodGet, "/_emulator/instances", nil, &instances)
	if instances[0].State != "STOPPED" || instances[0].OsType != "WINDOWS" {
		t.Errorf("after updates: %+v", instances[0])
	}

	e.expectControlStatuses([]controlCase{
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"i-1","Region":"ap-guangzhou"}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-abcdefgh","Region":"mars"}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-abcdefgh","Region":"ap-guangzhou","State":"PENDING"}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-abcdefgh","Region":"ap-guangzhou","OsType":"BSD"}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-control1","Region":"ap-tokyo"}`, http.StatusConflict},
		{http.MethodPost, "/_emulator/instances", `not json`, http.StatusBadRequest},
		{http.MethodDelete, "/_emulator/instances", ``, http.StatusMethodNotAllowed},
		{http.MethodPost, "/_emulator/stats", ``, http.StatusMethodNotAllowed},
		{http.MethodGet, "/_emulator/reset", ``, http.StatusMethodNotAllowed},
		{http.MethodGet, "/_emulator/nothing", ``, http.StatusNotFound},
	})

	if code := e.control(http.MethodPost, "/_emulator/images", Image{ImageID: "img-control1", Region: testRegion, KeyIDs: []string{*kp.KeyId}}, nil); code != http.StatusOK {
		t.Fatalf("add image: HTTP %d", code)
	}
	e.setFaults(FaultRule{Action: "*", Latency: 1})
	if st := e.stats(); st.Calls["CreateKeyPair"] != 1 {
		t.Errorf("stats before reset = %+v", st)
	}
	if code := e.control(http.MethodPost, "/_emulator/reset", nil, nil); code != http.StatusOK {
		t.Fatalf("reset: HTTP %d", code)
	}
	var cfg Faults
	var images []Image
	e.control(http.MethodGet, "/_emulator/faults", nil, &cfg)
	e.control(http.MethodGet, "/_emulator/instances", nil, &instances)
	e.control(http.MethodGet, "/_emulator/images", nil, &images)
	if len(cfg.Rules) != 0 || len(instances) != 0 || len(images) != 0 {
		t.Errorf("after reset: faults %+v, instances %+v, images %+v", cfg, instances, images)
	}
	if got := e.describe(testRegion); len(got) != 0 {
		t.Errorf("after reset %d key pairs remain", len(got))
	}
	if st := e.stats(); len(st.Faults) != 0 || st.Calls["DescribeKeyPairs"] != 1 || len(st.Calls) != 1 {
		t.Errorf("stats after reset and one describe = %+v", st)
	}
	// Ids are not reused after a reset.
	if again := e.create(testRegion, "before_reset"); *again.KeyId == *kp.KeyId {
		t.Errorf("id %s reused after reset", *kp.KeyId)
	}
}

// TestControlAPI_instanceKeyIDs checks KeyIds of POST /_emulator/instances:
// key pairs bound when an instance is made, as RunInstances binds them.
// The API then sees the binding as one that AssociateInstancesKeyPairs
// made: DescribeKeyPairs lists the instance, DeleteKeyPairs refuses the
// key pair, and unbinding frees it.
func TestControlAPI_instanceKeyIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	ctl := ControlClient{URL: e.url}
	a, b := *e.create(testRegion, "bound_a").KeyId, *e.create(testRegion, "bound_b").KeyId

	// Through the Go client, with a duplicate, which is dropped.
	if err := ctl.SetInstance(ctx, Instance{InstanceID: "ins-bound001", Region: testRegion, State: "STOPPED", KeyIDs: []string{a, b, a}}); err != nil {
		t.Fatal(err)
	}
	instances, err := ctl.Instances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(instances) != 1 || fmt.Sprint(instances[0].KeyIDs) != fmt.Sprint([]string{a, b}) || instances[0].State != "STOPPED" {
		t.Errorf("instances = %+v, want ins-bound001 STOPPED with %s and %s", instances, a, b)
	}
	for _, kp := range e.describe(testRegion) {
		if len(kp.AssociatedInstanceIds) != 1 || *kp.AssociatedInstanceIds[0] != "ins-bound001" {
			t.Errorf("%s: AssociatedInstanceIds %v, want [ins-bound001]", *kp.KeyId, kp.AssociatedInstanceIds)
		}
	}
	del := cvm.NewDeleteKeyPairsRequest()
	del.KeyIds = ptrs(a)
	_, err = e.cvm(testRegion).DeleteKeyPairs(del)
	wantCode(t, err, "InvalidParameterValue.KeyPairNotSupported")

	// The same key pairs again, in another order, change nothing; other
	// ones are refused: after creation only the API binds.
	e.expectControlStatuses([]controlCase{
		{http.MethodPost, "/_emulator/instances", fmt.Sprintf(`{"InstanceId":"ins-bound001","Region":"ap-guangzhou","KeyIds":[%q,%q]}`, b, a), http.StatusOK},
		{http.MethodPost, "/_emulator/instances", fmt.Sprintf(`{"InstanceId":"ins-bound001","Region":"ap-guangzhou","KeyIds":[%q]}`, a), http.StatusConflict},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-bound001","Region":"ap-guangzhou","KeyIds":[]}`, http.StatusConflict},
		// A new instance: the key pairs must exist, Windows takes none,
		// and the ids must be key pair ids.
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-bound002","Region":"ap-guangzhou","KeyIds":["skey-zzzzzzzz"]}`, http.StatusNotFound},
		{http.MethodPost, "/_emulator/instances", fmt.Sprintf(`{"InstanceId":"ins-bound002","Region":"ap-guangzhou","OsType":"WINDOWS","KeyIds":[%q]}`, a), http.StatusBadRequest},
		{http.MethodPost, "/_emulator/instances", `{"InstanceId":"ins-bound002","Region":"ap-guangzhou","KeyIds":["ins-abcdefgh"]}`, http.StatusBadRequest},
	})
	if instances, _ = ctl.Instances(ctx); len(instances) != 1 || len(instances[0].KeyIDs) != 2 {
		t.Errorf("after refused calls: %+v, want ins-bound001 alone, with both key pairs", instances)
	}

	// Unbound through the API, the key pair can go.
	unbind := cvm.NewDisassociateInstancesKeyPairsRequest()
	unbind.InstanceIds, unbind.KeyIds = ptrs("ins-bound001"), ptrs(a)
	if _, err := e.cvm(testRegion).DisassociateInstancesKeyPairs(unbind); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cvm(testRegion).DeleteKeyPairs(del); err != nil {
		t.Errorf("delete after unbinding: %v", err)
	}
}
