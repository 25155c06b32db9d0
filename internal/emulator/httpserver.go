package emulator

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The defaults of the timeouts and of the connection cap in Config.
const (
	// DefaultReadHeaderTimeout closes a connection that has not sent a
	// request's headers within it: a stalled connection holds a slot of
	// the cap for no longer than this.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request. Bodies are at
	// most 1 MiB, sent in one go by every client of the emulator.
	DefaultReadTimeout = time.Minute
	// DefaultWriteTimeout bounds writing an answer once it is ready; the
	// answers are a few kilobytes.
	DefaultWriteTimeout = time.Minute
	// DefaultIdleTimeout is longer than the 90 seconds after which Go's
	// http.DefaultTransport (and so the SDK) closes its idle connections,
	// so that the client closes them first and never sends a call on a
	// connection that the server is closing.
	DefaultIdleTimeout = 2 * time.Minute
	// DefaultMaxConnections stays well below the file descriptor limit
	// that Go raises its soft limit to at start-up (the hard limit,
	// commonly 4096 or more), while no test or benchmark here keeps more
	// than a few hundred connections open.
	DefaultMaxConnections = 1024
)

// timeouts are the timeouts of Config with their defaults applied.
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

// configureHTTP checks and keeps the fields of cfg that guard the control
// API and the HTTP server.
func (s *Server) configureHTTP(cfg Config) error {
	if strings.ContainsFunc(cfg.ControlToken, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("control token: must not hold spaces or control characters")
	}
	s.controlToken = cfg.ControlToken
	allow, err := allowHostKeys(cfg.AllowHosts)
	if err != nil {
		return err
	}
	if cfg.ListenAddr != "" {
		host, _, err := net.SplitHostPort(cfg.ListenAddr)
		if err != nil {
			return fmt.Errorf("listen address %q: %w", cfg.ListenAddr, err)
		}
		if host != "" {
			allow[hostKey(host)] = true
		}
	}
	s.allowHosts = allow
	orDefault := func(name string, d, def time.Duration) (time.Duration, error) {
		switch {
		case d < 0:
			return 0, fmt.Errorf("%s %v: must not be negative", name, d)
		case d == 0:
			return def, nil
		}
		return d, nil
	}
	if s.timeouts.readHeader, err = orDefault("read header timeout", cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout); err != nil {
		return err
	}
	if s.timeouts.read, err = orDefault("read timeout", cfg.ReadTimeout, DefaultReadTimeout); err != nil {
		return err
	}
	if s.timeouts.write, err = orDefault("write timeout", cfg.WriteTimeout, DefaultWriteTimeout); err != nil {
		return err
	}
	if s.timeouts.idle, err = orDefault("idle timeout", cfg.IdleTimeout, DefaultIdleTimeout); err != nil {
		return err
	}
	switch {
	case cfg.MaxConnections < 0:
		return fmt.Errorf("max connections %d: must not be negative", cfg.MaxConnections)
	case cfg.MaxConnections == 0:
		s.maxConns = DefaultMaxConnections
	default:
		s.maxConns = cfg.MaxConnections
	}
	return nil
}

// HTTPServer returns an http.Server that serves s with the timeouts of its
// Config, logging to errorLog (nil: the log package's logger). Serve it on
// a listener wrapped by Listener, so that the connection cap applies too.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           s,
		ErrorLog:          errorLog,
		ReadHeaderTimeout: s.timeouts.readHeader,
		ReadTimeout:       s.timeouts.read,
		WriteTimeout:      s.timeouts.write,
		IdleTimeout:       s.timeouts.idle,
	}
}

// Listener wraps ln so that at most Config.MaxConnections of the
// connections it accepted are open at once. At the cap, Accept waits for
// one of them to close; the connections that arrive meanwhile wait in the
// kernel's backlog, holding no file descriptor of the process. Closing the
// returned listener closes ln and ends a waiting Accept.
func (s *Server) Listener(ln net.Listener) net.Listener {
	return newLimitListener(ln, s.maxConns)
}

// limitListener is a semaphore in front of a listener's Accept.
// golang.org/x/net/netutil.LimitListener does the same, but x/net is only
// an indirect requirement of this module.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back when it is closed, once.
type limitConn struct {
	net.Conn
	releaseOnce sync.Once
	release     func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.releaseOnce.Do(c.release)
	return err
}

// stretchDeadlines moves the read and write deadlines of the call's
// connection past the time the emulator spends on it. net/http counts
// both from the moment it reads the request, so a latency fault longer
// than ReadTimeout would see the request's context cancelled (net/http
// cancels it when the read deadline passes while it waits for the next
// request), and one longer than WriteTimeout could not write its answer.
// Called once the body is read, it lifts the read deadline (the body is
// in, and the next request gets its own deadlines) and gives the answer
// WriteTimeout from now; called again before the answer, it restarts
// that. Under an http.Server without timeouts it still gives the answer
// WriteTimeout; a ResponseWriter that cannot set deadlines is left as it
// is.
func (s *Server) stretchDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Now().Add(s.timeouts.write))
}
