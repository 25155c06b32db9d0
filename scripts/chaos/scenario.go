package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultproxy"
	"github.com/keypairlabs/terraform-provider-tencentcloud/scripts/chaos/check"
)

// runTimeout bounds one terraform run: each resource's operations are
// bounded by its timeouts (resourceTimeout), and a run has a few waves of
// them, so a run still going after this hangs.
const runTimeout = 5 * time.Minute

// step is one terraform run of a scenario: one command, or a plan and the
// apply of its plan file.
type step struct {
	name   string
	config string
	// cmds are terraform's arguments, run in order while they succeed.
	cmds [][]string
	// refreshes arms the kinds that act only during refreshes: every run
	// but the first apply has a state to refresh.
	refreshes bool
	// interrupt sends one SIGINT once the first CreateKeyPair passed.
	interrupt bool
}

// refreshPlan is the plan file of the refresh-only run: it holds the
// refreshed state, private keys included, which invariant (b) reads.
const refreshPlan = "refresh-only.tfplan"

func steps(entry faultproxy.Entry, cfg configs) []step {
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	destroy := []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
	if entry.Interrupt {
		return []step{
			// Two at a time, so that some creates have not started when
			// the interrupt comes and the next apply makes them.
			{name: "apply, interrupted", config: cfg.main(), cmds: [][]string{append(apply, "-parallelism=2")}, interrupt: true},
			{name: "apply", config: cfg.main(), cmds: [][]string{apply}, refreshes: true},
			{name: "destroy", config: cfg.main(), cmds: [][]string{destroy}, refreshes: true},
		}
	}
	return []step{
		{name: "apply", config: cfg.main(), cmds: [][]string{apply}},
		{name: "apply -refresh-only", config: cfg.main(), cmds: [][]string{
			{"plan", "-refresh-only", "-input=false", "-no-color", "-out=" + refreshPlan},
			{"apply", "-input=false", "-no-color", refreshPlan},
		}, refreshes: true},
		{name: "import", config: cfg.withOutside(true), cmds: [][]string{apply}, refreshes: true},
		// Terraform would import in destroy mode too: the block goes.
		{name: "destroy", config: cfg.withOutside(false), cmds: [][]string{destroy}, refreshes: true},
	}
}

// scenario runs one kind under one seed.
func (c *chaos) scenario(ctx context.Context, entry faultproxy.Entry, seed uint64) (res result) {
	res = result{kind: entry.Kind, seed: seed}
	defer func() {
		if res.err != nil {
			fmt.Fprintf(os.Stderr, "chaos: %s seed %d: %v\n", entry.Kind, seed, res.err)
		}
	}()
	emuURL, stopEmulator, err := startEmulator(seed, entry.TagLag)
	if err != nil {
		res.err = fmt.Errorf("start the emulator: %w", err)
		return res
	}
	defer stopEmulator()
	px, err := faultproxy.New(faultproxy.Config{Target: emuURL, Kind: entry.Kind, Seed: seed})
	if err == nil {
		err = px.Start()
	}
	if err != nil {
		res.err = fmt.Errorf("start the proxy: %w", err)
		return res
	}
	defer px.Close()
	direct, err := newCloud(emuURL)
	if err != nil {
		res.err = err
		return res
	}

	// Key pairs that no workspace of the run makes: two of another
	// workspace, which must never be adopted, changed or deleted, and one
	// that the import run imports by id.
	setup, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	foreignGenID, foreignPrivate, err := direct.create(setup, foreignGenName, map[string]string{"owner": "another-workspace"})
	if err != nil {
		res.err = err
		return res
	}
	foreignImpID, err := direct.importKey(setup, foreignImpName, c.f.foreignKey, map[string]string{"owner": "another-workspace"})
	if err != nil {
		res.err = err
		return res
	}
	outsideID, err := direct.importKey(setup, outsideName, c.f.outsideKey, nil)
	if err != nil {
		res.err = err
		return res
	}
	foreign, err := direct.waitTagged(setup, foreignGenID, foreignImpID)
	if err != nil {
		res.err = err
		return res
	}

	work := filepath.Join(c.root, string(entry.Kind), fmt.Sprintf("seed-%d", seed))
	if err := os.MkdirAll(work, 0o755); err != nil {
		res.err = err
		return res
	}
	s := &scenarioState{
		direct: direct, px: px, work: work, foreign: foreign, outsideID: outsideID,
		foreignPrivate: check.NamedKey{Name: foreignGenName, PrivateKey: foreignPrivate},
		seen:           map[check.Violation]bool{},
	}
	for i, st := range steps(entry, configs{f: c.f, seed: seed, outsideID: outsideID}) {
		if ctx.Err() != nil {
			res.err = ctx.Err()
			return res
		}
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(st.config), 0o644); err != nil {
			res.err = err
			return res
		}
		px.Arm(st.refreshes)
		rr, outputs, hung, err := c.terraform(ctx, work, i+1, st, px)
		if err != nil {
			res.err = fmt.Errorf("run %d (%s): %w", i+1, st.name, err)
			return res
		}
		res.runs = append(res.runs, rr)
		vs, err := s.check(ctx, outputs)
		if err != nil {
			res.err = fmt.Errorf("run %d (%s): check: %w", i+1, st.name, err)
			return res
		}
		vs = append(vs, hung...)
		fresh := 0
		for _, v := range vs {
			// A violation counts once, at the first run that shows it:
			// an orphan stays one until something removes it.
			if s.seen[v] {
				continue
			}
			s.seen[v] = true
			res.violations = append(res.violations, located{run: i + 1, name: st.name, v: v})
			fresh++
		}
		note := ""
		if st.interrupt && !rr.interrupted {
			note = " (not interrupted: no CreateKeyPair passed before it ended)"
		}
		fmt.Fprintf(os.Stderr, "chaos: %s seed %d run %d (%s): exit %d in %.1f s, %d new violations%s\n",
			entry.Kind, seed, i+1, st.name, rr.exit, rr.seconds, fresh, note)
	}
	for _, n := range px.Stats().Applied {
		res.applied += n
	}
	return res
}

