// Command bench measures the provider at scale against the emulator with
// its rate limit on (make bench). It times terraform apply, plan,
// plan -refresh=false and destroy of N key pairs in each of R regions,
// and plan -refresh=false of N resources of a no-op provider on the same
// framework (tools/bench/noop), the floor of a plan; counts the API calls
// of each phase, the CPU seconds of terraform and of the provider alone,
// records the provider's peak memory, and prints a markdown table with each
// phase's ratio to its floor.
//
// With -pipelines K (BENCH_PIPELINES), it runs K terraform applies at once,
// of N/K key pairs each, against one emulator, as pipelines that share an
// account do, then K destroys at once, and reports the wall time against
// the floor, the throttled calls and the failed runs.
//
// Usage: go run ./tools/bench -n 10,100 -regions 1 [-rate 10] [-pipelines K] [-emulator strict|default]
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

const (
	providerBinary = "terraform-provider-tencentcloud"
	noopBinary     = "terraform-provider-noop"
)

func main() {
	ns := flag.String("n", envOr("BENCH_N", "10,100"), "key pairs per region, comma-separated runs")
	nRegions := flag.Int("regions", atoi(envOr("BENCH_REGIONS", "1")), "regions")
	rate := flag.Float64("rate", 10, "the emulator's rate limit, calls per second per action and region")
	parallelism := flag.Int("parallelism", atoi(envOr("BENCH_PARALLELISM", "0")),
		"terraform -parallelism (default: terraform's 10 for one region; for several, every key pair at once)")
	pipelines := flag.Int("pipelines", atoi(envOr("BENCH_PIPELINES", "1")), "terraform runs at once against one emulator, N/K key pairs each")
	mode := flag.String("emulator", envOr("BENCH_EMULATOR", "strict"),
		"strict: the emulator models the real service's lags and lean answers; default: it answers at once")
	flag.Parse()
	if *mode != "strict" && *mode != "default" {
		fmt.Fprintln(os.Stderr, "bench: -emulator must be strict or default")
		os.Exit(2)
	}
	if err := run(*ns, *nRegions, *rate, *parallelism, *pipelines, *mode == "strict"); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ns string, nRegions int, rate float64, parallelism, pipelines int, strict bool) error {
	if nRegions < 1 || nRegions > len(regions) {
		return fmt.Errorf("regions must be between 1 and %d", len(regions))
	}
	if pipelines < 1 || (pipelines > 1 && nRegions > 1) {
		return fmt.Errorf("pipelines must be at least 1, and more than 1 only with one region")
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

	// Terraform runs the providers through cputime (in binDir, under the
	// providers' names), which runs the real ones (in realDir) and logs
	// their CPU time.
	binDir, realDir := filepath.Join(dir, "bin"), filepath.Join(dir, "real")
	builds := []struct{ pkg, out string }{
		{".", filepath.Join(realDir, providerBinary)},
		{"./tools/bench/noop", filepath.Join(realDir, noopBinary)},
		{"./cmd/tencentcloud-emulator", filepath.Join(binDir, "tencentcloud-emulator")},
		{"./tools/bench/cputime", filepath.Join(binDir, providerBinary)},
		{"./tools/bench/cputime", filepath.Join(binDir, noopBinary)},
	}
	for _, b := range builds {
		build := exec.Command("go", "build", "-o", b.out, b.pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build %s: %w", b.pkg, err)
		}
	}
	cliConfig := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keypairlabs/tencentcloud" = %q
    "registry.terraform.io/bench/noop" = %q
  }
  direct {}
}
`, binDir, binDir)), 0o600); err != nil {
		return err
	}
	b := &bench{tf: tf, dir: dir, binDir: binDir, realDir: realDir, cliConfig: cliConfig, rate: rate, strict: strict}

	mode := "strict (lags, lean answers)"
	if !strict {
		mode = "default (no lags)"
	}
	fmt.Printf("Emulator %s, rate limit %g calls/s per action and region. \"CPU s\" is terraform and the provider, "+
		"\"provider CPU s\" the provider alone.\n\n", mode, rate)
	if pipelines > 1 {
		fmt.Printf("| N | pipelines | phase | seconds | first run done | CPU s | provider CPU s | calls by action | throttled | failed runs | ratio to floor |\n")
		fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|\n")
	} else {
		fmt.Printf("| N | regions | parallelism | phase | seconds | CPU s | provider CPU s | calls by action | throttled | ratio to floor |\n")
		fmt.Printf("|---|---|---|---|---|---|---|---|---|---|\n")
	}
	var peak int64
	for _, field := range strings.Split(ns, ",") {
		n := atoi(strings.TrimSpace(field))
		if n < 1 || n < pipelines {
			return fmt.Errorf("bad N %q: at least 1, and at least one key pair per pipeline", field)
		}
		var p int64
		if pipelines > 1 {
			p, err = b.runPipelines(n, pipelines, parallelism)
		} else {
			p, err = b.runOne(n, nRegions, parallelism)
		}
		if err != nil {
			return err
		}
		peak = max(peak, p)
	}
	fmt.Printf("\nProvider peak memory (VmHWM): %.1f MB\n", float64(peak)/1024)
	return nil
}

// bench holds what every run shares: the binaries and the CLI
// configuration that installs them.
type bench struct {
	tf, dir, binDir, realDir, cliConfig string
	rate                                float64
	strict                              bool // the emulator's --strict
	logs                                int  // CPU logs written, for their names
}

type phase struct {
	name    string
	args    []string
	seconds float64
	// cpu is the CPU time of terraform and the provider, which it waits
	// for, in the last run of the phase; providerCPU that of the provider
	// processes alone.
	cpu, providerCPU float64
	stats            emulator.Stats
	floor            float64 // seconds; 0 when the phase has none
	failed           int     // runs that failed, of a phase of pipelines
	// first and last are when the first and the last of the runs at once
	// ended, in seconds from their start.
	first, last float64
}

// emulator starts the emulator at the benchmark's rate limit for n key
// pairs, and waits for its key pool to be full. Key generation must not be
// what the benchmark measures: small keys, all generated before the apply
// starts. The emulator is strict by default, as the real service is (lags,
// lean answers); the quota is the account's, so it must hold every key
// pair.
func (b *bench) emulator(n int) (url string, stop func(), err error) {
	args := []string{"--listen", "127.0.0.1:0", "--rate-limit", fmt.Sprint(b.rate), "--quota", fmt.Sprint(max(100, n)),
		"--key-bits", "1024", "--key-pool", fmt.Sprint(n)}
	if b.strict {
		args = append(args, "--strict")
	}
	emu := exec.Command(filepath.Join(b.binDir, "tencentcloud-emulator"), args...)
	emu.Stderr = os.Stderr
	out, err := emu.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := emu.Start(); err != nil {
		return "", nil, err
	}
	stop = func() { _ = emu.Process.Signal(os.Interrupt); _ = emu.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("emulator did not start: %w", err)
	}
	url = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	if err := waitForFullKeyPool(emulator.ControlClient{URL: url}); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// env is the environment of terraform against the emulator at url.
func (b *bench) env(url string) []string {
	return append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+b.cliConfig,
		"TF_IN_AUTOMATION=1",
		"TENCENTCLOUD_ENDPOINT="+url,
		"TENCENTCLOUD_SECRET_ID="+emulator.DemoSecretID,
		"TENCENTCLOUD_SECRET_KEY="+emulator.DemoSecretKey,
	)
}

// workDir writes a configuration into a new working directory.
func (b *bench) workDir(name, config string) (string, error) {
	work := filepath.Join(b.dir, name)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", err
	}
	return work, os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o644)
}

// runResult is one terraform run.
type runResult struct {
	output   []byte
	err      error
	cpu      float64 // terraform's and the provider's
	provider float64 // the provider's alone
	seconds  float64
}

// terraform runs terraform in each of works at once, with the provider
// binary named binary, and waits for all of them.
func (b *bench) terraform(works []string, env []string, binary string, args []string) []runResult {
	results := make([]runResult, len(works))
	var wg sync.WaitGroup
	for i, work := range works {
		b.logs++
		cpuLog := filepath.Join(b.dir, fmt.Sprintf("cpu-%d.log", b.logs))
		wg.Go(func() {
			cmd := exec.Command(b.tf, args...)
			cmd.Dir = work
			cmd.Env = append(env, "CPUTIME_EXEC="+filepath.Join(b.realDir, binary), "CPUTIME_LOG="+cpuLog)
			r := &results[i]
			start := time.Now()
			r.output, r.err = cmd.CombinedOutput()
			r.seconds = time.Since(start).Seconds()
			if cmd.ProcessState != nil {
				r.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
			}
			r.provider = sumCPULog(cpuLog)
		})
	}
	wg.Wait()
	return results
}

// timeline, with BENCH_TIMELINE=1, prints to stderr each half second of
// a phase the calls that the emulator accepted and refused, by action:
// where a phase loses time at the rate limit.
func (b *bench) timeline(ctl emulator.ControlClient, name string, before emulator.Stats) (stop func()) {
	if os.Getenv("BENCH_TIMELINE") != "1" {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(500 * time.Millisecond)
		defer ticker.Stop()
		start, last := time.Now(), before
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			now, err := ctl.Stats(context.Background())
			if err != nil {
				continue
			}
			d := diff(last, now)
			var parts []string
			for _, action := range []string{"CreateKeyPair", "DeleteKeyPairs", "DescribeKeyPairs"} {
				if calls := d.Calls[action]; calls > 0 {
					parts = append(parts, fmt.Sprintf("%s %d/%d", action, calls-d.Throttled[action], calls))
				}
			}
			fmt.Fprintf(os.Stderr, "timeline %s %5.1fs accepted/sent: %s\n", name, time.Since(start).Seconds(), strings.Join(parts, ", "))
			last = now
		}
	}()
	return func() { close(done); <-finished }
}

// sumCPULog adds up the CPU seconds that cputime logged, one provider
// process a line.
func sumCPULog(name string) float64 {
	data, _ := os.ReadFile(name)
	var sum float64
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if _, seconds, ok := strings.Cut(line, " "); ok {
			f, _ := strconv.ParseFloat(seconds, 64)
			sum += f
		}
	}
	return sum
}

// timed runs a phase in each of works at once against the emulator,
// records its time, CPU, calls and failures, and returns the results.
func (b *bench) timed(p *phase, ctl emulator.ControlClient, works []string, env []string, binary string) ([]runResult, float64, error) {
	before, err := ctl.Stats(context.Background())
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	stopTimeline := b.timeline(ctl, p.name, before)
	results := b.terraform(works, env, binary, p.args)
	seconds := time.Since(start).Seconds()
	stopTimeline()
	after, err := ctl.Stats(context.Background())
	if err != nil {
		return nil, 0, err
	}
	// Calls are the same in every run of a phase: keep the last.
	p.stats = diff(before, after)
	p.cpu, p.providerCPU, p.failed = 0, 0, 0
	p.first, p.last = results[0].seconds, results[0].seconds
	for _, r := range results {
		p.first, p.last = min(p.first, r.seconds), max(p.last, r.seconds)
		p.cpu += r.cpu
		p.providerCPU += r.provider
		if r.err != nil {
			p.failed++
		}
	}
	return results, seconds, nil
}

func (b *bench) runOne(n, nRegions, parallelism int) (int64, error) {
	work, err := b.workDir(fmt.Sprintf("n%d-r%d", n, nRegions), configFor(n, nRegions))
	if err != nil {
		return 0, err
	}
	noopWork, err := b.workDir(fmt.Sprintf("noop-n%d-r%d", n, nRegions), noopConfigFor(n*nRegions))
	if err != nil {
		return 0, err
	}
	url, stop, err := b.emulator(n * nRegions)
	if err != nil {
		return 0, err
	}
	defer stop()
	ctl := emulator.ControlClient{URL: url}
	env := b.env(url)

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
	noopApply := &phase{name: "apply, no-op provider", args: apply.args}
	// The floor of a plan: the no-op provider as the framework ships it,
	// which writes its trace lines whether anyone reads them or not, and
	// the same with its logging off, as this provider turns it off.
	noopNoRefresh := &phase{name: "plan -refresh=false, no-op provider", args: noRefresh.args}
	noopQuiet := &phase{name: "plan -refresh=false, no-op provider, logging off", args: noRefresh.args}
	// Plans take about a second, where the machine's noise shows: each
	// plan runs planRuns times, alternating, and its median counts.
	order := []*phase{apply, noopApply}
	for range planRuns {
		order = append(order, plan, noRefresh, noopNoRefresh, noopQuiet)
	}
	order = append(order, destroy)
	times := map[*phase][]float64{}
	var peak int64
	for _, p := range order {
		dir, binary, phaseEnv := work, providerBinary, env
		switch p {
		case noopApply, noopQuiet:
			dir, binary = noopWork, noopBinary
		case noopNoRefresh:
			dir, binary, phaseEnv = noopWork, noopBinary, append(env[:len(env):len(env)], "NOOP_LOGGING=framework")
		}
		mem := watchPeakMemory()
		results, seconds, err := b.timed(p, ctl, []string{dir}, phaseEnv, binary)
		peak = max(peak, mem())
		if err != nil {
			return 0, err
		}
		times[p] = append(times[p], seconds)
		if r := results[0]; r.err != nil {
			return 0, fmt.Errorf("terraform %s: %w\n%s", p.name, r.err, r.output)
		}
	}
	phases := []*phase{apply, plan, noRefresh, noopNoRefresh, noopQuiet, destroy}
	for _, p := range phases {
		p.seconds = median(times[p])
	}
	// The floors: a plan cannot be faster than one that makes no call, nor
	// one without a call faster than the no-op provider's; an apply cannot
	// create faster than the rate limit allows, plus its plan.
	apply.floor = float64(n)/b.rate + noRefresh.seconds
	plan.floor = noRefresh.seconds
	noRefresh.floor = noopNoRefresh.seconds
	for _, p := range phases {
		fmt.Printf("| %d | %d | %d | %s | %.2f | %.2f | %.2f | %s | %s | %s |\n", n, nRegions, parallelism, p.name, p.seconds, p.cpu,
			p.providerCPU, callsByAction(p.stats.Calls), throttled(p.stats.Throttled), ratio(p))
	}
	fmt.Printf("\nN=%d: plan -refresh=false to the no-op provider with its logging off: %.2f\n", n, noRefresh.seconds/noopQuiet.seconds)
	return peak, nil
}

// runPipelines runs k applies at once, of n/k key pairs each (the first
// n%k one more), with names of their own, then k destroys at once. The
// floor of the applies: n key pairs at the rate limit, plus one
// plan -refresh=false of a pipeline (the median of planRuns).
func (b *bench) runPipelines(n, k, parallelism int) (int64, error) {
	works := make([]string, k)
	for i := range k {
		size := n / k
		if i < n%k {
			size++
		}
		var err error
		works[i], err = b.workDir(fmt.Sprintf("n%d-p%d-%d", n, k, i), pipelineConfig(i, size))
		if err != nil {
			return 0, err
		}
	}
	url, stop, err := b.emulator(n)
	if err != nil {
		return 0, err
	}
	defer stop()
	ctl := emulator.ControlClient{URL: url}
	env := b.env(url)
	if parallelism == 0 {
		parallelism = 10
	}
	par := fmt.Sprintf("-parallelism=%d", parallelism)
	apply := &phase{name: "apply", args: []string{"apply", "-auto-approve", "-input=false", par}}
	noRefresh := &phase{name: "plan -refresh=false (one pipeline)", args: []string{"plan", "-input=false", "-refresh=false", par}}
	destroy := &phase{name: "destroy", args: []string{"destroy", "-auto-approve", "-input=false", par}}

	mem := watchPeakMemory()
	report := func(p *phase, results []runResult) {
		for i, r := range results {
			if r.err != nil {
				fmt.Fprintf(os.Stderr, "bench: pipeline %d of %d, terraform %s: %v\n%s\n", i, k, p.name, r.err, lastLines(r.output, 30))
			}
		}
	}
	results, seconds, err := b.timed(apply, ctl, works, env, providerBinary)
	if err != nil {
		return 0, err
	}
	apply.seconds = seconds
	report(apply, results)
	var plans []float64
	for range planRuns {
		results, seconds, err := b.timed(noRefresh, ctl, works[:1], env, providerBinary)
		if err != nil {
			return 0, err
		}
		report(noRefresh, results)
		plans = append(plans, seconds)
	}
	noRefresh.seconds = median(plans)
	results, seconds, err = b.timed(destroy, ctl, works, env, providerBinary)
	if err != nil {
		return 0, err
	}
	destroy.seconds = seconds
	report(destroy, results)
	peak := mem()

	apply.floor = float64(n)/b.rate + noRefresh.seconds
	for _, p := range []*phase{apply, noRefresh, destroy} {
		runs := k
		if p == noRefresh {
			runs = 1
		}
		fmt.Printf("| %d | %d | %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %d of %d | %s |\n", n, k, p.name, p.seconds, p.first, p.cpu, p.providerCPU,
			callsByAction(p.stats.Calls), throttled(p.stats.Throttled), p.failed, runs, ratio(p))
	}
	return peak, nil
}

func ratio(p *phase) string {
	if p.floor <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", p.seconds/p.floor)
}

// lastLines is the end of a run's output, for a failure's message.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
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

// noopConfigFor is n resources of the no-op provider.
func noopConfigFor(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    noop = { source = "bench/noop" }
  }
}

resource "noop_thing" "t" {
  count = %d
  name  = "bench_${count.index}"
}
`, n)
}

// pipelineConfig is the configuration of pipeline i: n key pairs with
// names that no other pipeline uses.
func pipelineConfig(i, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = { source = "keypairlabs/tencentcloud" }
  }
}

provider "tencentcloud" {
  region = %q
}

resource "tencentcloud_key_pair" "p" {
  count    = %d
  key_name = "bench_p%d_${count.index}"
}
`, regions[0], n, i)
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

// throttled is the number of refused calls, and by action when there are
// any.
func throttled(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", total(m), callsByAction(m))
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
