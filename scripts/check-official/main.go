// Command check-official runs the official tencentcloudstack/tencentcloud
// provider, a real build of it, against the emulator with real Terraform
// (make check-official), the way a user points it there: no endpoint
// setting exists in it, so TENCENTCLOUD_PROTOCOL=HTTP and HTTP_PROXY at the
// emulator, which answers the proxy-form calls for *.tencentcloudapi.com.
// Nothing stands in front of the emulator.
//
// It starts the emulator built from this tree in its default mode (no
// behaviour flag: --listen 127.0.0.1:0 for a free port and --projects
// 1001 for the project checks only), builds this provider, and runs three
// workspaces through a dev_overrides CLI configuration that names both
// providers:
//
//   - official: the official provider's key pair resource and data source
//     (generated and imported key pairs, project_id, tags, the data source
//     by key_id, ^prefix, ^name$ and project_id, a rename and a tag change,
//     an import block, destroy);
//   - mixed: both providers in one configuration, each managing a key pair
//     and reading the other's through its data sources;
//   - migration: key pairs that the official provider created move to this
//     one with moved blocks, as the migration guide says;
//   - replace: all of them move with terraform state replace-provider, the
//     guide's other way.
//
// It prints one line per check, PASS or FAIL and its name (a FAIL with
// what went wrong, indented below), and exits 1 when any check failed, 2
// when it could not run at all.
//
// Variables: OFFICIAL_PROVIDER_BIN (a built official provider), or
// OFFICIAL_PROVIDER_DIR (a checkout of its repository, built with go build
// -mod=vendor: 15 to 20 minutes on 2 cores; with OFFICIAL_PROVIDER_BIN
// too, the binary runs and the checkout only names its commit in the
// report); TF_ACC_TERRAFORM_PATH (else
// terraform on PATH); CHECK_OFFICIAL_DIR (where the workspaces go, kept;
// by default a temporary directory, removed unless a check failed).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed, err := run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "check-official:", err)
		os.Exit(2)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// The emulator's demo credential and the region of every run.
const (
	secretID  = "AKIDEMULATORDEMO00000000000000000000"
	secretKey = "emulator-demo-secret-key-0000000000"
	region    = "ap-guangzhou"
	// project is the one project besides 0 that the emulator is given.
	project = 1001
)

