package main

import (
	"slices"
	"strings"
	"testing"
)

// The environment of terraform names the emulator as the one proxy: a
// NO_PROXY of the caller's could keep tencentcloudapi.com away from it,
// and an HTTPS_PROXY or a TENCENTCLOUD_ variable of the caller's could
// send the official provider elsewhere. Terraform's logging passes on.
func TestWorkspaceEnvironment(t *testing.T) {
	for name, value := range map[string]string{
		"NO_PROXY": "tencentcloudapi.com", "no_proxy": "*", "HTTPS_PROXY": "http://elsewhere:3128",
		"HTTP_PROXY": "http://elsewhere:3128", "TENCENTCLOUD_DOMAIN": "example.com", "TENCENTCLOUD_SECRET_ID": "AKIDreal",
		"TF_CLI_CONFIG_FILE": "/home/me/.terraformrc", "TF_LOG": "debug", "REQUEST_METHOD": "GET",
	} {
		t.Setenv(name, value)
	}
	w := newWorkspace("terraform", t.TempDir(), "/tmp/cli.rc", "http://127.0.0.1:4567")
	values := map[string][]string{}
	for _, kv := range w.env {
		name, value, _ := strings.Cut(kv, "=")
		values[name] = append(values[name], value)
	}
	for name, want := range map[string][]string{
		"HTTP_PROXY": {"http://127.0.0.1:4567"}, "TENCENTCLOUD_PROTOCOL": {"HTTP"}, "TENCENTCLOUD_SECRET_ID": {secretID},
		"TF_CLI_CONFIG_FILE": {"/tmp/cli.rc"}, "TF_LOG": {"debug"},
		"NO_PROXY": nil, "no_proxy": nil, "HTTPS_PROXY": nil, "TENCENTCLOUD_DOMAIN": nil, "REQUEST_METHOD": nil,
	} {
		if !slices.Equal(values[name], want) {
			t.Errorf("%s = %q, want %q", name, values[name], want)
		}
	}
}
