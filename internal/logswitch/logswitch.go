// Package logswitch turns off the logs that nobody reads. Terraform shows
// a provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set, and
// drops the rest after the provider paid for them; the framework and the
// protocol log at TRACE whatever TF_LOG says. The provider (main.go) and
// make bench's no-op provider (tools/bench/noop) switch them off the
// same way.
package logswitch

import "fmt"

// logRequestEnv are the variables that ask for logs. Terraform shows a
// provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set; the
// others set the levels of the SDK's loggers and of this provider's own
// (TF_LOG_PROVIDER_TENCENTCLOUD, after its registry type), and say that
// someone wants some of them.
var logRequestEnv = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_TENCENTCLOUD"}

// logsOff are the levels that turn off what would log on every request
// with no variable set: the SDK's framework and protocol subsystems, which
// log at TRACE whatever TF_LOG says (terraform-plugin-framework#1269,
// #721), and this provider's own logger (its calls, their bodies).
// terraform-plugin-log reads them for each request
// (tfsdklog.WithLevelFromEnv); a subsystem at OFF returns before it builds
// a line, and a logger at OFF before it encodes one.
var logsOff = map[string]string{"TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_TENCENTCLOUD": "OFF"}

// logsRequested reports whether any variable asks for logs; an empty value
// counts as unset, as it does for Terraform and the SDK.
func logsRequested(getenv func(string) string) bool {
	for _, name := range logRequestEnv {
		if getenv(name) != "" {
			return true
		}
	}
	return false
}

// SilenceUnread turns logging off when no variable asks for logs:
// Terraform would drop every line after the provider paid for it (about
// half the provider's CPU in a plan). When any asks, logging stays as the
// SDK sets it.
func SilenceUnread(getenv func(string) string, setenv func(string, string) error) error {
	if logsRequested(getenv) {
		return nil
	}
	for name, value := range logsOff {
		if err := setenv(name, value); err != nil {
			return fmt.Errorf("set %s: %w", name, err)
		}
	}
	return nil
}
