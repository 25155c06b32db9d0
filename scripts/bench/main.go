// Command bench measures the provider at scale against the emulator with
// its rate limit on (make bench). It times terraform apply, plan,
// plan -refresh=false and destroy of N key pairs in each of R regions,
// counts the API calls of each phase, records the provider's peak memory,
// and prints a markdown table with each phase's ratio to its floor.
//
// Usage: go run ./scripts/bench -n 10,100 -regions 1 [-rate 10]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// regions are the regions the benchmark spreads over, in order.
var regions = []string{"ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-nanjing", "ap-hongkong", "ap-singapore"}

const providerBinary = "terraform-provider-tencentcloud"

func main() {
	ns := flag.String("n", envOr("BENCH_N", "10,100"), "key pairs per region, comma-separated runs")
	nRegions := flag.Int("regions", atoi(envOr("BENCH_REGIONS", "1")), "regions")
	rate := flag.Float64("rate", 10, "the emulator's rate limit, calls per second per action and region")
	parallelism := flag.Int("parallelism", atoi(envOr("BENCH_PARALLELISM", "0")),
		"terraform -parallelism (default: terraform's 10 for one region; for several, every key pair at once)")
	flag.Parse()
	if err := run(*ns, *nRegions, *rate, *parallelism); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ns string, nRegions int, rate float64, parallelism int) error {
	if nRegions < 1 || nRegions > len(regions) {
		return fmt.Errorf("regions must be between 1 and %d", len(regions))
	}
	tf, err := exec.LookPath(envOr("TF_ACC_TERRAFORM_PATH", "terraform"))
	if err != nil {
		return fmt.Errorf("the benchmark needs terraform on PATH or TF_ACC_TERRAFORM_PATH: %w", err)
	}
	dir, err := os.MkdirTemp("", "kp-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	binDir := filepath.Join(dir, "bin")
	for pkg, out := range map[string]string{".": providerBinary, "./cmd/tencentcloud-emulator": "tencentcloud-emulator"} {
		build := exec.Command("go", "build", "-o", filepath.Join(binDir, out), pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	cliConfig := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keypairlabs/tencentcloud" = %q
  }
  direct {}
}
`, binDir)), 0o600); err != nil {
		return err
	}

	fmt.Printf("Emulator rate limit %g calls/s per action and region.\n\n", rate)
	fmt.Printf("| N | regions | parallelism | phase | seconds | CPU s | calls by action | throttled | ratio to floor |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|\n")
	var peak int64
	for _, field := range strings.Split(ns, ",") {
		n := atoi(strings.TrimSpace(field))
		if n < 1 {
			return fmt.Errorf("bad N %q", field)
		}
		p, err := runOne(tf, dir, binDir, cliConfig, n, nRegions, rate, parallelism)
		if err != nil {
			return err
		}
		peak = max(peak, p)
	}
	fmt.Printf("\nProvider peak memory (VmHWM): %.1f MB\n", float64(peak)/1024)
	return nil
}

type phase struct {
	name    string
	args    []string
	seconds float64
	// cpu is the CPU time of terraform and the provider, which it waits
	// for, in the last run of the phase.
	cpu   float64
	stats emulator.Stats
	floor float64 // seconds; 0 when the phase has none
}

func runOne(tf, dir, binDir, cliConfig string, n, nRegions int, rate float64, parallelism int) (int64, error) {
	work := filepath.Join(dir, fmt.Sprintf("n%d-r%d", n, nRegions))
	if err := os.MkdirAll(work, 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(configFor(n, nRegions)), 0o644); err != nil {
		return 0, err
	}

	// Key generation must not be what the benchmark measures: small keys,
	// all generated before the apply starts. The emulator is strict, as
	// the real service is (lags, lean answers); the quota is the
	// account's, so it must hold every region's key pairs.
	emu := exec.Command(filepath.Join(binDir, "tencentcloud-emulator"), "--listen", "127.0.0.1:0", "--strict",
		"--rate-limit", fmt.Sprint(rate), "--quota", fmt.Sprint(max(100, n*nRegions)), "--key-bits", "1024",
		"--key-pool", fmt.Sprint(n*nRegions))
	emu.Stderr = os.Stderr
	out, err := emu.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := emu.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = emu.Process.Signal(os.Interrupt); _ = emu.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("emulator did not start: %w", err)
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	ctl := emulator.ControlClient{URL: url}
	if err := waitForFullKeyPool(ctl); err != nil {
		return 0, err
	}

	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TENCENTCLOUD_ENDPOINT="+url,
		"TENCENTCLOUD_SECRET_ID="+emulator.DemoSecretID,
		"TENCENTCLOUD_SECRET_KEY="+emulator.DemoSecretKey,
	)
	if parallelism == 0 {
		// Terraform's walk fills its slots without regard to regions; with
		// several regions at 10 slots, it often keeps one region's queue
		// full while the others idle, and that region's 10 calls/s set
		// the pace. With a slot for every key pair, each region's own
		// rate limit does.
		parallelism = 10
		if nRegions > 1 {
			parallelism = n * nRegions
		}
	}
	par := fmt.Sprintf("-parallelism=%d", parallelism)
	apply := &phase{name: "apply", args: []string{"apply", "-auto-approve", "-input=false", par}}
	plan := &phase{name: "plan", args: []string{"plan", "-input=false", "-detailed-exitcode", par}}
	noRefresh := &phase{name: "plan -refresh=false", args: []string{"plan", "-input=false", "-refresh=false", "-detailed-exitcode", par}}
	destroy := &phase{name: "destroy", args: []string{"destroy", "-auto-approve", "-input=false", par}}
	// Plans take about a second, where the machine's noise shows: each
	// plan runs planRuns times, alternating, and its median counts.
	order := []*phase{apply}
	for range planRuns {
		order = append(order, plan, noRefresh)
	}
	order = append(order, destroy)
	times := map[*phase][]float64{}
	var peak int64
	for _, p := range order {
		before, err := ctl.Stats(context.Background())
		if err != nil {
			return 0, err
		}
		mem := watchPeakMemory()
		start := time.Now()
		cmd := exec.Command(tf, p.args...)
		cmd.Dir, cmd.Env = work, env
		output, err := cmd.CombinedOutput()
		times[p] = append(times[p], time.Since(start).Seconds())
		if cmd.ProcessState != nil {
			p.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		}
		peak = max(peak, mem())
		if err != nil {
			return 0, fmt.Errorf("terraform %s: %w\n%s", p.name, err, output)
		}
		after, err := ctl.Stats(context.Background())
		if err != nil {
			return 0, err
		}
		// Calls are the same in every run of a phase: keep the last.
		p.stats = diff(before, after)
	}
	phases := []*phase{apply, plan, noRefresh, destroy}
	for _, p := range phases {
		p.seconds = median(times[p])
	}
	// The floors: a plan cannot be faster than one that makes no call; an
	// apply cannot create faster than the rate limit allows, plus its plan.
	apply.floor = float64(n)/rate + noRefresh.seconds
	plan.floor = noRefresh.seconds
	for _, p := range phases {
		ratio := "-"
		if p.floor > 0 {
			ratio = fmt.Sprintf("%.2f", p.seconds/p.floor)
		}
		fmt.Printf("| %d | %d | %d | %s | %.2f | %.2f | %s | %d | %s |\n", n, nRegions, parallelism, p.name, p.seconds, p.cpu, callsByAction(p.stats.Calls), total(p.stats.Throttled), ratio)
	}
	return peak, nil
}

// waitForFullKeyPool waits until the emulator has generated every key the
// apply will take.
func waitForFullKeyPool(ctl emulator.ControlClient) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		p, err := ctl.KeyPool(context.Background())
		if err != nil {
			return err
		}
		if p.Ready >= p.Size {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the emulator's key pool holds %d of %d keys after 5 minutes", p.Ready, p.Size)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// planRuns is how often each kind of plan runs.
const planRuns = 3

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func configFor(n, nRegions int) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    tencentcloud = { source = "keypairlabs/tencentcloud" }
  }
}
`)
	for i := range nRegions {
		fmt.Fprintf(&b, `
provider "tencentcloud" {
  alias  = "r%d"
  region = %q
}

resource "tencentcloud_key_pair" "r%d" {
  provider = tencentcloud.r%d
  count    = %d
  key_name = "bench_%d_${count.index}"
}
`, i, regions[i], i, i, n, i)
	}
	return b.String()
}

