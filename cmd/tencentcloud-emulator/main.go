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
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "tencentcloud-emulator:", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM. It prints exactly one line to stdout,
// "listening on http://HOST:PORT", once the listener is ready, so that
// scripts can wait for it; everything else goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tencentcloud-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on; port 0 picks a free port")
	secretID := fs.String("secret-id", "", "SecretId to accept (default: the demo credential)")
	secretKey := fs.String("secret-key", "", "SecretKey to accept, with --secret-id")
	rateLimit := fs.Float64("rate-limit", 10, "calls per second per action per region; 0 turns the limit off")
	quota := fs.Int("quota", 100, "key pairs per region")
	keyBits := fs.Int("key-bits", 2048, "RSA key size of CreateKeyPair")
	keyPool := fs.Int("key-pool", 16, "keys generated ahead, in the background")
	projects := fs.String("projects", "", "comma-separated extra project ids (project 0 always exists)")
	stateFile := fs.String("state-file", "", "file that keeps the state across restarts (default: memory only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if (*secretID == "") != (*secretKey == "") {
		return errors.New("--secret-id and --secret-key go together")
	}
	if *quota <= 0 {
		return fmt.Errorf("--quota %d: must be positive", *quota)
	}
	cfg := emulator.Config{
		RateLimit: *rateLimit,
		Quota:     *quota,
		KeyBits:   *keyBits,
		KeyPool:   *keyPool,
		StateFile: *stateFile,
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
			return fmt.Errorf("--projects: %q is not a project id", p)
		}
		cfg.Projects = append(cfg.Projects, id)
	}

	srv, err := emulator.New(cfg)
	if err != nil {
		return fmt.Errorf("start emulator: %w", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen: %w", err)
	}
	logger := log.New(stderr, "", log.LstdFlags)
	if cfg.Credentials == nil {
		logger.Printf("accepting the demo credential, SecretId %s", emulator.DemoSecretID)
	}
	hs := &http.Server{Handler: srv, ErrorLog: logger, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

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