func run(ctx context.Context) (int, error) {
	tf, err := exec.LookPath(envOr("TF_ACC_TERRAFORM_PATH", "terraform"))
	if err != nil {
		return 0, fmt.Errorf("needs terraform on PATH or TF_ACC_TERRAFORM_PATH: %w", err)
	}
	root := os.Getenv("CHECK_OFFICIAL_DIR")
	keep := root != ""
	if root == "" {
		if root, err = os.MkdirTemp("", "kp-check-official-"); err != nil {
			return 0, err
		}
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return 0, err
	}
	if root, err = filepath.Abs(root); err != nil {
		return 0, err
	}
	// A temporary directory goes when the run cannot start; the checks'
	// own end decides otherwise.
	started := false
	defer func() {
		if !started && !keep {
			_ = os.RemoveAll(root)
		}
	}()

	official, label, err := officialProvider(ctx, filepath.Join(root, "official"))
	if err != nil {
		return 0, err
	}
	ours := filepath.Join(root, "ours")
	if err := goBuild(ctx, "", filepath.Join(ours, "terraform-provider-tencentcloud"), "."); err != nil {
		return 0, fmt.Errorf("build this provider: %w", err)
	}
	emulatorBin := filepath.Join(root, "tencentcloud-emulator")
	if err := goBuild(ctx, "", emulatorBin, "./cmd/tencentcloud-emulator"); err != nil {
		return 0, fmt.Errorf("build the emulator: %w", err)
	}
	cliConfig := filepath.Join(root, "terraform.rc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keypairlabs/tencentcloud"      = %q
    "registry.terraform.io/tencentcloudstack/tencentcloud" = %q
  }
  direct {}
}
`, ours, official)), 0o600); err != nil {
		return 0, err
	}

	emu, err := startEmulator(ctx, emulatorBin, filepath.Join(root, "emulator.log"))
	if err != nil {
		return 0, err
	}
	defer emu.stop()
	cl, err := newCloud(emu.url)
	if err != nil {
		return 0, err
	}
	fx, err := newFixtures()
	if err != nil {
		return 0, err
	}

	started = true
	fmt.Printf("check-official: official provider %s; Terraform %s; emulator %s (default mode)\n", label, terraformVersion(ctx, tf), emu.url)
	r := &runner{}
	c := &checks{
		r: r, cloud: cl, fx: fx, emulatorURL: emu.url,
		// Straight to the emulator, whatever proxy the caller's
		// environment names.
		control: emulator.ControlClient{URL: emu.url, HTTPClient: &http.Client{Transport: &http.Transport{Proxy: nil}}},
		ws: func(name string) *workspace {
			return newWorkspace(tf, filepath.Join(root, name), cliConfig, emu.url)
		},
	}
	start := time.Now()
	for _, scenario := range []func(context.Context){c.official, c.mixed, c.migration, c.replace} {
		if ctx.Err() != nil {
			break
		}
		scenario(ctx)
	}
	if ctx.Err() != nil {
		return 0, fmt.Errorf("interrupted; the workspaces are in %s", root)
	}
	fmt.Printf("check-official: %d checks, %d passed, %d failed, in %s\n", r.total, r.total-r.failed, r.failed, time.Since(start).Round(time.Second))
	// What the two providers asked of the emulator, for whoever wants to
	// know which actions a real client needs.
	if st, err := c.control.Stats(ctx); err == nil {
		fmt.Printf("check-official: calls the emulator answered, the checks' own included: %s\n", callCounts(st))
	}
	if r.failed > 0 || keep {
		fmt.Fprintf(os.Stderr, "check-official: the workspaces (configuration, state, the output of every terraform run) and emulator.log are in %s\n", root)
	} else {
		emu.stop()
		_ = os.RemoveAll(root)
	}
	return r.failed, nil
}

// officialProvider returns the directory that holds the official provider
// as terraform-provider-tencentcloud, which dev_overrides names, and what
// to call it in the report: OFFICIAL_PROVIDER_BIN linked there, or
// OFFICIAL_PROVIDER_DIR built there.
func officialProvider(ctx context.Context, dir string) (string, string, error) {
	bin, src := os.Getenv("OFFICIAL_PROVIDER_BIN"), os.Getenv("OFFICIAL_PROVIDER_DIR")
	target := filepath.Join(dir, "terraform-provider-tencentcloud")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	_ = os.Remove(target)
	switch {
	case bin != "":
		abs, err := filepath.Abs(bin)
		if err != nil {
			return "", "", err
		}
		if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", "", fmt.Errorf("OFFICIAL_PROVIDER_BIN=%s is not an executable file", bin)
		}
		// A link, not a copy: the official provider is half a gigabyte.
		if err := os.Symlink(abs, target); err != nil {
			return "", "", err
		}
		label := abs
		if src != "" {
			// Both set: the binary runs, and the checkout only names the
			// commit it was built from, which the caller vouches for.
			label += fmt.Sprintf(" (built from %s, not rebuilt)", checkoutLabel(ctx, src))
		}
		return dir, label, nil
	case src != "":
		abs, err := filepath.Abs(src)
		if err != nil {
			return "", "", err
		}
		if _, err := os.Stat(filepath.Join(abs, "vendor", "modules.txt")); err != nil {
			return "", "", fmt.Errorf("OFFICIAL_PROVIDER_DIR=%s is not a checkout of tencentcloudstack/terraform-provider-tencentcloud with its vendor directory", src)
		}
		fmt.Fprintf(os.Stderr, "check-official: building the official provider in %s (go build -mod=vendor: 15 to 20 minutes on 2 cores)\n", abs)
		if err := goBuild(ctx, abs, target, "-mod=vendor", "."); err != nil {
			return "", "", fmt.Errorf("build the official provider: %w", err)
		}
		return dir, checkoutLabel(ctx, abs), nil
	}
	return "", "", errors.New("set OFFICIAL_PROVIDER_BIN to a built official provider (terraform-provider-tencentcloud of tencentcloudstack/terraform-provider-tencentcloud), or OFFICIAL_PROVIDER_DIR to a checkout of its repository to build")
}

// callCounts lists calls per action, and the throttled ones, in
// alphabetical order.
func callCounts(st emulator.Stats) string {
	var parts []string
	for _, action := range slices.Sorted(maps.Keys(st.Calls)) {
		part := fmt.Sprintf("%s %d", action, st.Calls[action])
		if n := st.Throttled[action]; n > 0 {
			part += fmt.Sprintf(" (%d throttled)", n)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "no call"
	}
	return strings.Join(parts, ", ")
}

// checkoutLabel names a checkout and its commit, when git can tell it.
func checkoutLabel(ctx context.Context, dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output(); err == nil {
		return dir + " at commit " + strings.TrimSpace(string(out))
	}
	return dir
}

// goBuild runs go build -o out args... in dir ("" is the current one).
func goBuild(ctx context.Context, dir, out string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", out}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func terraformVersion(ctx context.Context, tf string) string {
	cmd := exec.CommandContext(ctx, tf, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return "(unknown version)"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimPrefix(strings.TrimSpace(first), "Terraform ")
}

// emulatorProcess is the emulator, started from its binary as a user
// starts it.
type emulatorProcess struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startEmulator starts the emulator in its default mode and waits for the
// line that gives its address.
func startEmulator(ctx context.Context, bin, logFile string) (*emulatorProcess, error) {
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--projects", fmt.Sprint(project))
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	e := &emulatorProcess{cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(e.done)
	}()
	select {
	case line := <-lines:
		url, ok := strings.CutPrefix(line, "listening on ")
		if !ok {
			e.stop()
			return nil, fmt.Errorf("the emulator printed %q, not its address", line)
		}
		e.url = url
		return e, nil
	case <-e.done:
		return nil, fmt.Errorf("the emulator ended before it listened; see %s", logFile)
	case <-time.After(30 * time.Second):
		e.stop()
		return nil, errors.New("the emulator did not say where it listens within 30 s")
	case <-ctx.Done():
		e.stop()
		return nil, ctx.Err()
	}
}

// stop ends the emulator with SIGTERM, as a user would, and waits for it.
func (e *emulatorProcess) stop() {
	select {
	case <-e.done:
		return
	default:
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.done
	}
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// runner prints the checks' results as they come.
type runner struct {
	total, failed int
}

// check runs one check and prints its line.
func (r *runner) check(name string, fn func() error) bool {
	r.total++
	err := fn()
	if err == nil {
		fmt.Printf("PASS %s\n", name)
		return true
	}
	r.failed++
	fmt.Printf("FAIL %s\n", name)
	lines := strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
	const most = 40
	if len(lines) > most {
		lines = append(lines[:most], fmt.Sprintf("... (%d more lines)", len(lines)-most))
	}
	for _, l := range lines {
		fmt.Printf("     %s\n", l)
	}
	return false
}

// steps runs the checks of a scenario in order. After a gate that
// failed, the rest are reported as failed too, as they could not run;
// after another check that failed, the rest run.
func (r *runner) steps(list ...step) {
	failed := ""
	for _, s := range list {
		if failed != "" {
			r.check(s.name, func() error { return fmt.Errorf("not run: %q failed", failed) })
			continue
		}
		if !r.check(s.name, s.fn) && s.gate {
			failed = s.name
		}
	}
}

// step is one check of a scenario.
type step struct {
	name string
	fn   func() error
	// gate: the checks after it need it to pass (an apply that makes
	// what they look at).
	gate bool
}

// check is a step whose failure does not stop the scenario.
func check(name string, fn func() error) step { return step{name: name, fn: fn} }

// gate is a step whose failure stops the scenario.
func gate(name string, fn func() error) step { return step{name: name, fn: fn, gate: true} }
