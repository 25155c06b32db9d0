// Package emulator is a local Tencent Cloud API endpoint for CVM key pairs
// and the tags on them. It speaks the real wire protocol (TC3-HMAC-SHA256
// signed JSON POSTs, the API 3.0 envelope) and applies the documented
// validations, error codes, quota and rate limit, so that the provider's
// tests and demos can run without a cloud account.
package emulator

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The demo account, used when no credentials are configured. The values are
// public on purpose: they only open this emulator.
const (
	DemoSecretID  = "AKIDEMULATORDEMO00000000000000000000"
	DemoSecretKey = "emulator-demo-secret-key-0000000000"
	// DemoUin is the account's uin, used in tag resource names.
	DemoUin = "100000000001"
)

const (
	defaultQuota   = apicontract.MaxKeyPairs
	defaultKeyBits = 2048
	keyPoolSize    = 16

	// maxBodyBytes bounds what a call may upload; key pair calls are tiny.
	maxBodyBytes = 1 << 20
)

// Credential is an API key the emulator accepts. A non-empty Token makes it
// temporary: calls must then send it in X-TC-Token, before Expires if set.
type Credential struct {
	SecretID, SecretKey, Token string
	Expires                    time.Time
}

// Config configures a Server.
type Config struct {
	Credentials []Credential     // empty => the demo pair
	Roles       []Role           // roles that STS AssumeRole may assume
	RateLimit   float64          // calls per second per action per region; 0 = off
	Quota       int              // key pairs per region; 0 => 100
	KeyBits     int              // 0 => 2048
	KeyPool     int              // keys generated ahead; 0 => 16
	Projects    []int64          // extra projects; 0 always exists
	StateFile   string           // "" => in memory only
	Now         func() time.Time // nil => time.Now (for clock-skew tests)
	// FirstKeyID, when not 0, makes the key ids of a new state a fixed
	// sequence, so that faults keyed by ids replay under the same seed;
	// 0 starts the sequence at random, keeping runs apart.
	FirstKeyID uint64
}

// Server is an http.Handler that serves the emulated API and the control API
// under /_emulator/. It holds the state of the accounts it serves.
type Server struct {
	now      func() time.Time
	quota    int
	projects map[int64]bool
	limit    float64
	pool     *keyPool
	store    *persister // nil without a state file

	// credMu guards the accepted credentials and the roles.
	credMu sync.RWMutex
	creds  map[string]Credential
	roles  map[string]Role

	// mu guards everything below. It is never held while sleeping for a
	// latency fault or generating a key.
	mu       sync.Mutex
	st       state
	stats    Stats
	limiters map[string]*rate.Limiter
	faults   faultSet

	closeOnce sync.Once
	closeErr  error
}

// New starts a Server, loading the state file when there is one, and starts
// its pool of pre-generated keys.
func New(cfg Config) (*Server, error) {
	s := &Server{
		now:      cfg.Now,
		quota:    cfg.Quota,
		projects: map[int64]bool{0: true},
		limit:    cfg.RateLimit,
		creds:    map[string]Credential{},
		roles:    map[string]Role{},
		limiters: map[string]*rate.Limiter{},
		stats:    newStats(),
		faults:   newFaultSet(Faults{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.quota == 0 {
		s.quota = defaultQuota
	}
	if s.quota < 0 {
		return nil, fmt.Errorf("quota %d: must not be negative", cfg.Quota)
	}
	if s.limit < 0 || math.IsNaN(s.limit) || math.IsInf(s.limit, 0) {
		return nil, fmt.Errorf("rate limit %v: must be a non-negative number", cfg.RateLimit)
	}
	bits := cfg.KeyBits
	if bits == 0 {
		bits = defaultKeyBits
	}
	// Go refuses RSA keys under 1024 bits, and very large keys would make
	// every create take seconds.
	if bits < 1024 || bits > 8192 || bits%8 != 0 {
		return nil, fmt.Errorf("key bits %d: must be a multiple of 8 from 1024 to 8192", bits)
	}
	for _, p := range cfg.Projects {
		if p < 0 {
			return nil, fmt.Errorf("project %d: must not be negative", p)
		}
		s.projects[p] = true
	}
	creds := cfg.Credentials
	if len(creds) == 0 {
		creds = []Credential{{SecretID: DemoSecretID, SecretKey: DemoSecretKey}}
	}
	for _, c := range creds {
		if c.SecretID == "" || c.SecretKey == "" {
			return nil, errors.New("credential: SecretID and SecretKey must both be set")
		}
		s.creds[c.SecretID] = c
	}
	for _, r := range cfg.Roles {
		if err := s.AddRole(r); err != nil {
			return nil, err
		}
	}
	s.st = newState()
	if cfg.FirstKeyID != 0 {
		s.st.NextID = cfg.FirstKeyID % keyIDSpace
	}
	if cfg.StateFile != "" {
		st, err := loadState(cfg.StateFile)
		if err != nil {
			return nil, err
		}
		s.st = st
		s.store = newPersister(cfg.StateFile, s.snapshot)
	}
	poolSize := cfg.KeyPool
	if poolSize <= 0 {
		poolSize = keyPoolSize
	}
	s.pool = newKeyPool(bits, poolSize)
	return s, nil
}

// Close stops the key pool and flushes the state file. It is safe to call
// more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.pool.close()
		if s.store != nil {
			s.closeErr = s.store.close()
		}
	})
	return s.closeErr
}

