package main

import (
	"bufio"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// TestRun starts the command in-process, calls it with the SDK, and stops
// it with SIGTERM, which must flush the state file and end without error.
func TestRun(t *testing.T) {
	// The test's own subscription keeps a SIGTERM from killing the test
	// process should run have stopped listening for it already.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	t.Cleanup(func() { signal.Stop(sigs) })

	state := filepath.Join(t.TempDir(), "state.json")
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{
			"--listen", "127.0.0.1:0", "--secret-id", "AKIDcmd", "--secret-key", "cmd-key",
			"--key-bits", "1024", "--projects", "1001, 1002", "--rate-limit", "0", "--state-file", state,
		}, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("no output; run returned %v", <-done)
	}
	// From here run is serving; a failure below must not leave it running
	// after the test.
	terminated := false
	t.Cleanup(func() {
		stopping := !terminated
		if stopping {
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}
		select {
		case err := <-done:
			// When the test sent SIGTERM itself, it has checked err.
			if stopping && err != nil {
				t.Errorf("run after SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not stop after SIGTERM")
		}
	})
	m := regexp.MustCompile(`^listening on http://(127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("first line %q, want listening on http://127.0.0.1:PORT", lines.Text())
	}

	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint, prof.HttpProfile.Scheme = m[1], "http"
	client, err := cvm.NewClient(common.NewCredential("AKIDcmd", "cmd-key"), "ap-guangzhou", prof)
	if err != nil {
		t.Fatal(err)
	}
	req := cvm.NewCreateKeyPairRequest()
	name, project := "from_cmd", int64(1002)
	req.KeyName, req.ProjectId = &name, &project
	resp, err := client.CreateKeyPair(req)
	if err != nil {
		t.Fatalf("create key pair: %v", err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	terminated = true
	select {
	case err := <-done:
		done <- err // for the cleanup
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after SIGTERM")
	}
	if lines.Scan() {
		t.Errorf("more than one line on stdout: %q", lines.Text())
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), *resp.Response.KeyPair.KeyId) {
		t.Errorf("state file lacks the key pair (%v)", err)
	}
}

func TestRunFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--secret-id", "only-id"},
		{"--projects", "1,x"},
		{"--quota", "0"},
		{"--key-bits", "512"},
		{"--listen", "127.0.0.1:0", "extra"},
		{"--no-such-flag"},
	} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}
