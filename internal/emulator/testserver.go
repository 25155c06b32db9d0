package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
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

// NewMemTestServer is NewTestServer on an in-memory network, for tests
// that run inside a testing/synctest bubble, where time moves only when
// every goroutine of the bubble waits: timeouts, lags, batch windows and
// rate limits then act on the bubble's clock, and their outcome does not
// depend on how busy the machine is. Call it inside the bubble. dial
// connects to the server whatever the address: set it as the
// DialContext of the http.Transport of every client of the server (the
// control API's too, through ControlClient.HTTPClient). url is
// http://127.0.0.1:8090, a loopback name that nothing listens on.
func NewMemTestServer(t testing.TB, cfg Config) (srv *Server, url string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) {
	t.Helper()
	srv, url, ln := newMemTestServer(t, cfg)
	return srv, url, ln.Dial
}

func newMemTestServer(t testing.TB, cfg Config) (*Server, string, *memListener) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	ln := newMemListener()
	hs := srv.HTTPServer(nil)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(srv.Listener(ln)) }()
	t.Cleanup(func() {
		_ = hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})
	return srv, "http://" + memAddr{}.String(), ln
}
