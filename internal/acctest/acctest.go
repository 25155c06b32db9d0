// Package acctest is the shared environment of the provider's tests: the
// API a test runs against (an emulator of its own, in process, in the mode
// KP_EMULATOR names, or real Tencent Cloud in cloud mode), the provider
// block that points at it, the control client of the emulator, the
// Terraform CLI runner, the checks that ask the API, and test keys.
//
// Only tests import it, so that none of it ships in the provider binary;
// it does not import internal/provider (whose tests are in package
// provider and import this package), so what needs the provider, such as
// its factories, is passed in by the provider's tests
// (internal/provider/acctest_test.go).
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/snapshot"
)

// Region is the region of the tests against the emulator.
const Region = "ap-guangzhou"

// WrapTransport records the API traffic of the tests' clients when
// TENCENTCLOUD_SNAPSHOT_DIR is set (make snapshots, make testacc-cloud
// RECORD=1); it is nil otherwise. The provider's tests give it to the
// providers they serve too.
var WrapTransport = snapshot.FromEnv()

// CloudMode runs the acceptance tests against real Tencent Cloud (make
// testacc-cloud) instead of the emulator.
func CloudMode() bool { return os.Getenv("TENCENTCLOUD_ACC_CLOUD") == "1" }

// EmulatorMode is how faithful the emulator of the acceptance tests is:
// KP_EMULATOR=strict (the default) models the real service's worse cases
// (account scope, lean create answers, visibility and tag lags, partial
// deletes, terminated instances that stay bound); "default" is the
// emulator without flags; "region" is the default in region scope.
// make test runs the whole suite strict and a smaller set in the others.
func EmulatorMode() string {
	if m := os.Getenv("KP_EMULATOR"); m != "" {
		return m
	}
	return "strict"
}

// PreCheck checks what acceptance tests need before any of them runs:
// terraform itself, and credentials in cloud mode. The tests run with
// plain go test, no TF_ACC needed (resource.UnitTest): against the
// in-process emulator they are offline and free; against the cloud they
// need TENCENTCLOUD_ACC_CLOUD=1 (make testacc-cloud).
func PreCheck(t *testing.T) {
	t.Helper()
	TerraformPath(t)
	if CloudMode() {
		for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION"} {
			if os.Getenv(v) == "" {
				t.Fatalf("%s must be set for acceptance tests against Tencent Cloud", v)
			}
		}
	}
}

// TerraformPath is the terraform binary the tests run: that of
// TF_ACC_TERRAFORM_PATH, which terraform-plugin-testing reads too and
// which must be absolute, else the one on PATH. Without one the test
// fails: terraform-plugin-testing would try to download it.
func TerraformPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if !filepath.IsAbs(p) {
			t.Fatalf("TF_ACC_TERRAFORM_PATH must be an absolute path, got %q", p)
		}
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("acceptance tests need the terraform binary: put it on PATH or set TF_ACC_TERRAFORM_PATH to its absolute path")
	}
	return p
}

// KeyName returns a name unique to the test, so that tests in cloud mode
// do not collide with each other or with what the account already holds.
func KeyName(base string) string {
	if !CloudMode() {
		return base
	}
	return fmt.Sprintf("%s_%d", base, os.Getpid()%100000)
}
