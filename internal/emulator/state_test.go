package emulator

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

func TestStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	cfg := Config{KeyBits: 1024, StateFile: path}

	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvFor(t, srv)
	kp := e.create("ap-tokyo", "kept", "env", "prod")
	gone := e.create("ap-tokyo", "gone")
	e.addInstance("ins-persist1", "ap-tokyo", "STOPPED", "LINUX")
	assoc := cvm.NewAssociateInstancesKeyPairsRequest()
	assoc.InstanceIds, assoc.KeyIds = ptrs("ins-persist1"), ptrs(*kp.KeyId)
	if _, err := e.cvm("ap-tokyo").AssociateInstancesKeyPairs(assoc); err != nil {
		t.Fatal(err)
	}
	mod := cvm.NewModifyKeyPairAttributeRequest()
	mod.KeyId, mod.Description = kp.KeyId, ptr("survives")
	if _, err := e.cvm("ap-tokyo").ModifyKeyPairAttribute(mod); err != nil {
		t.Fatal(err)
	}
	tags := tagsdk.NewModifyResourceTagsRequest()
	tags.Resource = ptr("qcs::cvm:ap-tokyo:uin/:keypair/" + *kp.KeyId)
	tags.ReplaceTags = []*tagsdk.Tag{{TagKey: ptr("team"), TagValue: ptr("a")}}
	if _, err := e.tag("").ModifyResourceTags(tags); err != nil {
		t.Fatal(err)
	}
	del := cvm.NewDeleteKeyPairsRequest()
	del.KeyIds = ptrs(*gone.KeyId)
	if _, err := e.cvm("ap-tokyo").DeleteKeyPairs(del); err != nil {
		t.Fatal(err)
	}
	before := e.describe("ap-tokyo")
	if err := srv.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	var onDisk map[string]any
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &onDisk) != nil {
		t.Fatalf("state file is not JSON: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %d entries", len(entries))
	}

	srv2, err := New(cfg)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	// Closed before the temporary directory goes: its state writer must
	// not write into a directory being removed.
	t.Cleanup(func() {
		if err := srv2.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	e2 := newEnvFor(t, srv2)
	after := e2.describe("ap-tokyo")
	if len(after) != 1 || len(before) != 1 {
		t.Fatalf("after restart %d key pairs, before %d, want 1", len(after), len(before))
	}
	a, b0 := after[0], before[0]
	if *a.KeyId != *b0.KeyId || *a.PublicKey != *b0.PublicKey || *a.CreatedTime != *b0.CreatedTime ||
		*a.Description != "survives" || len(a.Tags) != 2 || len(a.AssociatedInstanceIds) != 1 {
		t.Errorf("after restart: %s, before: %s", cvmJSON(a), cvmJSON(b0))
	}
	// The id counter continues: new ids differ from every earlier one.
	next := e2.create("ap-tokyo", "next")
	if *next.KeyId == *kp.KeyId || *next.KeyId == *gone.KeyId {
		t.Errorf("id %s handed out twice", *next.KeyId)
	}
	// The name and the key material stay taken.
	req := cvm.NewCreateKeyPairRequest()
	req.KeyName, req.ProjectId = ptr("kept"), ptr(int64(0))
	_, err = e2.cvm("ap-tokyo").CreateKeyPair(req)
	wantCode(t, err, "InvalidKeyPairName.Duplicate")
}

func TestStateFileCorrupt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StateFile: path}); err == nil {
		t.Fatal("New accepted a corrupt state file")
	}
}

// newEnvFor serves an existing Server; the caller closes it.
func newEnvFor(t *testing.T, srv *Server) *testEnv {
	t.Helper()
	hs := httptestServer(t, srv)
	return &testEnv{t: t, srv: srv, url: hs, host: hs[len("http://"):]}
}

func cvmJSON(kp *cvm.KeyPair) string {
	b, _ := json.Marshal(kp)
	return string(b)
}
