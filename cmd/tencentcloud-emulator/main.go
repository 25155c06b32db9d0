// Command tencentcloud-emulator serves the key pair emulator of
// internal/emulator on a local address, for demos and for tests that run the
// provider as a separate process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// The environment variables that stand in for flags not given.
const (
	envSecretID     = "TENCENTCLOUD_EMULATOR_SECRET_ID"
	envSecretKey    = "TENCENTCLOUD_EMULATOR_SECRET_KEY"
	envControlToken = "TENCENTCLOUD_EMULATOR_CONTROL_TOKEN"
)

var envOf = map[string]string{"secret-id": envSecretID, "secret-key": envSecretKey, "control-token": envControlToken}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "tencentcloud-emulator:", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM. It prints one line to stdout,
// "listening on http://HOST:PORT", once the listener is ready, so that
// scripts can wait for it; with --print-env, the lines to paste into a
// shell follow it (printEnv). Everything else goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	cfg, withEnv, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	listen := cfg.ListenAddr
	srv, err := emulator.New(cfg)
	if err != nil {
		return fmt.Errorf("start emulator: %w", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen: %w", err)
	}
	ln = srv.Listener(ln)
	logger := log.New(stderr, "", log.LstdFlags)
	if cfg.Credentials == nil {
		logger.Printf("accepting the demo credential, SecretId %s", emulator.DemoSecretID)
	}
	if cfg.ControlToken != "" {
		logger.Printf("the control API needs the control token as a bearer token")
	}
	hs := srv.HTTPServer(logger)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if withEnv {
		printEnv(stdout, "http://"+ln.Addr().String(), cfg)
	}

	select {
	case <-ctx.Done():
		err = nil
	case err = <-served:
		err = fmt.Errorf("serve: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if shutdownErr := hs.Shutdown(shutdownCtx); shutdownErr != nil && err == nil {
		err = fmt.Errorf("shut down: %w", shutdownErr)
	}
	if closeErr := srv.Close(); closeErr != nil {
		err = errors.Join(err, fmt.Errorf("flush state: %w", closeErr))
	}
	return err
}

// printEnv prints the lines that point the provider at the emulator at
// endpoint: the demo credentials, or the SecretId the emulator was given
// and where its key is (never the key itself).
func printEnv(w io.Writer, endpoint string, cfg emulator.Config) {
	fmt.Fprintln(w, "# Paste these lines into the shell that runs terraform or tofu; Ctrl-C here stops the emulator.")
	fmt.Fprintf(w, "export TENCENTCLOUD_ENDPOINT=%s\n", endpoint)
	if cfg.Credentials == nil {
		fmt.Fprintf(w, "export TENCENTCLOUD_SECRET_ID=%s\n", emulator.DemoSecretID)
		fmt.Fprintf(w, "export TENCENTCLOUD_SECRET_KEY=%s\n", emulator.DemoSecretKey)
	} else {
		fmt.Fprintf(w, "export TENCENTCLOUD_SECRET_ID=%s\n", cfg.Credentials[0].SecretID)
		fmt.Fprintf(w, "# and TENCENTCLOUD_SECRET_KEY: the key given with --secret-key or $%s\n", envSecretKey)
	}
	fmt.Fprintln(w, "export TENCENTCLOUD_REGION=ap-guangzhou")
	fmt.Fprintln(w, "unset TENCENTCLOUD_SECURITY_TOKEN")
}

// parseFlags turns the command line into the emulator's configuration
// (its ListenAddr is the address to listen on), and says whether
// --print-env asks for the lines to paste into a shell.
func parseFlags(args []string, stderr io.Writer) (emulator.Config, bool, error) {
	fs := flag.NewFlagSet("tencentcloud-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on; port 0 picks a free port; an address other than loopback needs --control-token")
	secretID := fs.String("secret-id", "", "SecretId to accept (default: $"+envSecretID+", else the demo credential)")
	secretKey := fs.String("secret-key", "", "SecretKey to accept, with --secret-id (default: $"+envSecretKey+", which keeps it out of ps)")
	controlToken := fs.String("control-token", "", "bearer token that every control API call (/_emulator/...) must send; required with a --listen address other than loopback (default: $"+envControlToken+")")
	var allowHosts hostList
	fs.Var(&allowHosts, "allow-host", "allow `NAME`, a host name or IP address without a port, as the Host header of calls that reach the emulator by it; repeat the flag for more names. "+
		"The control API and the signed API refuse any Host but these, localhost, loopback addresses, the host of --listen and the address a connection arrived at, "+
		"so that a web page cannot reach them by rebinding its name to this address (DNS rebinding)")
	maxConns := fs.Int("max-connections", emulator.DefaultMaxConnections, "connections open at once; more wait in the kernel's backlog")
	rateLimit := fs.Float64("rate-limit", 10, "calls per second per action per region of the actions without a documented limit of their own (the Tag API's keep theirs); 0 turns every limit off. Evidence: 10 per second is documented for each key pair action")
	quota := fs.Int("quota", 100, "key pairs per account (per region with --scope region). Evidence: 100 per account, product doc 213/6092")
	keyBits := fs.Int("key-bits", 2048, "RSA key size of CreateKeyPair. Guess: no source gives the size (the example of the CreateKeyPair page is a 1024-bit key)")
	keyPool := fs.Int("key-pool", 16, "keys generated ahead, in the background")
	projects := fs.String("projects", "", "comma-separated extra project ids (project 0 always exists)")
	stateFile := fs.String("state-file", "", "file that keeps the state across restarts (default: memory only)")
	scope := fs.String("scope", emulator.ScopeAccount, "where the quota, key name and public key uniqueness and DescribeKeyPairs listings count: account (key pairs found by id from any region) or region. "+
		"account: evidence for the quota and the names (product doc 213/6092, the official provider's docs), the lookups across regions inferred; region: a guess, the other reading the sources leave open")
	strict := fs.Bool("strict", false, "every mode at its strict value, for resilience tests: the evidence ones, --lean-create, --partial-delete, "+
		"--terminate-lag "+emulator.StrictTerminateLag.String()+", ForceStop restarting instances that were running (SDK comments) "+
		"and numeric public key comments (skey_112168, the CreateKeyPair page's example), and the guessed worst cases, "+
		"--visibility-lag "+emulator.StrictVisibilityLag.String()+" and --tag-lag "+emulator.StrictTagLag.String()+
		"; a flag given as well overrides its part")
	leanCreate := fs.Bool("lean-create", false, "CreateKeyPair answers only KeyId, KeyName, ProjectId, PublicKey and PrivateKey (on under --strict). Evidence: the answer example of the CreateKeyPair page (213/15702)")
	partialDelete := fs.Bool("partial-delete", false, "DeleteKeyPairs of several ids deletes those it can and answers success, leaving those that instances or images hold (on under --strict). "+
		"Evidence: the SDK's DeleteKeyPairs comment says to check whether every key pair was deleted")
	visibilityLag := fs.Duration("visibility-lag", 0, "how long a new key pair stays out of DescribeKeyPairs and a deleted one stays in it, its name taken ("+emulator.StrictVisibilityLag.String()+" under --strict). "+
		"Guess: a worst case that no source shows; the official provider reads straight after a create")
	tagLag := fs.Duration("tag-lag", 0, "how long tag changes take to show in DescribeKeyPairs and the Tag API's reads ("+emulator.StrictTagLag.String()+" under --strict). "+
		"Guess: a worst case that no source shows; the official provider reads tags back straight after writing them")
	terminateLag := fs.Duration("terminate-lag", 0, "how long a terminated instance stays bound to its key pairs, blocking their deletion ("+emulator.StrictTerminateLag.String()+" under --strict). "+
		"Evidence that it stays bound: official provider issues #194 and #375; the length is a guess")
	holdLags := fs.Bool("hold-lags", false, "every lag lasts until POST /_emulator/lags/end ends it, however long its flag says, so that a test decides when a lag is over (PUT /_emulator/lags changes it while running). "+
		"A control for tests, not a model of the service")
	withEnv := fs.Bool("print-env", false, "after the listening line, print the export lines that point the provider at the emulator (make emulator uses it)")
	if err := fs.Parse(args); err != nil {
		return emulator.Config{}, false, err
	}
	if fs.NArg() > 0 {
		return emulator.Config{}, false, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *quota <= 0 {
		return emulator.Config{}, false, fmt.Errorf("--quota %d: must be positive", *quota)
	}
	if *scope != emulator.ScopeAccount && *scope != emulator.ScopeRegion {
		return emulator.Config{}, false, fmt.Errorf("--scope %q: must be account or region", *scope)
	}
	for name, d := range map[string]time.Duration{"visibility-lag": *visibilityLag, "tag-lag": *tagLag, "terminate-lag": *terminateLag} {
		if d < 0 {
			return emulator.Config{}, false, fmt.Errorf("--%s %v: must not be negative", name, d)
		}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	// The environment stands in for the secrets not given on the command
	// line, where every user of the machine can read them in ps.
	for name, v := range map[string]*string{"secret-id": secretID, "secret-key": secretKey, "control-token": controlToken} {
		if !given[name] {
			*v = os.Getenv(envOf[name])
		}
	}
	if (*secretID == "") != (*secretKey == "") {
		return emulator.Config{}, false, fmt.Errorf("--secret-id and --secret-key go together (or $%s and $%s)", envSecretID, envSecretKey)
	}
	if *maxConns <= 0 {
		return emulator.Config{}, false, fmt.Errorf("--max-connections %d: must be positive", *maxConns)
	}
	loopback, err := isLoopback(*listen)
	if err != nil {
		return emulator.Config{}, false, fmt.Errorf("--listen %s: %w", *listen, err)
	}
	if *controlToken == "" && !loopback {
		return emulator.Config{}, false, fmt.Errorf("--listen %s is not a loopback address: anyone who can reach it could reset the emulator, inject faults and read the roles' ExternalIds through the control API; "+
			"set a control token with $%s (or --control-token TOKEN), or listen on 127.0.0.1", *listen, envControlToken)
	}
	// --strict sets the defaults of the flags that are not given; the
	// Config gets every behaviour spelled out, so that a flag given as
	// 0 or false stays off.
	if *strict {
		for name, set := range map[string]func(){
			"lean-create":    func() { *leanCreate = true },
			"partial-delete": func() { *partialDelete = true },
			"visibility-lag": func() { *visibilityLag = emulator.StrictVisibilityLag },
			"tag-lag":        func() { *tagLag = emulator.StrictTagLag },
			"terminate-lag":  func() { *terminateLag = emulator.StrictTerminateLag },
		} {
			if !given[name] {
				set()
			}
		}
	}
	cfg := emulator.Config{
		RateLimit:             *rateLimit,
		Quota:                 *quota,
		KeyBits:               *keyBits,
		KeyPool:               *keyPool,
		StateFile:             *stateFile,
		Scope:                 *scope,
		LeanCreate:            *leanCreate,
		PartialDelete:         *partialDelete,
		VisibilityLag:         *visibilityLag,
		TagLag:                *tagLag,
		TerminateLag:          *terminateLag,
		HoldLags:              *holdLags,
		RestartAfterForceStop: *strict,
		NumericKeyComments:    *strict,
		ControlToken:          *controlToken,
		ListenAddr:            *listen,
		AllowHosts:            allowHosts,
		MaxConnections:        *maxConns,
	}
	if *secretID != "" {
		cfg.Credentials = []emulator.Credential{{SecretID: *secretID, SecretKey: *secretKey}}
	}
	for _, p := range strings.Split(*projects, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return emulator.Config{}, false, fmt.Errorf("--projects: %q is not a project id", p)
		}
		cfg.Projects = append(cfg.Projects, id)
	}
	return cfg, *withEnv, nil
}

// hostList is the value of a flag that may be given more than once.
type hostList []string

func (l *hostList) String() string { return strings.Join(*l, ",") }

func (l *hostList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// isLoopback tells whether a --listen address binds loopback only: its host
// is localhost or a loopback IP address. An empty host or 0.0.0.0 binds
// every interface; any other name might resolve to anything, so it counts
// as not loopback.
func isLoopback(listen string) (bool, error) {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}
