// Package maketest tests the behaviour of the GNUmakefile's targets that
// the README and docs/development.md promise (make test without terraform, make testacc-cloud
// without credentials, make install, make emulator), by running make in
// the module's root. It has no code besides its tests; `make test` runs them with the
// rest of `go test ./...`.
package maketest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/testcloud"
)

// runMake runs a make target of this repository, in its root, with the
// given environment added to a bare one, and returns its output and
// whether it succeeded.
func runMake(t *testing.T, target string, env ...string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command("make", "-s", target)
	cmd.Dir = acctest.ModuleRoot(t)
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

// make install puts a versioned build in Terraform's implied local mirror,
// where `terraform init` finds it offline, with a version constraint and
// without dev_overrides: the README's way to use a build.
func TestMakeInstall_terraformInitFindsIt(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Skip("terraform is not on PATH")
		}
	}
	version := latestTagVersion(t)
	home := t.TempDir()
	// The bare environment of runMake, with a home of the test's own and
	// the Go of this test, its caches and no network: the build must not
	// download anything.
	goEnv := func(name string) string {
		out, err := exec.Command(goBin, "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	out, ok := runMake(t, "install",
		"HOME="+home,
		"PATH="+filepath.Dir(goBin)+":/usr/bin:/bin",
		"GOCACHE="+goEnv("GOCACHE"), "GOMODCACHE="+goEnv("GOMODCACHE"), "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	if !ok {
		t.Fatalf("make install: %s", out)
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	binary := filepath.Join(home, ".terraform.d", "plugins", "registry.terraform.io", "keypairlabs", "tencentcloud",
		version, platform, "terraform-provider-tencentcloud_v"+version)
	if info, err := os.Stat(binary); err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("make install did not install an executable %s (%v); it said:\n%s", binary, err, out)
	}
	// The version is built in, as the release build does it.
	if got, err := exec.Command(binary, "-version").Output(); err != nil || strings.TrimSpace(string(got)) != version {
		t.Errorf("%s -version: %q (%v), want %s", binary, got, err, version)
	}

	// terraform init, offline: an empty CLI configuration (no dev_overrides,
	// no provider_installation), so the implied mirror is all there is.
	work := t.TempDir()
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	config := `terraform {
  required_providers {
    tencentcloud = {
      source  = "keypairlabs/tencentcloud"
      version = "~> ` + version + `"
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	init := exec.Command(terraform, "init", "-no-color", "-input=false")
	init.Dir = work
	init.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1",
		// A proxy that refuses everything: any try to reach the registry
		// fails instead of succeeding on a machine that is online.
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9"}
	initOut, err := init.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform init with the installed provider: %v\n%s", err, initOut)
	}
	if !regexp.MustCompile(`Installing keypairlabs/tencentcloud v` + regexp.QuoteMeta(version) + `\.\.\.`).Match(initOut) {
		t.Errorf("terraform init did not install keypairlabs/tencentcloud v%s:\n%s", version, initOut)
	}
	lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), `version     = "`+version+`"`) {
		t.Errorf("the lock file does not hold version %s (%v):\n%s", version, err, lock)
	}
}

// latestTagVersion is the version make install gives a build: that of the
// latest vX.Y.Z tag of the repository, else 0.0.1.
func latestTagVersion(t *testing.T) string {
	t.Helper()
	tags := exec.Command("git", "tag", "--list", "v*")
	tags.Dir = acctest.ModuleRoot(t)
	out, err := tags.Output()
	if err != nil {
		return "0.0.1" // no git, or not a checkout: make install says 0.0.1 then too
	}
	var versions [][3]int
	release := regexp.MustCompile(`^v([0-9]+)\.([0-9]+)\.([0-9]+)$`)
	for _, tag := range strings.Fields(string(out)) {
		m := release.FindStringSubmatch(tag)
		if m == nil {
			continue
		}
		var v [3]int
		for i := range v {
			if v[i], err = strconv.Atoi(m[i+1]); err != nil {
				t.Fatalf("tag %s: %v", tag, err)
			}
		}
		versions = append(versions, v)
	}
	if len(versions) == 0 {
		return "0.0.1"
	}
	latest := slices.MaxFunc(versions, func(a, b [3]int) int { return slices.Compare(a[:], b[:]) })
	return fmt.Sprintf("%d.%d.%d", latest[0], latest[1], latest[2])
}

// make emulator runs the emulator in the foreground on a free port and
// prints the lines that point the provider at it: pasted, they reach it.
func TestMakeEmulator_printsTheLinesToPaste(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command("make", "-s", "emulator", "EMULATOR_FLAGS=--key-bits 1024")
	cmd.Dir = acctest.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(goBin)+":/usr/bin:/bin")
	// Its own process group, so that the test stops make and the emulator
	// together, as Ctrl-C does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		_ = cmd.Wait()
	})
	env := map[string]string{}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && env["TENCENTCLOUD_REGION"] == "" {
		if name, value, ok := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "="); ok && strings.HasPrefix(lines.Text(), "export ") {
			env[name] = value
		}
	}
	for _, name := range []string{"TENCENTCLOUD_ENDPOINT", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION"} {
		if env[name] == "" {
			t.Fatalf("make emulator printed no export line for %s (got %v)", name, env)
		}
	}
	client, err := testcloud.NewCVM(env["TENCENTCLOUD_ENDPOINT"], env["TENCENTCLOUD_SECRET_ID"], env["TENCENTCLOUD_SECRET_KEY"], env["TENCENTCLOUD_REGION"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeKeyPairs(cvm.NewDescribeKeyPairsRequest()); err != nil {
		t.Errorf("the printed lines do not reach the emulator: %v", err)
	}
}