// AddCredential adds or replaces an accepted credential.
func (s *Server) AddCredential(c Credential) {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	s.creds[c.SecretID] = c
}

func (s *Server) credential(id string) (Credential, bool) {
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	c, ok := s.creds[id]
	return c, ok
}

// ServeHTTP answers one call. Steps, in order: authenticate, route, count,
// inject faults, rate-limit, then run the action; nothing changes state
// before the action runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	if r.Method != http.MethodPost {
		// GET calls exist only with the older signature methods, which the
		// emulator does not model.
		writeAPIError(w, newError(apicontract.CodeUnsupportedProtocol, "Only POST with a TC3-HMAC-SHA256 signature is supported, not %s.", r.Method))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeAPIError(w, newError(apicontract.CodeInvalidParameter, "The request body could not be read."))
		return
	}
	if len(body) > maxBodyBytes {
		writeAPIError(w, newError(apicontract.CodeRequestSizeLimitExceeded, "The request body is larger than %d bytes.", maxBodyBytes))
		return
	}
	call, apiErr := verifyTC3(r.Header, r.Host, body, s.now(), s.credential)
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	name := r.Header.Get("X-TC-Action")
	region := r.Header.Get("X-TC-Region")
	handler, apiErr := route(call.Service, r.Header.Get("X-TC-Version"), name)
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	s.count(name)
	if apiErr := checkRegion(call.Service, region); apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	fault := s.rollFaults(name, region, body)
	if fault.latency > 0 {
		select {
		case <-time.After(fault.latency):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case fault.internalError:
		writeAPIError(w, newError(apicontract.CodeInternalError, "An internal error occurred (injected fault)."))
		return
	case fault.throttle:
		writeAPIError(w, newError(apicontract.CodeRequestLimitExceeded, "The request rate limit was exceeded (injected fault)."))
		return
	}
	if !s.allow(name, region) {
		writeAPIError(w, newError(apicontract.CodeRequestLimitExceeded, "The request rate of %s in region %q exceeds %v per second.", name, region, s.limit))
		return
	}
	result, apiErr := handler(s, region, body)
	if fault.dropAfterCommit {
		// Whatever the action did stays done, but the caller never hears
		// about it: net/http closes the connection without a response.
		panic(http.ErrAbortHandler)
	}
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	writeResult(w, result)
}

// allow applies the per-action, per-region token bucket. It uses the real
// clock even when Config.Now is set, so that a frozen test clock does not
// freeze the buckets.
func (s *Server) allow(action, region string) bool {
	if s.limit == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := action + "\x00" + region
	lim, ok := s.limiters[key]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(s.limit), max(1, int(math.Ceil(s.limit))))
		s.limiters[key] = lim
	}
	if lim.Allow() {
		return true
	}
	s.stats.Throttled[action]++
	return false
}

func (s *Server) count(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Calls[action]++
}

// changed records that the state changed, so the state file gets written.
func (s *Server) changed() {
	if s.store != nil {
		s.store.kick()
	}
}
