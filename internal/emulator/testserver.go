package emulator

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts an emulator behind an httptest server for tests in
// other packages and closes both when the test ends. url is the base URL,
// e.g. http://127.0.0.1:PORT; the SDK's HttpProfile.Endpoint wants it
// without the scheme. The server has the timeouts and the connection cap
// of cfg, as the command's does; it listens on loopback, so the control
// API needs no token unless cfg.ControlToken sets one.
func NewTestServer(t testing.TB, cfg Config) (srv *Server, url string) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Config = srv.HTTPServer(nil)
	hs.Listener = srv.Listener(hs.Listener)
	hs.Start()
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})
	return srv, hs.URL
}
