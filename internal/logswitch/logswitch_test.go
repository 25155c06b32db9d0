package logswitch

import (
	"errors"
	"maps"
	"testing"
)

// Logging is turned off only when no variable asks for logs, and then
// exactly the SDK's framework and protocol subsystems and the provider's
// own logger are; any variable that asks, even one that sets a single
// subsystem, leaves every level as the SDK sets it.
func TestSilenceUnread(t *testing.T) {
	t.Parallel()
	off := map[string]string{"TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_TENCENTCLOUD": "OFF"}
	for _, tt := range []struct {
		name string
		env  map[string]string
		want map[string]string // what is set
	}{
		{"nothing set", nil, off},
		{"only TF_LOG_PATH", map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}, off},
		{"only TF_LOG_CORE", map[string]string{"TF_LOG_CORE": "trace"}, off},
		{"empty TF_LOG", map[string]string{"TF_LOG": ""}, off},
		{"TF_LOG", map[string]string{"TF_LOG": "trace"}, nil},
		{"TF_LOG=off", map[string]string{"TF_LOG": "off"}, nil},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "debug"}, nil},
		{"TF_LOG_SDK", map[string]string{"TF_LOG_SDK": "trace"}, nil},
		{"TF_LOG_SDK_FRAMEWORK", map[string]string{"TF_LOG_SDK_FRAMEWORK": "trace"}, nil},
		{"TF_LOG_SDK_PROTO", map[string]string{"TF_LOG_SDK_PROTO": "debug"}, nil},
		{"TF_LOG_PROVIDER_TENCENTCLOUD", map[string]string{"TF_LOG_PROVIDER_TENCENTCLOUD": "trace"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := map[string]string{}
			err := SilenceUnread(func(name string) string { return tt.env[name] }, func(name, value string) error {
				set[name] = value
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(set, tt.want) && (len(set) != 0 || len(tt.want) != 0) {
				t.Errorf("set %v, want %v", set, tt.want)
			}
		})
	}
}

// A failure to set a variable fails the start, rather than logging
// unasked.
func TestSilenceUnread_setFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	err := SilenceUnread(func(string) string { return "" }, func(string, string) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the error of setenv", err)
	}
}
