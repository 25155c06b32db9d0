// Command cputime stands in for a provider binary in make bench: it runs
// the program that CPUTIME_EXEC names with its own arguments, environment
// and standard streams, waits for it, and appends a line with the
// program's CPU seconds (user and system) to the file CPUTIME_LOG. Terraform
// talks to the program as it would to the provider itself: the handshake
// and the logs go through the inherited streams.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	cmd := exec.Command(os.Getenv("CPUTIME_EXEC"), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Terraform's Ctrl-C reaches the whole process group, the program
	// included: this process only waits for the program to end.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM)
	err := cmd.Run()
	if cmd.ProcessState != nil {
		seconds := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		if f, openErr := os.OpenFile(os.Getenv("CPUTIME_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); openErr == nil {
			_, _ = fmt.Fprintf(f, "%d %.4f\n", cmd.ProcessState.Pid(), seconds)
			_ = f.Close()
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cputime:", err)
		os.Exit(1)
	}
}