// watchPeakMemory polls the provider processes' peak resident set size
// (VmHWM) until the returned function is called, which returns it in KiB.
func watchPeakMemory() func() int64 {
	var mu sync.Mutex
	var peak int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(50 * time.Millisecond)
		defer ticker.Stop()
		for {
			if hwm := providerHWM(); hwm > 0 {
				mu.Lock()
				peak = max(peak, hwm)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

var hwmPattern = regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`)

func providerHWM() int64 {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var peak int64
	for _, cmdline := range procs {
		args, err := os.ReadFile(cmdline)
		if err != nil {
			continue
		}
		// The executable's own name, not terraform's, whose process
		// name is a prefix of the provider's.
		argv0, _, _ := strings.Cut(string(args), "\x00")
		if filepath.Base(argv0) != providerBinary {
			continue
		}
		status, err := os.ReadFile(filepath.Join(filepath.Dir(cmdline), "status"))
		if err != nil {
			continue
		}
		if m := hwmPattern.FindSubmatch(status); m != nil {
			kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
			peak = max(peak, kb)
		}
	}
	return peak
}

func diff(before, after emulator.Stats) emulator.Stats {
	sub := func(a, b map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range a {
			if d := v - b[k]; d != 0 {
				out[k] = d
			}
		}
		return out
	}
	return emulator.Stats{Calls: sub(after.Calls, before.Calls), Throttled: sub(after.Throttled, before.Throttled), Faults: sub(after.Faults, before.Faults)}
}

func callsByAction(calls map[string]int) string {
	if len(calls) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, calls[k])
	}
	return strings.Join(parts, ", ")
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
