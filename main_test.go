package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runMake runs a make target of this repository with the given environment
// added to a bare one, and returns its output and whether it succeeded.
func runMake(t *testing.T, target string, env ...string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command("make", "-s", target)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// The README promises that the tests stop with a clear message when there
// is no terraform to run, before anything else.
func TestMakeTest_withoutTerraform(t *testing.T) {
	if _, err := os.Stat("/usr/bin/terraform"); err == nil {
		t.Skip("terraform is in /usr/bin, so it cannot be hidden from PATH")
	}
	out, ok := runMake(t, "test")
	if ok || !strings.Contains(out, "there is no terraform on PATH") {
		t.Errorf("make test without terraform: ok=%v, output:\n%s", ok, out)
	}
	out, ok = runMake(t, "test", "TF_ACC_TERRAFORM_PATH=/nonexistent/terraform")
	if ok || !strings.Contains(out, "TF_ACC_TERRAFORM_PATH=/nonexistent/terraform is not an executable file") {
		t.Errorf("make test with a bad TF_ACC_TERRAFORM_PATH: ok=%v, output:\n%s", ok, out)
	}
}

// make testacc-cloud without credentials says why it skipped, and passes.
func TestMakeTestaccCloud_withoutCredentials(t *testing.T) {
	out, ok := runMake(t, "testacc-cloud")
	if !ok || !strings.Contains(out, "skipped") || !strings.Contains(out, "TENCENTCLOUD_SECRET_ID") {
		t.Errorf("make testacc-cloud without credentials: ok=%v, output:\n%s", ok, out)
	}
}
