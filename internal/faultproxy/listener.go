package faultproxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// listenerState is the proxy's own listener and the connections it
// accepted. To refuse connections, closing the listener is not enough:
// clients keep idle keep-alive connections and would send their next call
// on one of them, so those are closed too.
type listenerState struct {
	mu        sync.Mutex
	addr      string
	ln        net.Listener
	conns     map[net.Conn]struct{}
	handler   http.Handler
	refuseFor time.Duration
	down      bool
	closed    bool
	// reopened is closed when the port listens again after a refusal.
	reopened chan struct{}
}

func (s *listenerState) start(addr string, h http.Handler, refuseFor time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr, s.handler, s.refuseFor = ln.Addr().String(), h, refuseFor
	s.conns = map[net.Conn]struct{}{}
	s.serveLocked(ln)
	return nil
}

// serveLocked serves on ln with a server of its own: a server whose
// listener was closed is done with.
func (s *listenerState) serveLocked(ln net.Listener) {
	s.ln = ln
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(&trackingListener{Listener: ln, s: s}) }()
}

func (s *listenerState) address() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *listenerState) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

// refuse closes the listener and every connection, and listens again on
// the same port after refuseFor. It reports false when the port is down
// already or the proxy closed.
func (s *listenerState) refuse() bool {
	s.mu.Lock()
	if s.down || s.closed || s.ln == nil {
		s.mu.Unlock()
		return false
	}
	s.down = true
	s.reopened = make(chan struct{})
	ln, conns := s.ln, s.conns
	s.ln, s.conns = nil, map[net.Conn]struct{}{}
	s.mu.Unlock()
	_ = ln.Close()
	for c := range conns {
		_ = c.Close()
	}
	time.AfterFunc(s.refuseFor, s.reopen)
	return true
}

// reopen listens again on the port. Another process may take the port
// meanwhile, and a closed socket may hold it for a moment: it tries for a
// few seconds.
func (s *listenerState) reopen() {
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		ln, err = net.Listen("tcp", s.address())
		if err == nil || time.Now().After(deadline) || s.isClosed() {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(s.reopened)
	if err != nil {
		// Stays down: the calls that follow fail to connect, which the
		// runner sees as failed runs, not as a violation.
		return
	}
	if s.closed {
		_ = ln.Close()
		return
	}
	s.down = false
	s.serveLocked(ln)
}

// waitReopened waits until the port listens again after a refusal.
func (s *listenerState) waitReopened(ctx context.Context) error {
	s.mu.Lock()
	ch := s.reopened
	s.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *listenerState) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *listenerState) close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	ln, conns := s.ln, s.conns
	s.ln, s.conns = nil, nil
	s.mu.Unlock()
	var err error
	if ln != nil {
		err = ln.Close()
	}
	for c := range conns {
		_ = c.Close()
	}
	return err
}

// trackingListener records the connections it accepts, so that refuse
// and close can close them.
type trackingListener struct {
	net.Listener
	s *listenerState
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.conns == nil || l.s.down {
		// Accepted as the port closed: refused after all.
		_ = c.Close()
		return nil, errors.Join(net.ErrClosed, errors.New("fault proxy: port closed"))
	}
	tc := &trackedConn{Conn: c, s: l.s}
	l.s.conns[tc] = struct{}{}
	return tc, nil
}

// trackedConn leaves the set when it closes.
type trackedConn struct {
	net.Conn
	s    *listenerState
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}