// scenarioState is what the checks of a scenario's runs share.
type scenarioState struct {
	direct         *cloud
	px             *faultproxy.Proxy
	work           string
	foreign        []check.KeyPair
	foreignPrivate check.NamedKey
	outsideID      string
	// outsideManaged: the outside key pair has been in the state, so it
	// is the workspace's from then on.
	outsideManaged bool
	seen           map[check.Violation]bool
}

// check runs every invariant against the emulator's view and the files
// after a run; outputs are the run's output and log, by file name.
func (s *scenarioState) check(ctx context.Context, outputs map[string][]byte) ([]check.Violation, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cloudNow, err := s.direct.list(ctx)
	if err != nil {
		return nil, err
	}
	var vs []check.Violation
	files := map[string][]byte{}
	states := map[string][]check.Resource{}
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup", "errored.tfstate"} {
		data, err := os.ReadFile(filepath.Join(s.work, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		files[name] = data
		rs, err := check.ParseState(data)
		if err != nil {
			vs = append(vs, check.Violation{Invariant: check.Accounting, Detail: fmt.Sprintf("%s does not parse: %v", name, err)})
			continue
		}
		states[name] = rs
	}
	plans, _ := filepath.Glob(filepath.Join(s.work, "*.tfplan"))
	for _, p := range plans {
		if data, err := os.ReadFile(p); err == nil {
			maps.Copy(files, check.PlanFile(filepath.Base(p), data))
		}
	}
	for name, data := range outputs {
		files[name] = data
	}

	state := states["terraform.tfstate"]
	unmanaged := map[string]bool{}
	for _, f := range s.foreign {
		unmanaged[f.ID] = true
	}
	for _, r := range state {
		if r.ID() == s.outsideID {
			s.outsideManaged = true
		}
	}
	if !s.outsideManaged {
		unmanaged[s.outsideID] = true
	}
	vs = append(vs, check.CheckAccounting(cloudNow, state, unmanaged)...)
	vs = append(vs, check.CheckForeign(s.foreign, cloudNow, state)...)

	generated := s.px.Generated()
	var pgpKeys []check.NamedKey
	secrets := check.Secrets{SecretKey: secretKey, PrivateKeys: []check.NamedKey{s.foreignPrivate}, Signatures: s.px.Signatures()}
	for _, g := range generated {
		k := check.NamedKey{Name: g.Name, PublicKey: g.PublicKey, PrivateKey: g.PrivateKey}
		secrets.PrivateKeys = append(secrets.PrivateKeys, k)
		if g.Name == pgpName {
			pgpKeys = append(pgpKeys, k)
		}
	}
	vs = append(vs, check.CheckPGP(pgpAddress, pgpKeys, states, files)...)
	vs = append(vs, check.CheckCrash(outputs)...)
	vs = append(vs, check.CheckSecrets(outputs, secrets)...)
	return vs, nil
}

// terraform runs one step in work, with its output to N-name.out and its
// TF_LOG to N-name.log, and returns those files' contents by name, and a
// violation for a run that never ended.
func (c *chaos) terraform(ctx context.Context, work string, n int, st step, px *faultproxy.Proxy) (runReport, map[string][]byte, []check.Violation, error) {
	rr := runReport{name: st.name, exit: -1}
	base := fmt.Sprintf("%d-%s", n, strings.NewReplacer(" ", "", ",", "-").Replace(strings.TrimLeft(st.name, "-")))
	outName, logName := base+".out", base+".log"
	out, err := os.Create(filepath.Join(work, outName))
	if err != nil {
		return rr, nil, nil, err
	}
	defer out.Close()
	start := time.Now()
	deadline := time.NewTimer(runTimeout)
	defer deadline.Stop()
	var runErr error
	for i, args := range st.cmds {
		// Terraform appends to TF_LOG_PATH: the commands of a step share
		// the log.
		rr.exit, runErr = c.command(ctx, work, args, out, filepath.Join(work, logName), px, st.interrupt && i == 0, deadline.C, &rr.interrupted)
		if runErr != nil || rr.exit != 0 {
			break
		}
	}
	var hung []check.Violation
	switch {
	case errors.Is(runErr, errTimedOut):
		hung = append(hung, check.Violation{Invariant: check.Crash, Detail: fmt.Sprintf("terraform %s did not end within %s: killed", st.name, runTimeout)})
	case runErr != nil:
		return rr, nil, nil, runErr
	}
	rr.seconds = time.Since(start).Seconds()
	outputs := map[string][]byte{}
	for _, name := range []string{outName, logName} {
		if data, err := os.ReadFile(filepath.Join(work, name)); err == nil {
			outputs[name] = data
		}
	}
	return rr, outputs, hung, nil
}

// errTimedOut says that terraform was killed at the run's deadline.
var errTimedOut = errors.New("timed out")

// command runs terraform once and returns its exit status. With
// interrupt, it sends one SIGINT once the first CreateKeyPair passed the
// proxy.
func (c *chaos) command(ctx context.Context, work string, args []string, out *os.File, logPath string, px *faultproxy.Proxy,
	interrupt bool, deadline <-chan time.Time, interrupted *bool) (int, error) {
	cmd := exec.Command(c.tf, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = work, out, out
	cmd.Env = c.env(px.URL(), logPath)
	// A process group of its own, so that a run that hangs can be ended
	// with its provider, and so that the one SIGINT of the interrupt kind
	// is the only one it gets.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	var passed <-chan struct{}
	if interrupt {
		passed = px.Passed("CreateKeyPair")
	}
	for {
		select {
		case <-done:
			return cmd.ProcessState.ExitCode(), nil
		case <-passed:
			// One Ctrl-C only: the provider must finish what is in
			// flight.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			*interrupted, passed = true, nil
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			<-done
			return cmd.ProcessState.ExitCode(), nil
		case <-deadline:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return -1, errTimedOut
		}
	}
}

// env is terraform's environment: the caller's, without anything of
// Terraform's or Tencent Cloud's that could change the run, and the run's
// own.
func (c *chaos) env(endpoint, logPath string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "TENCENTCLOUD_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+c.cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"TF_LOG=trace",
		"TF_LOG_PATH="+logPath,
		"TENCENTCLOUD_ENDPOINT="+endpoint,
		"TENCENTCLOUD_SECRET_ID="+secretID,
		"TENCENTCLOUD_SECRET_KEY="+secretKey,
		"TENCENTCLOUD_REGION="+region,
	)
}
