// Command chaos runs real Terraform against the emulator through the fault
// proxy (internal/faultproxy), for each kind of hostile answer and each
// seed, and after every terraform run checks the invariants of
// scripts/chaos/check against the emulator's own view and the files the
// run left behind (make chaos). It prints a markdown table of violations
// per kind, and the violations, and exits 1 when there is any.
//
// Each scenario (a kind and a seed) has an emulator of its own, in
// process (default mode, rate limit on), and a proxy in front of it. Two
// foreign key pairs and one made outside the workspace are made directly
// in the emulator first. Then terraform runs, through a dev_overrides CLI
// configuration, with TF_LOG=trace to a log file per run: apply, apply
// -refresh-only, an apply that imports the outside key pair by id with an
// import block and tries to import the public key that a foreign key pair
// holds under its name, and destroy. For the interrupt kind: an apply that
// gets one SIGINT once the first CreateKeyPair passed, another apply, and
// destroy.
//
// Variables: CHAOS_SEEDS (seeds 1..N per kind, default 2), CHAOS_KINDS
// (comma-separated kinds, default all), CHAOS_PARALLEL (scenarios at once,
// default 3), CHAOS_DIR (where the runs' files go, default a temporary
// directory, removed when there is no violation unless CHAOS_KEEP=1),
// TF_ACC_TERRAFORM_PATH (else terraform on PATH).
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultproxy"
	"github.com/keypairlabs/terraform-provider-tencentcloud/scripts/chaos/check"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	violations, err := run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if violations > 0 {
		os.Exit(1)
	}
}

// chaos is what every scenario shares.
type chaos struct {
	tf        string // terraform
	root      string // the runs' files
	cliConfig string
	f         *fixtures
}

func run(ctx context.Context) (int, error) {
	seeds, err := envInt("CHAOS_SEEDS", 2)
	if err != nil || seeds < 1 {
		return 0, fmt.Errorf("CHAOS_SEEDS=%q: want a number of seeds, at least 1", os.Getenv("CHAOS_SEEDS"))
	}
	parallel, err := envInt("CHAOS_PARALLEL", 3)
	if err != nil || parallel < 1 {
		return 0, fmt.Errorf("CHAOS_PARALLEL=%q: want a number of scenarios at once, at least 1", os.Getenv("CHAOS_PARALLEL"))
	}
	kinds, err := selectKinds(os.Getenv("CHAOS_KINDS"))
	if err != nil {
		return 0, err
	}
	tf, err := exec.LookPath(envOr("TF_ACC_TERRAFORM_PATH", "terraform"))
	if err != nil {
		return 0, fmt.Errorf("make chaos needs terraform on PATH or TF_ACC_TERRAFORM_PATH: %w", err)
	}
	root := os.Getenv("CHAOS_DIR")
	if root == "" {
		if root, err = os.MkdirTemp("", "kp-chaos-"); err != nil {
			return 0, err
		}
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return 0, err
	}
	c := &chaos{tf: tf, root: root, cliConfig: filepath.Join(root, "terraform.rc")}

	providers := filepath.Join(root, "providers")
	build := exec.Command("go", "build", "-o", filepath.Join(providers, "terraform-provider-tencentcloud"), ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return 0, fmt.Errorf("build the provider: %w", err)
	}
	if err := os.WriteFile(c.cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keypairlabs/tencentcloud" = %q
  }
  direct {}
}
`, providers)), 0o600); err != nil {
		return 0, err
	}
	if c.f, err = newFixtures(); err != nil {
		return 0, err
	}

	type job struct {
		entry faultproxy.Entry
		seed  uint64
	}
	var jobs []job
	for _, e := range kinds {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			jobs = append(jobs, job{e, seed})
		}
	}
	fmt.Fprintf(os.Stderr, "chaos: %d kinds x %d seeds, %d at once, files in %s\n", len(kinds), seeds, parallel, root)
	start := time.Now()
	results := make([]result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for i := range next {
				results[i] = c.scenario(ctx, jobs[i].entry, jobs[i].seed)
			}
		})
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("interrupted; the runs' files are in %s", root)
	}

	violations, failed := report(os.Stdout, kinds, results, time.Since(start))
	keep := os.Getenv("CHAOS_KEEP") == "1" || os.Getenv("CHAOS_DIR") != ""
	switch {
	case violations > 0 || failed > 0 || keep:
		fmt.Fprintf(os.Stderr, "chaos: the runs' files (state, output and TF_LOG of each run) are in %s\n", root)
	default:
		_ = os.RemoveAll(root)
	}
	if failed > 0 {
		return violations, fmt.Errorf("%d scenarios could not run", failed)
	}
	return violations, nil
}

// selectKinds is the catalogue's kinds named in list, or all of them.
func selectKinds(list string) ([]faultproxy.Entry, error) {
	if strings.TrimSpace(list) == "" {
		return faultproxy.Catalogue, nil
	}
	var out []faultproxy.Entry
	for _, name := range strings.Split(list, ",") {
		e, err := faultproxy.Lookup(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("CHAOS_KINDS: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func envInt(name string, fallback int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return fallback, nil
	}
	return strconv.Atoi(v)
}

// located is a violation with the run that showed it first.
type located struct {
	run  int // from 1
	name string
	v    check.Violation
}

// runReport is one terraform run.
type runReport struct {
	name        string
	exit        int // -1: killed
	seconds     float64
	interrupted bool
}

// result is one scenario.
type result struct {
	kind       faultproxy.Kind
	seed       uint64
	runs       []runReport
	violations []located
	applied    int // hostile answers given
	err        error
}
