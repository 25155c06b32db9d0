package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

const testRoleArn = "qcs::cam::uin/" + DemoUin + ":roleName/deployer"

type assumed struct {
	Response struct {
		Credentials struct{ Token, TmpSecretId, TmpSecretKey string }
		ExpiredTime int64
		Expiration  string
	}
}

// assume calls AssumeRole the way any SDK client would, through the
// common client, with the demo credentials.
func (e *testEnv) assume(params map[string]any) (assumed, error) {
	e.t.Helper()
	c := common.NewCommonClient(common.NewCredential(DemoSecretID, DemoSecretKey), testRegion, e.profile())
	req := tchttp.NewCommonRequest("sts", "2018-08-13", "AssumeRole")
	if err := req.SetActionParameters(params); err != nil {
		e.t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	var out assumed
	if err := c.Send(req, resp); err != nil {
		return out, err
	}
	if err := json.Unmarshal(resp.GetBody(), &out); err != nil {
		e.t.Fatal(err)
	}
	return out, nil
}

func TestAssumeRole(t *testing.T) {
	t.Parallel()
	// The emulator's clock stands still, but for the seconds it is set
	// ahead, so that the expiry times below are exact however long the
	// calls take; the signatures' real times stay within five minutes of
	// it.
	base := time.Now().Truncate(time.Second)
	var offset atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(offset.Load()) * time.Second) }
	e := newEnv(t, Config{Now: now, Roles: []Role{
		{RoleArn: testRoleArn},
		{RoleArn: "qcs::cam::uin/" + DemoUin + ":roleName/partner", ExternalID: "ext-123"},
	}})

	got, err := e.assume(map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "terraform", "DurationSeconds": 60})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	c := got.Response.Credentials
	if c.TmpSecretId == "" || c.TmpSecretKey == "" || c.Token == "" {
		t.Fatalf("incomplete credentials: %+v", got.Response)
	}
	if d := got.Response.ExpiredTime - now().Unix(); d != 60 {
		t.Errorf("ExpiredTime is %d s from now, want 60", d)
	}
	if exp, err := time.Parse(time.RFC3339, got.Response.Expiration); err != nil || exp.Unix() != got.Response.ExpiredTime {
		t.Errorf("Expiration %q does not match ExpiredTime %d (%v)", got.Response.Expiration, got.Response.ExpiredTime, err)
	}
	describe := func(token string) error {
		_, err := e.cvmWith(common.NewTokenCredential(c.TmpSecretId, c.TmpSecretKey, token), testRegion).
			DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest())
		return err
	}
	if err := describe(c.Token); err != nil {
		t.Fatalf("call with the temporary credentials: %v", err)
	}
	wantCode(t, describe(""), "AuthFailure.TokenFailure")
	wantCode(t, describe("wrong"), "AuthFailure.TokenFailure")
	offset.Store(61)
	wantCode(t, describe(c.Token), "AuthFailure.TokenFailure")
	offset.Store(0)

	// Without DurationSeconds the session lasts 7200 s.
	got, err = e.assume(map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "terraform"})
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Response.ExpiredTime - now().Unix(); d != 7200 {
		t.Errorf("default session lasts %d s, want 7200", d)
	}

	// External ids: required when the role has one, and must match.
	partner := "qcs::cam::uin/" + DemoUin + ":roleName/partner"
	_, err = e.assume(map[string]any{"RoleArn": partner, "RoleSessionName": "tf"})
	wantCode(t, err, "UnauthorizedOperation")
	_, err = e.assume(map[string]any{"RoleArn": partner, "RoleSessionName": "tf", "ExternalId": "other"})
	wantCode(t, err, "UnauthorizedOperation")
	if _, err = e.assume(map[string]any{"RoleArn": partner, "RoleSessionName": "tf", "ExternalId": "ext-123"}); err != nil {
		t.Errorf("matching external id: %v", err)
	}

	policy := url.QueryEscape(`{"version":"2.0","statement":[{"effect":"allow","action":["cvm:*"],"resource":["*"]}]}`)
	if _, err = e.assume(map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "Policy": policy}); err != nil {
		t.Errorf("URL-encoded policy: %v", err)
	}

	for name, tc := range map[string]struct {
		params map[string]any
		code   string
	}{
		"unknown role":        {map[string]any{"RoleArn": "qcs::cam::uin/" + DemoUin + ":roleName/nobody", "RoleSessionName": "tf"}, "ResourceNotFound.RoleNotFound"},
		"other account":       {map[string]any{"RoleArn": "qcs::cam::uin/200000000002:roleName/deployer", "RoleSessionName": "tf"}, "ResourceNotFound.RoleNotFound"},
		"malformed role":      {map[string]any{"RoleArn": "deployer", "RoleSessionName": "tf"}, "InvalidParameter.ParamError"},
		"no role":             {map[string]any{"RoleSessionName": "tf"}, "MissingParameter"},
		"no session name":     {map[string]any{"RoleArn": testRoleArn}, "MissingParameter"},
		"bad session name":    {map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "a b"}, "InvalidParameter.ParamError"},
		"too long":            {map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "DurationSeconds": 43201}, "InvalidParameter.OverTimeError"},
		"policy not json":     {map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "Policy": "allow%20all"}, "InvalidParameter.StrategyFormatError"},
		"unknown parameter":   {map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "Duration": 5}, "UnknownParameter"},
		"duration not number": {map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "DurationSeconds": "60"}, "InvalidParameter"},
	} {
		_, err := e.assume(tc.params)
		if got := errCode(err); got != tc.code {
			t.Errorf("%s: got %q (%v), want %s", name, got, err, tc.code)
		}
	}
	if n := e.stats().Calls["AssumeRole"]; n < 5 {
		t.Errorf("stats count %d AssumeRole calls", n)
	}
}

func TestRolesControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	cc := ControlClient{URL: e.url}
	ctx := t.Context()
	if err := cc.AddRole(ctx, Role{RoleArn: testRoleArn, ExternalID: "x-1"}); err != nil {
		t.Fatal(err)
	}
	if err := cc.AddRole(ctx, Role{RoleArn: "deployer"}); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("malformed role: %v", err)
	}
	if status := e.control(http.MethodPost, "/_emulator/roles", map[string]any{"RoleArn": testRoleArn, "Bogus": 1}, nil); status != http.StatusBadRequest {
		t.Errorf("unknown field: status %d", status)
	}
	roles, err := cc.Roles(ctx)
	if err != nil || len(roles) != 1 || roles[0] != (Role{RoleArn: testRoleArn, ExternalID: "x-1"}) {
		t.Fatalf("roles: %+v, %v", roles, err)
	}
	if _, err := e.assume(map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "ExternalId": "x-1"}); err != nil {
		t.Fatal(err)
	}
	if err := cc.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = e.assume(map[string]any{"RoleArn": testRoleArn, "RoleSessionName": "tf", "ExternalId": "x-1"})
	wantCode(t, err, "ResourceNotFound.RoleNotFound")
}
