package emulator

import (
	"net/http"
	"testing"
)

// newBubbleEnv starts an emulator with cfg on the in-memory network of
// NewMemTestServer, for a test that runs inside synctest.Test: the env's
// helpers reach it through that network. It returns the listener too, for
// tests that dial raw connections.
func newBubbleEnv(t *testing.T, cfg Config) (*testEnv, *memListener) {
	t.Helper()
	if cfg.KeyBits == 0 {
		cfg.KeyBits = 1024
	}
	if cfg.KeyPool == 0 {
		cfg.KeyPool = 1
	}
	srv, url, ln := newMemTestServer(t, cfg)
	transport := &http.Transport{DialContext: ln.Dial}
	t.Cleanup(transport.CloseIdleConnections)
	return &testEnv{t: t, srv: srv, url: url, host: memAddr{}.String(), transport: transport}, ln
}
