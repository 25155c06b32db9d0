package emulator

import (
	"context"
	"errors"
	"net"
	"sync"
)

// The in-memory network of NewMemTestServer. Inside a testing/synctest
// bubble, a goroutine that waits on one of its connections is durably
// blocked (net.Pipe waits on channels), so the bubble's fake clock runs
// the server's timeouts and the clients' deadlines; a real socket would
// not let it move.

// memAddr is the address of a memListener.
type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "127.0.0.1:8090" }

// memListener is an in-memory net.Listener. Dial hands it one end of a
// net.Pipe and returns the other; the backlog holds dialled connections
// that Accept has not taken yet, as the kernel's does (up to 64; more
// wait in Dial).
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
