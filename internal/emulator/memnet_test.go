package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
)

// The tests of the HTTP server's timeouts run in a testing/synctest
// bubble, over the in-memory network below: the bubble's clock moves only
// when every goroutine in it waits, so a timeout fires when its time has
// come on that clock and never because the machine was too busy to
// answer in time. Real sockets would not do: a goroutine that waits on
// one is not durably blocked, and the clock would not move.

// memAddr is the address of both ends of a memListener's connections.
type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "127.0.0.1:8090" }

// memListener is an in-memory net.Listener. Dial hands it one end of a
// net.Pipe and returns the other; the backlog holds dialled connections
// that Accept has not taken yet, as the kernel's does.
type memListener struct {
	backlog chan net.Conn
	done    chan struct{}
	once    sync.Once
}

func newMemListener() *memListener {
	return &memListener{backlog: make(chan net.Conn, 64), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.backlog:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return memAddr{} }

// Dial connects to the listener, whatever the address.
func (l *memListener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.backlog <- server:
		return client, nil
	case <-l.done:
		return nil, errors.New("dial: the listener is closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// newBubbleEnv starts an emulator with cfg, served as the command serves
// it (its http.Server and connection cap) on a memListener, for a test
// that runs inside synctest.Test. The env's helpers reach it through the
// listener. Everything stops when the test ends, so that the bubble's
// goroutines end with it.
func newBubbleEnv(t *testing.T, cfg Config) (*testEnv, *memListener) {
	t.Helper()
	if cfg.KeyBits == 0 {
		cfg.KeyBits = 1024
	}
	if cfg.KeyPool == 0 {
		cfg.KeyPool = 1
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln := newMemListener()
	hs := srv.HTTPServer(nil)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(srv.Listener(ln)) }()
	transport := &http.Transport{DialContext: ln.Dial}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		_ = hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})
	host := memAddr{}.String()
	return &testEnv{t: t, srv: srv, url: "http://" + host, host: host, transport: transport}, ln
}
